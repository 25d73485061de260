// Writes the input file of colsplit-bench.cc: the bench's LeNet-300-100 ("mlp") or
// 784-1024-1024-10 ("mlp1024") pruned to 90% by global magnitude, with every layer's real inputs
// on the first 2,000 Fashion-MNIST test images. A quick harness, not a benchmark of record. Run
// from the root after `mvn -q -B package -DskipTests`, with the Debian dataset-fashion-mnist:
//   mvn -q -o -B -pl java/core dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
//   java -cp java/core/target/classes:$(cat /tmp/cp.txt) native/tools/colsplit-dump.java
//     java/cli/src/main/resources/org/sparsenn/cli/sweep/fashion-mnist-mlp.snn /tmp/mlp.bin
//   (one line; bench/src/main/resources/org/sparsenn/bench/fashion-mnist-mlp1024.snn and
//   /tmp/mlp1024.bin for the other model)
// File (little-endian): int32 layers, int32 images; per layer int32 rows, int32 cols, fp32
// weights[rows * cols] (row-major), fp32 bias[rows], fp32 inputs[images * cols].
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.sparsenn.io.ModelReader;
import org.sparsenn.io.data.Dataset;
import org.sparsenn.io.data.IdxDatasets;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.prune.Pruners;

public class ColsplitDump {
  private static final int IMAGES = 2000;

  public static void main(String[] args) throws IOException {
    Network network = Pruners.magnitude().global().sparsity(0.9).build()
        .apply(ModelReader.read(Path.of(args[0])));
    Dataset test = IdxDatasets.loadTest(Path.of("/usr/share/datasets/fashion-mnist"));
    float[][] inputs = new float[IMAGES][];
    for (int i = 0; i < IMAGES; i++) {
      inputs[i] = test.features(i);
    }
    List<DenseLayer> layers = network.layers();
    try (DataOutputStream out = new DataOutputStream(
        new BufferedOutputStream(new FileOutputStream(args[1])))) {
      writeInt(out, layers.size() - 1);
      writeInt(out, IMAGES);
      for (DenseLayer layer : layers.subList(0, layers.size() - 1)) {
        writeInt(out, layer.outputs());
        writeInt(out, layer.inputs());
        writeFloats(out, layer.weights());
        writeFloats(out, layer.bias());
        for (float[] x : inputs) {
          writeFloats(out, x);
        }
        for (int i = 0; i < IMAGES; i++) {
          inputs[i] = forward(layer, inputs[i]);
        }
      }
    }
  }

  // the hidden layers of both models are ReLU
  private static float[] forward(DenseLayer layer, float[] x) {
    if (!layer.activation().equals(Activation.RELU)) {
      throw new IllegalArgumentException("expected ReLU hidden layers, got " + layer.activation());
    }
    float[] w = layer.weights();
    float[] y = new float[layer.outputs()];
    for (int r = 0; r < y.length; r++) {
      float sum = layer.bias()[r];
      for (int c = 0; c < x.length; c++) {
        sum += w[r * x.length + c] * x[c];
      }
      y[r] = Math.max(0f, sum);
    }
    return y;
  }

  private static void writeInt(DataOutputStream out, int v) throws IOException {
    out.writeInt(Integer.reverseBytes(v));
  }

  private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
    for (float v : values) {
      writeInt(out, Float.floatToRawIntBits(v));
    }
  }
}
