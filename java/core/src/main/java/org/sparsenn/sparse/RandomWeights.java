package org.sparsenn.sparse;

import java.util.SplittableRandom;

/**
 * Seeded random weight matrices with uniformly random zero positions: the fixtures of the
 * benchmarks and of the {@code bench} command, so that every run of every tool measures the
 * same matrix for the same seed.
 */
public final class RandomWeights {
  private RandomWeights() {}

  /**
   * A dense row-major {@code rows x cols} matrix in which each entry is zero with probability
   * {@code sparsity}, and otherwise uniform in {@code [-1, 1)} excluding 0.
   *
   * @throws IllegalArgumentException if the shape is negative or too large for an array, or the
   *     sparsity is outside {@code [0, 1]}
   */
  public static float[] dense(int rows, int cols, double sparsity, long seed) {
    if (rows < 0 || cols < 0 || (long) rows * cols > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("unsupported shape " + rows + " x " + cols);
    }
    if (!(sparsity >= 0.0 && sparsity <= 1.0)) {
      throw new IllegalArgumentException("sparsity must be in [0, 1], got " + sparsity);
    }
    SplittableRandom random = new SplittableRandom(seed);
    float[] weights = new float[rows * cols];
    for (int i = 0; i < weights.length; i++) {
      if (random.nextDouble() >= sparsity) {
        float w = (float) (random.nextDouble() * 2.0 - 1.0);
        weights[i] = w == 0f ? 0.5f : w;
      }
    }
    return weights;
  }

  /** A vector of {@code n} values uniform in {@code [-1, 1)}. */
  public static float[] vector(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (random.nextDouble() * 2.0 - 1.0);
    }
    return v;
  }
}
