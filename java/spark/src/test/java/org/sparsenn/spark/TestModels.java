package org.sparsenn.spark;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.sparsenn.io.snn.SnnWriteOptions;
import org.sparsenn.io.snn.SnnWriter;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.sparse.RandomWeights;

/** Small random networks written as .snn files, and the rows the tests score. */
final class TestModels {
  private TestModels() {}

  /**
   * A {@code sizes[0] -> ... -> sizes[n-1]} ReLU network with a linear last layer, a fraction
   * {@code sparsity} of its weights zero, written to {@code dir/name}.
   */
  static Path write(Path dir, String name, double sparsity, long seed, int... sizes) {
    List<DenseLayer> layers = new java.util.ArrayList<>();
    for (int i = 0; i + 1 < sizes.length; i++) {
      int in = sizes[i];
      int out = sizes[i + 1];
      float[] weights = RandomWeights.dense(out, in, sparsity, seed + i);
      float scale = (float) (1.0 / Math.sqrt(in * (1.0 - sparsity)));
      for (int k = 0; k < weights.length; k++) {
        weights[k] *= scale;
      }
      float[] bias = RandomWeights.vector(out, seed + 100 + i);
      Activation activation = i + 2 == sizes.length ? Activation.IDENTITY : Activation.RELU;
      layers.add(new DenseLayer(in, out, weights, bias, activation));
    }
    Path file = dir.resolve(name);
    SnnWriter.write(new Network(layers, false), file, SnnWriteOptions.defaults());
    return file;
  }

  /** Row {@code id}'s features: uniform in [0, 1), about a third of them zero, as pixels are. */
  static float[] features(long id, int width) {
    SplittableRandom random = new SplittableRandom(0x5EED_0000L + id);
    float[] x = new float[width];
    for (int i = 0; i < width; i++) {
      double u = random.nextDouble();
      x[i] = u < 0.33 ? 0f : (float) random.nextDouble();
    }
    return x;
  }

  /**
   * Whether Spark's outputs equal the session's up to rounding: the SpMM kernels' summation
   * order is fixed per batch size, and a row is scored in whatever batch its partition makes
   * (the same batch composition gives the same bits), so a row may differ by a few ulps from
   * the same row run in another batch.
   */
  static void assertSameUpToRounding(float[] expected, float[] actual, String message) {
    org.junit.jupiter.api.Assertions.assertEquals(expected.length, actual.length, message);
    for (int i = 0; i < expected.length; i++) {
      float tolerance = 8 * Math.ulp(Math.max(Math.abs(expected[i]), 1f));
      org.junit.jupiter.api.Assertions.assertEquals(expected[i], actual[i], tolerance,
          message + " output " + i);
    }
  }
}
