package org.sparsenn.io.onnx;

import java.util.Arrays;

/**
 * A per-feature affine map {@code x -> scale * x + shift} on {@code [batch, features]}
 * activations: what constant {@code Add}, {@code Sub}, {@code Mul}, {@code Div} and inference
 * {@code BatchNormalization} compute, kept aside until it can be folded into a layer's weights.
 *
 * <p>Arrays of length 1 broadcast over every feature; otherwise both arrays have one entry per
 * feature. Values are doubles so that chains of folds round once, when they reach the weights.
 */
final class FeatureAffine {
  private final double[] scale;
  private final double[] shift;

  private FeatureAffine(double[] scale, double[] shift) {
    this.scale = scale;
    this.shift = shift;
  }

  /** {@code x * scale}. */
  static FeatureAffine scaling(double[] scale) {
    return new FeatureAffine(scale, new double[] {0});
  }

  /** {@code x + shift}. */
  static FeatureAffine shifting(double[] shift) {
    return new FeatureAffine(new double[] {1}, shift);
  }

  /** {@code x * scale + shift}. */
  static FeatureAffine of(double[] scale, double[] shift) {
    return new FeatureAffine(scale, shift);
  }

  /** The number of features this map is defined for, or 1 if it broadcasts over any number. */
  int width() {
    return Math.max(scale.length, shift.length);
  }

  double scale(int feature) {
    return scale[scale.length == 1 ? 0 : feature];
  }

  double shift(int feature) {
    return shift[shift.length == 1 ? 0 : feature];
  }

  /**
   * This map followed by {@code next}: {@code x -> next.scale * (scale * x + shift) + next.shift}.
   *
   * @throws IllegalArgumentException if the two are defined for different numbers of features
   */
  FeatureAffine then(FeatureAffine next) {
    int n = width();
    int m = next.width();
    if (n != 1 && m != 1 && n != m) {
      throw new IllegalArgumentException("cannot chain a map over " + n + " features with one"
          + " over " + m);
    }
    int width = Math.max(n, m);
    double[] s = new double[width];
    double[] t = new double[width];
    for (int f = 0; f < width; f++) {
      s[f] = next.scale(f) * scale(f);
      t[f] = next.scale(f) * shift(f) + next.shift(f);
    }
    return new FeatureAffine(s, t);
  }

  /** The map restricted to the given features, in their order (an input feature selection). */
  FeatureAffine select(int[] features) {
    if (width() == 1) {
      return this;
    }
    double[] s = new double[features.length];
    double[] t = new double[features.length];
    for (int i = 0; i < features.length; i++) {
      s[i] = scale(features[i]);
      t[i] = shift(features[i]);
    }
    return new FeatureAffine(s, t);
  }

  /**
   * Folds this map, applied to a layer's inputs, into the layer: {@code W (s x + t) + b} is
   * {@code (W diag(s)) x + (W t + b)}. Updates {@code weights} ({@code [outputs][inputs]},
   * row-major) in place.
   *
   * @param bias the layer's bias, or null for none
   * @return the new bias (a new array)
   */
  float[] foldIntoInputs(float[] weights, float[] bias, int inputs, int outputs) {
    float[] folded = new float[outputs];
    for (int o = 0; o < outputs; o++) {
      double sum = bias == null ? 0 : bias[o];
      int row = o * inputs;
      for (int i = 0; i < inputs; i++) {
        sum += (double) weights[row + i] * shift(i);
        weights[row + i] = (float) (weights[row + i] * scale(i));
      }
      folded[o] = (float) sum;
    }
    return folded;
  }

  /**
   * Folds this map, applied to a layer's outputs, into the layer: {@code s (W x + b) + t} is
   * {@code (diag(s) W) x + (s b + t)}. Updates {@code weights} in place.
   *
   * @param bias the layer's bias, or null for none
   * @return the new bias (a new array)
   */
  float[] foldIntoOutputs(float[] weights, float[] bias, int inputs, int outputs) {
    float[] folded = new float[outputs];
    for (int o = 0; o < outputs; o++) {
      double s = scale(o);
      int row = o * inputs;
      for (int i = 0; i < inputs; i++) {
        weights[row + i] = (float) (weights[row + i] * s);
      }
      folded[o] = (float) (s * (bias == null ? 0 : bias[o]) + shift(o));
    }
    return folded;
  }

  @Override
  public String toString() {
    return "scale " + Arrays.toString(scale) + ", shift " + Arrays.toString(shift);
  }
}
