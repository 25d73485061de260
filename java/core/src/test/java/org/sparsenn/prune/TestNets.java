package org.sparsenn.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

/** Small networks for the prune tests. */
final class TestNets {
  private TestNets() {}

  /** One layer with the given row-major weights. */
  static DenseLayer layer(int in, int out, float... weights) {
    return new DenseLayer(in, out, weights, null, Activation.RELU);
  }

  /** A chain of layers with seeded random weights in (-1, 1) and biases, ReLU, identity last. */
  static Network random(long seed, int... sizes) {
    SplittableRandom random = new SplittableRandom(seed);
    List<DenseLayer> layers = new ArrayList<>();
    for (int i = 0; i + 1 < sizes.length; i++) {
      float[] w = new float[sizes[i] * sizes[i + 1]];
      float[] b = new float[sizes[i + 1]];
      for (int j = 0; j < w.length; j++) {
        w[j] = (float) random.nextDouble(-1, 1);
      }
      for (int j = 0; j < b.length; j++) {
        b[j] = (float) random.nextDouble(-0.1, 0.1);
      }
      boolean last = i + 2 == sizes.length;
      layers.add(new DenseLayer(sizes[i], sizes[i + 1], w, b,
          last ? Activation.IDENTITY : Activation.RELU));
    }
    return new Network(layers, false);
  }

  /** Number of exactly-zero weights in layer {@code i}. */
  static long zeros(Network net, int i) {
    DenseLayer layer = net.layers().get(i);
    return (long) layer.inputs() * layer.outputs() - layer.nonzeroWeights();
  }

  static float[][] randomInputs(long seed, int count, int width) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] inputs = new float[count][width];
    for (float[] row : inputs) {
      for (int j = 0; j < width; j++) {
        row[j] = (float) random.nextDouble(-1, 1);
      }
    }
    return inputs;
  }
}
