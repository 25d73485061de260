package org.sparsenn.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.sparsenn.io.ModelReader;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.prune.Pruners;
import org.sparsenn.sparse.RandomWeights;

/**
 * The networks {@link ModelBenchmark} runs, by name: {@code mlp}, the committed LeNet-300-100
 * (784-300-100-10) that sparsenn trained on Fashion-MNIST (the sweep's built-in model);
 * {@code mlp-neuron50}, the same with half of each hidden layer's neurons pruned (784-150-50-10);
 * {@code wide4096} (three 4096 x 4096 layers) and {@code tiny16} (one 16 x 16 layer, for
 * per-call overhead) with random weights; any other name is the path of a model file the
 * readers read.
 */
final class ModelFixture {
  private static final String BUILTIN = "/org/sparsenn/cli/sweep/fashion-mnist-mlp.snn";

  private ModelFixture() {}

  /**
   * The named network at {@code sparsity}: the trained models and model files pruned by global
   * magnitude (no fine-tuning), the random ones with that fraction of zeros at uniformly random
   * places (what global magnitude pruning gives on i.i.d. weights).
   */
  static Network network(String model, double sparsity) {
    return switch (model) {
      case "mlp" -> pruned(builtin(), sparsity);
      case "mlp-neuron50" -> pruned(
          Pruners.neurons().l2().fraction(0.5).build().apply(builtin()), sparsity);
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
    return pruned(ModelReader.read(file), sparsity);
  }

  /** Global magnitude pruning to {@code sparsity} (no fine-tuning: speed needs no accuracy). */
  private static Network pruned(Network network, double sparsity) {
    if (sparsity == 0) {
      return network;
    }
    return Pruners.magnitude().global().sparsity(sparsity).build().apply(network);
  }

  /** The sweep's built-in model, read from the sparsenn jar. */
  private static Network builtin() {
    try (InputStream in = ModelFixture.class.getResourceAsStream(BUILTIN)) {
      if (in == null) {
        throw new IllegalStateException(BUILTIN + " is not on the class path");
      }
      Path file = Files.createTempFile("sparsenn-mlp-", ".snn");
      try {
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        return ModelReader.read(file);
      } finally {
        Files.delete(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
