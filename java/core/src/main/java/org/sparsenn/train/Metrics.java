package org.sparsenn.train;

import java.util.Objects;

/**
 * Classification and regression metrics over network outputs laid out row-major,
 * {@code rows x width}: the predicted class of a row is its largest output (the first one on
 * ties), which a softmax does not change.
 */
public final class Metrics {
  private Metrics() {}

  /** The index of the largest of {@code outputs[base .. base + width)} (first on ties). */
  public static int argmax(float[] outputs, int base, int width) {
    int best = 0;
    float bestValue = outputs[base];
    for (int j = 1; j < width; j++) {
      if (outputs[base + j] > bestValue) {
        bestValue = outputs[base + j];
        best = j;
      }
    }
    return best;
  }

  /** How many of the first {@code rows} rows predict their label. */
  public static int countCorrect(float[] outputs, int rows, int width, int[] labels) {
    int correct = 0;
    for (int r = 0; r < rows; r++) {
      if (argmax(outputs, r * width, width) == labels[r]) {
        correct++;
      }
    }
    return correct;
  }

  /**
   * How many of the first {@code rows} rows have their label among the {@code k} largest
   * outputs (a label ties in when fewer than {@code k} outputs are strictly larger).
   *
   * @throws IllegalArgumentException if {@code k < 1}
   */
  public static int countInTopK(float[] outputs, int rows, int width, int[] labels, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("top-k needs k >= 1, got " + k);
    }
    int hits = 0;
    for (int r = 0; r < rows; r++) {
      int base = r * width;
      float labelValue = outputs[base + labels[r]];
      int larger = 0;
      for (int j = 0; j < width && larger < k; j++) {
        if (outputs[base + j] > labelValue) {
          larger++;
        }
      }
      if (larger < k) {
        hits++;
      }
    }
    return hits;
  }

  /**
   * The share of {@code predicted} equal to {@code labels}.
   *
   * @throws IllegalArgumentException if the lengths differ or are 0
   */
  public static double accuracy(int[] predicted, int[] labels) {
    Objects.requireNonNull(predicted, "predicted");
    Objects.requireNonNull(labels, "labels");
    if (predicted.length != labels.length || labels.length == 0) {
      throw new IllegalArgumentException("accuracy needs equal, non-zero lengths, got "
          + predicted.length + " and " + labels.length);
    }
    int same = 0;
    for (int i = 0; i < labels.length; i++) {
      if (predicted[i] == labels[i]) {
        same++;
      }
    }
    return (double) same / labels.length;
  }

  /**
   * The mean of {@code (a[i] - b[i])^2}.
   *
   * @throws IllegalArgumentException if the lengths differ or are 0
   */
  public static double meanSquaredError(float[] a, float[] b) {
    if (a.length != b.length || a.length == 0) {
      throw new IllegalArgumentException("MSE needs equal, non-zero lengths, got " + a.length
          + " and " + b.length);
    }
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      sum += d * d;
    }
    return sum / a.length;
  }
}
