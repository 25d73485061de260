// Writes mlp.onnx (a 64-128-64-10 ReLU MLP with seeded random weights, in the ONNX form
// sparsenn's writer gives, which is what torch.onnx.export gives for nn.Linear stacks) and
// x.npy (16 rows of 64 seeded random inputs). Run by make-fixture.sh.
import java.nio.file.Path;
import java.util.ArrayList;
import org.sparsenn.io.NpyWriter;
import org.sparsenn.io.onnx.OnnxWriter;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.sparse.RandomWeights;

int[] sizes = {64, 128, 64, 10};
var layers = new ArrayList<DenseLayer>();
for (int i = 0; i + 1 < sizes.length; i++) {
  float[] w = RandomWeights.dense(sizes[i + 1], sizes[i], 0.0, 17 + i);
  float scale = 0.125f;   // one range for every layer, so global pruning keeps some of each
  for (int j = 0; j < w.length; j++) w[j] *= scale;
  float[] b = RandomWeights.vector(sizes[i + 1], 117 + i);
  for (int j = 0; j < b.length; j++) b[j] *= scale;
  layers.add(new DenseLayer(sizes[i], sizes[i + 1], w, b,
      i + 2 < sizes.length ? Activation.RELU : Activation.IDENTITY));
}
OnnxWriter.write(new Network(layers, false), Path.of("mlp.onnx"));
NpyWriter.write(Path.of("x.npy"), 16, 64, RandomWeights.vector(16 * 64, 4242));
/exit
