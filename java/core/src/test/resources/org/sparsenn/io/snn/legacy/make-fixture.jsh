// Writes mixed-storage-1.1.snn with the sparsenn of commit 58e64f9 (before the layer-format
// registry), so that SnnLegacyFixtureTest proves files written before that change still load.
// Run from the repository root after `mvn -q -B package -DskipTests` on that commit:
//   jshell --class-path java/target/sparsenn.jar \
//     java/src/test/resources/org/sparsenn/io/snn/legacy/make-fixture.jsh
// The test recomputes the weights from the same formulas.
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.sparsenn.io.snn.SnnWriteOptions;
import org.sparsenn.io.snn.SnnWriter;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

// Layer 0: 4 x 65,537, ten nonzeros per row: more inputs than uint16 addresses, so csr (int32).
float[] w0 = new float[4 * 65537];
int[] cols0 = {0, 1, 2, 7, 255, 256, 40000, 65534, 65535, 65536};
for (int r = 0; r < 4; r++) for (int k = 0; k < cols0.length; k++) w0[r * 65537 + cols0[k]] = (r + 1) * 0.5f - k * 0.125f;
// Layer 1: 6 x 4, every other weight zero: csr16 is smaller than dense.
float[] w1 = new float[6 * 4];
for (int i = 0; i < w1.length; i++) w1[i] = (i % 2 == 0) ? 0f : (i - 11) * 0.0625f;
w1[3] = -0.0f;  // a stored negative zero: CSR keeps it, bit for bit
// Layer 2: 3 x 6, no zeros: dense.
float[] w2 = new float[3 * 6];
for (int i = 0; i < w2.length; i++) w2[i] = (i + 1) * (i % 3 == 0 ? -0.25f : 0.1875f);
float[] b0 = {0.5f, -0.5f, 0.25f, -0.25f};
float[] b1 = {1f, 2f, 3f, 4f, 5f, 6f};
float[] b2 = {-1f, 0f, 1f};
Network net = new Network(List.of(
    new DenseLayer(65537, 4, w0, b0, Activation.RELU),
    new DenseLayer(4, 6, w1, b1, Activation.parse("leaky_relu:0.01")),
    new DenseLayer(6, 3, w2, b2, Activation.IDENTITY)), true);
Path out = Path.of("java/src/test/resources/org/sparsenn/io/snn/legacy/mixed-storage-1.1.snn");
System.out.println(SnnWriter.write(net, out,
    SnnWriteOptions.defaults().withProvenance(Map.of("note", "legacy fixture, commit 58e64f9"))));
/exit
