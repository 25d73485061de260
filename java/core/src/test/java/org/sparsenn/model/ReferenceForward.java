package org.sparsenn.model;

import java.util.Arrays;

/**
 * The test oracle for running a {@link Network}: plain double arithmetic, one row at a time,
 * with no kernels, no storage formats and no threads.
 */
public final class ReferenceForward {
  private ReferenceForward() {}

  /**
   * The network's outputs for {@code batch} rows of inputs held row-major in {@code input};
   * row-major outputs.
   */
  public static float[] forward(Network net, float[] input, int batch) {
    int features = input.length / batch;
    if (features != net.inputs() || features * batch != input.length) {
      throw new IllegalArgumentException(
          "input of " + input.length + " floats is not " + batch + " rows of " + net.inputs());
    }
    float[] result = new float[batch * net.outputs()];
    for (int r = 0; r < batch; r++) {
      double[] h = new double[features];
      for (int i = 0; i < features; i++) {
        h[i] = input[r * features + i];
      }
      for (DenseLayer layer : net.layers()) {
        float[] bias = layer.bias();
        double[] next = new double[layer.outputs()];
        for (int o = 0; o < layer.outputs(); o++) {
          double sum = bias[o];
          for (int i = 0; i < layer.inputs(); i++) {
            sum += layer.weight(o, i) * h[i];
          }
          next[o] = activate(layer.activation(), sum);
        }
        h = next;
      }
      if (net.softmaxOutput()) {
        double max = Arrays.stream(h).max().orElseThrow();
        double total = 0;
        for (int i = 0; i < h.length; i++) {
          h[i] = Math.exp(h[i] - max);
          total += h[i];
        }
        for (int i = 0; i < h.length; i++) {
          h[i] /= total;
        }
      }
      for (int o = 0; o < h.length; o++) {
        result[r * h.length + o] = (float) h[o];
      }
    }
    return result;
  }

  /** {@code activation} applied in double precision. */
  public static double activate(Activation a, double x) {
    return switch (a.kind()) {
      case IDENTITY -> x;
      case RELU -> Math.max(x, 0);
      case LEAKY_RELU -> x < 0 ? a.alpha() * x : x;
      case SIGMOID -> 1 / (1 + Math.exp(-x));
      case TANH -> Math.tanh(x);
      case GELU -> 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    };
  }

  /** erf to about 1e-13 (its Maclaurin series for small x, its continued fraction beyond). */
  public static double erf(double x) {
    double ax = Math.abs(x);
    double result;
    if (ax < 2.5) {
      double term = ax;
      double sum = ax;
      for (int n = 1; n < 60; n++) {
        term *= -ax * ax / n;
        sum += term / (2 * n + 1);
      }
      result = 2 / Math.sqrt(Math.PI) * sum;
    } else {
      double f = 0;
      for (int n = 60; n >= 1; n--) {
        f = n / 2.0 / (ax + f);
      }
      result = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
    }
    return Math.copySign(result, x);
  }
}
