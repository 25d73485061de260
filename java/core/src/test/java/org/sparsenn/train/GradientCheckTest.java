package org.sparsenn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparsenn.kernel.Gemm;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

/**
 * The analytic gradients of {@link BatchedNetwork#backward} against central finite differences
 * of a double-precision forward pass written here, for every weight and bias of every layer,
 * for cross-entropy, MSE, and MSE through a softmax output, on every activation, with both GEMM
 * implementations.
 */
class GradientCheckTest {
  private static final int ROWS = 5;
  private static final double H = 1e-3;

  private static List<Gemm> gemms() {
    return Gemm.best().isNative() ? List.of(Gemm.java(), Gemm.best()) : List.of(Gemm.java());
  }

  @Test
  void crossEntropyGradientsMatchFiniteDifferences() {
    for (Gemm gemm : gemms()) {
      check(network(new Activation[] {Activation.TANH, Activation.leakyRelu(0.1f),
          Activation.IDENTITY}, false, 1), Loss.SOFTMAX_CROSS_ENTROPY, false, gemm);
      check(network(new Activation[] {Activation.RELU, Activation.GELU, Activation.SIGMOID},
          true, 2), Loss.SOFTMAX_CROSS_ENTROPY, false, gemm);
    }
  }

  @Test
  void mseGradientsMatchFiniteDifferences() {
    for (Gemm gemm : gemms()) {
      check(network(new Activation[] {Activation.SIGMOID, Activation.RELU, Activation.TANH},
          false, 3), Loss.MSE, true, gemm);
      check(network(new Activation[] {Activation.GELU, Activation.TANH, Activation.IDENTITY},
          true, 4), Loss.MSE, false, gemm);
    }
  }

  /** 4 inputs, layers of 6, 5 and 3 outputs with the given activations. */
  private static Network network(Activation[] activations, boolean softmax, long seed) {
    int[] sizes = {4, 6, 5, 3};
    SplittableRandom random = new SplittableRandom(seed);
    List<DenseLayer> layers = new ArrayList<>();
    for (int l = 0; l < 3; l++) {
      float[] w = new float[sizes[l] * sizes[l + 1]];
      float[] b = new float[sizes[l + 1]];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) random.nextDouble(-1, 1);
      }
      for (int i = 0; i < b.length; i++) {
        b[i] = (float) random.nextDouble(-0.5, 0.5);
      }
      layers.add(new DenseLayer(sizes[l], sizes[l + 1], w, b, activations[l]));
    }
    return new Network(layers, softmax);
  }

  private static void check(Network network, Loss loss, boolean withTargets, Gemm gemm) {
    SplittableRandom random = new SplittableRandom(9);
    int width = network.outputs();
    float[] input = new float[ROWS * network.inputs()];
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) random.nextDouble(-1.5, 1.5);
    }
    int[] labels = new int[ROWS];
    float[] targets = new float[ROWS * width];
    for (int r = 0; r < ROWS; r++) {
      labels[r] = random.nextInt(width);
      for (int j = 0; j < width; j++) {
        targets[r * width + j] = (float) random.nextDouble(-1, 1);
      }
    }
    float[] useTargets = withTargets ? targets : null;
    try (BatchedNetwork net = new BatchedNetwork(network, gemm, ROWS, true)) {
      float[] out = net.forward(input, ROWS);
      float[] grad = new float[ROWS * width];
      LossFunctions.lossAndGradient(loss, out, ROWS, width, labels, useTargets,
          network.softmaxOutput(), grad);
      net.backward(grad, ROWS);

      double[][] w = new double[3][];
      double[][] b = new double[3][];
      for (int l = 0; l < 3; l++) {
        w[l] = toDouble(net.weights[l]);
        b[l] = toDouble(net.biases[l]);
      }
      Reference ref = new Reference(network, input, labels, useTargets, loss);
      String what = gemm.name() + " " + loss + " " + network;
      for (int l = 0; l < 3; l++) {
        for (double[][] params : new double[][][] {w, b}) {
          float[] analytic = params == w ? net.weightGrads[l] : net.biasGrads[l];
          for (int i = 0; i < params[l].length; i++) {
            double saved = params[l][i];
            params[l][i] = saved + H;
            double plus = ref.loss(w, b);
            params[l][i] = saved - H;
            double minus = ref.loss(w, b);
            params[l][i] = saved;
            double numeric = (plus - minus) / (2 * H);
            assertEquals(numeric, analytic[i], 1e-4 + 1e-3 * Math.abs(numeric),
                what + ": layer " + l + (params == w ? " weight " : " bias ") + i);
          }
        }
      }
    }
  }

  private static double[] toDouble(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  /** The batch's mean loss in double precision, straight from the definitions. */
  private record Reference(Network network, float[] input, int[] labels, float[] targets,
      Loss lossKind) {
    double loss(double[][] w, double[][] b) {
      int layers = network.layers().size();
      int width = network.outputs();
      double total = 0;
      for (int r = 0; r < ROWS; r++) {
        double[] a = new double[network.inputs()];
        for (int i = 0; i < a.length; i++) {
          a[i] = input[r * a.length + i];
        }
        for (int l = 0; l < layers; l++) {
          DenseLayer layer = network.layers().get(l);
          double[] z = new double[layer.outputs()];
          for (int o = 0; o < z.length; o++) {
            double sum = b[l][o];
            for (int i = 0; i < a.length; i++) {
              sum += w[l][o * a.length + i] * a[i];
            }
            z[o] = activate(layer.activation(), sum);
          }
          a = z;
        }
        if (lossKind == Loss.SOFTMAX_CROSS_ENTROPY) {
          double max = Double.NEGATIVE_INFINITY;
          for (double v : a) {
            max = Math.max(max, v);
          }
          double sum = 0;
          for (double v : a) {
            sum += Math.exp(v - max);
          }
          total += Math.log(sum) + max - a[labels[r]];
        } else {
          double[] out = network.softmaxOutput() ? softmax(a) : a;
          for (int j = 0; j < width; j++) {
            double t = targets != null ? targets[r * width + j] : (labels[r] == j ? 1 : 0);
            total += (out[j] - t) * (out[j] - t) / width;
          }
        }
      }
      return total / ROWS;
    }

    private static double[] softmax(double[] z) {
      double max = Double.NEGATIVE_INFINITY;
      for (double v : z) {
        max = Math.max(max, v);
      }
      double sum = 0;
      double[] p = new double[z.length];
      for (int i = 0; i < z.length; i++) {
        p[i] = Math.exp(z[i] - max);
        sum += p[i];
      }
      for (int i = 0; i < z.length; i++) {
        p[i] /= sum;
      }
      return p;
    }

    private static double activate(Activation f, double x) {
      return switch (f.kind()) {
        case IDENTITY -> x;
        case RELU -> Math.max(0, x);
        case LEAKY_RELU -> x < 0 ? f.alpha() * x : x;
        case SIGMOID -> 1 / (1 + Math.exp(-x));
        case TANH -> Math.tanh(x);
        case GELU -> 0.5 * x * (1 + ActivationMath.erf(x / Math.sqrt(2)));
      };
    }
  }
}
