package org.sparsenn.prune;

import java.util.List;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

/**
 * The forward pass in plain Java, {@code y = act(W x + b)} layer after layer, for the pruning
 * criteria that look at calibration data. Prune may not use the kernels, and these passes
 * are small. The output softmax is left out: it changes neither the arg-max nor hidden
 * activations.
 */
final class Forward {
  private Forward() {}

  /** Each layer's activated outputs for one input; entry {@code i} is layer {@code i}'s. */
  static float[][] layerOutputs(Network network, float[] input) {
    network.requireFeedForward("pruning");
    List<DenseLayer> layers = network.layers();
    float[][] outputs = new float[layers.size()][];
    float[] x = input;
    for (int i = 0; i < layers.size(); i++) {
      x = layer(layers.get(i), x);
      outputs[i] = x;
    }
    return outputs;
  }

  /** The last layer's outputs (the logits, before any softmax). */
  static float[] logits(Network network, float[] input) {
    network.requireFeedForward("pruning");
    float[] x = input;
    for (DenseLayer layer : network.layers()) {
      x = layer(layer, x);
    }
    return x;
  }

  /** Fraction of {@code inputs} whose arg-max logit (lowest index on ties) is the label. */
  static double accuracy(Network network, float[][] inputs, int[] labels) {
    int correct = 0;
    for (int s = 0; s < inputs.length; s++) {
      float[] logits = logits(network, inputs[s]);
      int best = 0;
      for (int j = 1; j < logits.length; j++) {
        if (logits[j] > logits[best]) {
          best = j;
        }
      }
      if (best == labels[s]) {
        correct++;
      }
    }
    return (double) correct / inputs.length;
  }

  private static float[] layer(DenseLayer layer, float[] x) {
    var weights = layer.weightView();
    float[] bias = layer.bias();
    int inputs = layer.inputs();
    float[] y = new float[layer.outputs()];
    for (int r = 0; r < y.length; r++) {
      double sum = bias[r];
      int base = r * inputs;
      for (int c = 0; c < inputs; c++) {
        sum += (double) weights.get(base + c) * x[c];
      }
      y[r] = (float) activate(layer.activation(), sum);
    }
    return y;
  }

  static double activate(Activation activation, double x) {
    return switch (activation.kind()) {
      case IDENTITY -> x;
      case RELU -> Math.max(0, x);
      case LEAKY_RELU -> x < 0 ? activation.alpha() * x : x;
      case SIGMOID -> 1 / (1 + Math.exp(-x));
      case TANH -> Math.tanh(x);
      case GELU -> 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    };
  }

  /**
   * erf from the Chebyshev fit of erfc in Numerical Recipes (absolute error below 1.2e-7,
   * enough for fp32); a twin of the kernel package's, which prune may not use.
   */
  static double erf(double x) {
    if (Double.isNaN(x)) {
      return x;
    }
    double z = Math.abs(x);
    double t = 1.0 / (1.0 + 0.5 * z);
    double poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
        + t * (-0.82215223 + t * 0.17087277))))))));
    double erfc = t * Math.exp(poly);
    return x >= 0 ? 1.0 - erfc : erfc - 1.0;
  }
}
