package org.sparsenn.train;

import org.sparsenn.model.Activation;

/**
 * The activations and their derivatives as training needs them, on heap arrays: the forward
 * map {@code a = f(z)} and {@code dz = da * f'(z)}. ReLU's derivative at 0 is 0, as in PyTorch.
 */
final class ActivationMath {
  private static final double INV_SQRT2 = 0.7071067811865476;
  private static final double INV_SQRT_2PI = 0.3989422804014327;

  private ActivationMath() {}

  /** {@code a[i] = f(z[i])} for {@code i < count}; {@code a} may be {@code z}. */
  static void forward(Activation activation, float[] z, float[] a, int count) {
    switch (activation.kind()) {
      case IDENTITY -> {
        if (a != z) {
          System.arraycopy(z, 0, a, 0, count);
        }
      }
      case RELU -> {
        for (int i = 0; i < count; i++) {
          a[i] = Math.max(z[i], 0f);
        }
      }
      case LEAKY_RELU -> {
        float alpha = activation.alpha();
        for (int i = 0; i < count; i++) {
          a[i] = z[i] < 0f ? alpha * z[i] : z[i];
        }
      }
      case SIGMOID -> {
        for (int i = 0; i < count; i++) {
          a[i] = (float) (1 / (1 + Math.exp(-z[i])));
        }
      }
      case TANH -> {
        for (int i = 0; i < count; i++) {
          a[i] = (float) Math.tanh(z[i]);
        }
      }
      case GELU -> {
        for (int i = 0; i < count; i++) {
          a[i] = (float) (0.5 * z[i] * (1 + erf(z[i] * INV_SQRT2)));
        }
      }
      default -> throw new IllegalArgumentException("no training support for " + activation);
    }
  }

  /**
   * {@code d[i] *= f'(z[i])} for {@code i < count}, given the pre-activation {@code z} and the
   * activation's output {@code a}.
   */
  static void backward(Activation activation, float[] z, float[] a, float[] d, int count) {
    switch (activation.kind()) {
      case IDENTITY -> { }
      case RELU -> {
        for (int i = 0; i < count; i++) {
          d[i] = z[i] > 0f ? d[i] : 0f;
        }
      }
      case LEAKY_RELU -> {
        float alpha = activation.alpha();
        for (int i = 0; i < count; i++) {
          d[i] = z[i] < 0f ? alpha * d[i] : d[i];
        }
      }
      case SIGMOID -> {
        for (int i = 0; i < count; i++) {
          d[i] *= a[i] * (1f - a[i]);
        }
      }
      case TANH -> {
        for (int i = 0; i < count; i++) {
          d[i] *= 1f - a[i] * a[i];
        }
      }
      case GELU -> {
        for (int i = 0; i < count; i++) {
          double x = z[i];
          double cdf = 0.5 * (1 + erf(x * INV_SQRT2));
          double pdf = INV_SQRT_2PI * Math.exp(-0.5 * x * x);
          d[i] = (float) (d[i] * (cdf + x * pdf));
        }
      }
      default -> throw new IllegalArgumentException("no training support for " + activation);
    }
  }

  /** erf from Numerical Recipes' erfc fit: error below 1.2e-7, ample for float32. */
  static double erf(double x) {
    double t = 1 / (1 + 0.5 * Math.abs(x));
    double y = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196
        + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398
        + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
    return x >= 0 ? 1 - y : y - 1;
  }
}
