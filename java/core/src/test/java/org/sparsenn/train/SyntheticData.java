package org.sparsenn.train;

import java.util.SplittableRandom;
import org.sparsenn.io.data.Dataset;

/** Small generated data sets for training tests. */
final class SyntheticData {
  private SyntheticData() {}

  /**
   * {@code count} examples of {@code features} features in {@code classes} Gaussian blobs whose
   * centres lie 3 apart on separate axes: linearly separable with a wide margin.
   */
  static Dataset blobs(int count, int features, int classes, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[count * features];
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      int label = random.nextInt(classes);
      labels[i] = label;
      for (int f = 0; f < features; f++) {
        double centre = f % classes == label ? 3 : 0;
        x[i * features + f] = (float) (centre + 0.5 * random.nextGaussian());
      }
    }
    return Dataset.classification(x, features, labels);
  }

  /** Features and labels drawn independently: nothing to learn, everything to overfit. */
  static Dataset noise(int count, int features, int classes, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[count * features];
    int[] labels = new int[count];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < count; i++) {
      labels[i] = random.nextInt(classes);
    }
    return Dataset.classification(x, features, labels);
  }
}
