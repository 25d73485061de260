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
 * {@code mlp1024}, a 784-1024-1024-10 ReLU MLP that sparsenn trained on Fashion-MNIST (the
 * command is in the README); {@code wide4096} (three 4096 x 4096 layers) and {@code tiny16} (one
 * 16 x 16 layer, for per-call overhead) with random weights; any other name is the path of a
 * model file the readers read.
 */
final class ModelFixture {
  private static final String BUILTIN = "/org/sparsenn/cli/sweep/fashion-mnist-mlp.snn";
  private static final String MLP1024 = "/org/sparsenn/bench/fashion-mnist-mlp1024.snn";

  private ModelFixture() {}

  /** The network pruned by global magnitude; see {@link #network(String, double, String)}. */
  static Network network(String model, double sparsity) {
    return network(model, sparsity, BenchPruning.MAGNITUDE);
  }

  /**
   * The named network at {@code sparsity}, pruned (without fine-tuning: speed needs no
   * accuracy) by {@code pruning} ({@link BenchPruning}). Under global magnitude pruning the
   * random networks get that fraction of zeros at uniformly random places (what global
   * magnitude pruning gives on i.i.d. weights); under a structured method their dense weights
   * are pruned by it like any other network's.
   *
   * @throws IllegalArgumentException for an unknown pruning method, or an N:M pattern at
   *     another sparsity than its own
   */
  static Network network(String model, double sparsity, String pruning) {
    BenchPruning method = BenchPruning.parse(pruning);
    boolean random = model.equals("wide4096") || model.equals("tiny16");
    Network unpruned = switch (model) {
      case "mlp" -> resource(BUILTIN);
      case "mlp-neuron50" -> Pruners.neurons().l2().fraction(0.5).build()
          .apply(resource(BUILTIN));
      case "mlp1024" -> resource(MLP1024);
      case "wide4096" -> random(new int[] {4096, 4096, 4096, 4096},
          method.isMagnitude() ? sparsity : 0);
      case "tiny16" -> random(new int[] {16, 16}, method.isMagnitude() ? sparsity : 0);
      default -> ModelReader.read(Path.of(model));
    };
    return random && method.isMagnitude() ? unpruned : method.apply(unpruned, sparsity);
  }

  /** Whether {@code model} was trained on Fashion-MNIST images (784 inputs). */
  static boolean trainedOnFashionMnist(String model) {
    return model.equals("mlp") || model.equals("mlp-neuron50") || model.equals("mlp1024");
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

  /** A model file on the class path (the sweep's built-in model, or this module's own). */
  private static Network resource(String name) {
    try (InputStream in = ModelFixture.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not on the class path");
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
