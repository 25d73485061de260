package org.sparsenn.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sparsenn.io.ModelReader;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.prune.Pruners;
import org.sparsenn.sparse.RandomWeights;

/**
 * The networks {@link ModelBenchmark} runs, by name: {@code mlp} (784-300-100-10, the LeNet-300-100
 * shape of the Fashion-MNIST models), {@code wide4096} (three 4096 x 4096 layers) and
 * {@code tiny16} (one 16 x 16 layer, for per-call overhead), with random weights of which the
 * given fraction is zero; any other name is the path of a model file the readers read.
 */
final class ModelFixture {
  private ModelFixture() {}

  /**
   * The named network at {@code sparsity}: random weights with that fraction of zeros at
   * uniformly random places (what global magnitude pruning gives on i.i.d. weights), or a
   * model file pruned by global magnitude (no fine-tuning).
   */
  static Network network(String model, double sparsity) {
    return switch (model) {
      case "mlp" -> random(new int[] {784, 300, 100, 10}, sparsity);
      case "wide4096" -> random(new int[] {4096, 4096, 4096, 4096}, sparsity);
      case "tiny16" -> random(new int[] {16, 16}, sparsity);
      default -> fromFile(Path.of(model), sparsity);
    };
  }

  private static Network random(int[] widths, double sparsity) {
    List<DenseLayer> layers = new ArrayList<>();
    for (int i = 0; i + 1 < widths.length; i++) {
      int in = widths[i];
      int out = widths[i + 1];
      float[] weights = RandomWeights.dense(out, in, sparsity, LayerFixture.WEIGHT_SEED + i);
      // Scaled like a trained layer (about unit-variance activations), so nothing saturates.
      float scale = (float) Math.sqrt(3.0 / in);
      for (int k = 0; k < weights.length; k++) {
        weights[k] *= scale;
      }
      boolean last = i + 2 == widths.length;
      layers.add(new DenseLayer(in, out, weights, RandomWeights.vector(out, 100 + i),
          last ? Activation.IDENTITY : Activation.RELU));
    }
    return new Network(layers, false);
  }

  private static Network fromFile(Path file, double sparsity) {
    Network network = ModelReader.read(file);
    if (sparsity == 0) {
      return network;
    }
    return Pruners.magnitude().global().sparsity(sparsity).build().apply(network);
  }
}
