package org.sparsenn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparsenn.kernel.Gemm;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.model.RecurrentLayer;
import org.sparsenn.model.RecurrentLayer.Cell;
import org.sparsenn.model.RecurrentLayer.Direction;
import org.sparsenn.model.SequenceOutput;

/**
 * Back-propagation through time ({@link RecurrentFront} under {@link BatchedNetwork}) against
 * central finite differences of a double-precision forward pass written here from the cell
 * equations of {@link RecurrentLayer}, for every weight and bias: every cell kind (LSTM, GRU in
 * both reset forms, RNN tanh and ReLU), every direction, stacked layers, both sequence outputs,
 * nonzero initial states, with both GEMM implementations; and truncated BPTT against the
 * gradient of a loss in which only the last step's weights move.
 */
class RecurrentGradientCheckTest {
  private static final int ROWS = 3;
  private static final int STEPS = 4;
  private static final int FEATURES = 3;
  private static final double H = 1e-3;

  private static List<Gemm> gemms() {
    return Gemm.best().isNative() ? List.of(Gemm.java(), Gemm.best()) : List.of(Gemm.java());
  }

  @Test
  void everyCellAndDirectionMatchesFiniteDifferences() {
    Gemm gemm = Gemm.java();
    long seed = 1;
    for (Direction direction : Direction.values()) {
      for (SequenceOutput output : SequenceOutput.values()) {
        check(network(List.of(layer(Cell.LSTM, direction, FEATURES, seed++))), output, gemm, 0);
        check(network(List.of(layer(Cell.GRU, direction, FEATURES, seed++))), output, gemm, 0);
        check(network(List.of(gruBeforeReset(direction, seed++))), output, gemm, 0);
        check(network(List.of(layer(Cell.RNN, direction, FEATURES, seed++))), output, gemm, 0);
        check(network(List.of(reluRnn(direction, seed++))), output, gemm, 0);
      }
    }
  }

  @Test
  void stackedLayersMatchFiniteDifferencesOnEveryGemm() {
    for (Gemm gemm : gemms()) {
      RecurrentLayer first = layer(Cell.LSTM, Direction.BIDIRECTIONAL, FEATURES, 40);
      RecurrentLayer second = layer(Cell.GRU, Direction.FORWARD, first.outputs(), 41);
      check(network(List.of(first, second)), SequenceOutput.LAST_STEP, gemm, 0);
      RecurrentLayer gru = gruBeforeReset(Direction.FORWARD, 42);
      RecurrentLayer lstm = layer(Cell.LSTM, Direction.REVERSE, gru.outputs(), 43);
      check(network(List.of(gru, lstm)), SequenceOutput.FINAL_STATE, gemm, 0);
    }
  }

  @Test
  void truncationToOneStepGivesTheLastStepsGradientOnly() {
    // With one step of BPTT, dL/dW counts only W's use at the last step: the finite
    // difference of a loss whose earlier steps keep the unperturbed weights.
    Network net = network(List.of(layer(Cell.LSTM, Direction.FORWARD, FEATURES, 7)));
    float[] input = inputs(11);
    int[] labels = {0, 2, 1};
    try (BatchedNetwork batched = new BatchedNetwork(net, Gemm.java(), ROWS, true,
        STEPS * FEATURES, 1)) {
      float[] grad = lossGradient(batched, net, input, labels);
      batched.backward(grad, ROWS);
      Reference ref = new Reference(net, input, labels);
      double[][] w = toDouble(batched.weights);
      double[][] b = toDouble(batched.biases);
      for (int p = 0; p < 2; p++) {
        boolean differs = false;
        for (int i = 0; i < w[p].length; i++) {
          double numeric = ref.lastStepOnly(w, b, p, i);
          assertEquals(numeric, batched.weightGrads[p][i], 1e-4 + 1e-3 * Math.abs(numeric),
              (p == 0 ? "W" : "R") + " weight " + i);
          double full = ref.numeric(w, b, w, p, i);
          differs |= Math.abs(full - numeric) > 1e-3;
        }
        assertTrue(differs, "truncation changed no gradient of " + (p == 0 ? "W" : "R"));
      }
    }
  }

  // ---- networks ----

  private static RecurrentLayer layer(Cell cell, Direction direction, int inputs, long seed) {
    return withRandomWeights(cell, direction, inputs, 3, Activation.TANH, false, seed);
  }

  private static RecurrentLayer gruBeforeReset(Direction direction, long seed) {
    return withRandomWeights(Cell.GRU, direction, FEATURES, 3, Activation.TANH, true, seed);
  }

  private static RecurrentLayer reluRnn(Direction direction, long seed) {
    return withRandomWeights(Cell.RNN, direction, FEATURES, 3, Activation.RELU, false, seed);
  }

  private static RecurrentLayer withRandomWeights(Cell cell, Direction direction, int inputs,
      int hidden, Activation activation, boolean linearBeforeReset, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int dirs = direction.count();
    int rows = dirs * cell.gates() * hidden;
    RecurrentLayer layer = new RecurrentLayer(cell, direction, inputs, hidden, activation,
        linearBeforeReset, uniform(random, rows * inputs, 0.8), uniform(random, rows * hidden, 0.8),
        uniform(random, rows, 0.3), uniform(random, rows, 0.3));
    return layer.withInitialState(uniform(random, dirs * hidden, 0.5),
        cell == Cell.LSTM ? uniform(random, dirs * hidden, 0.5) : null);
  }

  private static Network network(List<RecurrentLayer> recurrent) {
    SplittableRandom random = new SplittableRandom(recurrent.size() * 31L);
    int width = recurrent.get(recurrent.size() - 1).outputs();
    List<DenseLayer> head = List.of(
        new DenseLayer(width, 4, uniform(random, width * 4, 0.8), uniform(random, 4, 0.2),
            Activation.TANH),
        new DenseLayer(4, 3, uniform(random, 12, 0.8), uniform(random, 3, 0.2),
            Activation.IDENTITY));
    return Network.sequence(recurrent, SequenceOutput.LAST_STEP, head, false);
  }

  private static float[] uniform(SplittableRandom random, int n, double bound) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextDouble(-bound, bound);
    }
    return values;
  }

  private static float[] inputs(long seed) {
    return uniform(new SplittableRandom(seed), ROWS * STEPS * FEATURES, 1.5);
  }

  // ---- the check ----

  private static void check(Network base, SequenceOutput output, Gemm gemm, int truncation) {
    Network net = Network.sequence(base.recurrentLayers(), output, base.layers(), false);
    float[] input = inputs(9);
    int[] labels = {2, 0, 1};
    try (BatchedNetwork batched = new BatchedNetwork(net, gemm, ROWS, true, STEPS * FEATURES,
        truncation)) {
      float[] grad = lossGradient(batched, net, input, labels);
      batched.backward(grad, ROWS);
      Reference ref = new Reference(net, input, labels);
      double[][] w = toDouble(batched.weights);
      double[][] b = toDouble(batched.biases);
      String what = gemm.name() + " " + output + " " + net.recurrentLayers();
      for (int p = 0; p < w.length; p++) {
        for (double[][] params : new double[][][] {w, b}) {
          float[] analytic = params == w ? batched.weightGrads[p] : batched.biasGrads[p];
          for (int i = 0; i < params[p].length; i++) {
            double saved = params[p][i];
            params[p][i] = saved + H;
            double plus = ref.loss(w, b, null);
            params[p][i] = saved - H;
            double minus = ref.loss(w, b, null);
            params[p][i] = saved;
            double numeric = (plus - minus) / (2 * H);
            assertEquals(numeric, analytic[i], 1e-4 + 1e-3 * Math.abs(numeric),
                what + ": parameter set " + p + (params == w ? " weight " : " bias ") + i);
          }
        }
      }
    }
  }

  private static float[] lossGradient(BatchedNetwork batched, Network net, float[] input,
      int[] labels) {
    float[] out = batched.forward(input, ROWS);
    float[] grad = new float[ROWS * net.outputs()];
    LossFunctions.lossAndGradient(Loss.SOFTMAX_CROSS_ENTROPY, out, ROWS, net.outputs(), labels,
        null, false, grad);
    return grad;
  }

  private static double[][] toDouble(float[][] arrays) {
    double[][] out = new double[arrays.length][];
    for (int p = 0; p < arrays.length; p++) {
      out[p] = new double[arrays[p].length];
      for (int i = 0; i < arrays[p].length; i++) {
        out[p][i] = arrays[p][i];
      }
    }
    return out;
  }

  /** The batch's mean cross-entropy in double precision, straight from the cell equations. */
  private record Reference(Network network, float[] input, int[] labels) {
    /** Finite difference of weight {@code i} of set {@code p}, earlier steps on {@code early}. */
    double numeric(double[][] w, double[][] b, double[][] early, int p, int i) {
      double saved = w[p][i];
      double[][] fixed = early == w ? null : early;
      w[p][i] = saved + H;
      double plus = loss(w, b, fixed);
      w[p][i] = saved - H;
      double minus = loss(w, b, fixed);
      w[p][i] = saved;
      return (plus - minus) / (2 * H);
    }

    /** The derivative when only the last step's use of the weight moves. */
    double lastStepOnly(double[][] w, double[][] b, int p, int i) {
      double[][] early = new double[w.length][];
      for (int q = 0; q < w.length; q++) {
        early[q] = w[q].clone();
      }
      return numeric(w, b, early, p, i);
    }

    /** @param early if not null, layer 0's W and R for every step but the last one read */
    double loss(double[][] w, double[][] b, double[][] early) {
      List<RecurrentLayer> recurrent = network.recurrentLayers();
      double total = 0;
      for (int row = 0; row < ROWS; row++) {
        double[][] xs = new double[STEPS][FEATURES];
        for (int t = 0; t < STEPS; t++) {
          for (int f = 0; f < FEATURES; f++) {
            xs[t][f] = input[(row * STEPS + t) * FEATURES + f];
          }
        }
        double[] head = null;
        for (int l = 0; l < recurrent.size(); l++) {
          RecurrentLayer layer = recurrent.get(l);
          double[][] ys = run(layer, w[2 * l], w[2 * l + 1], b[2 * l], b[2 * l + 1], xs,
              l == 0 && early != null ? early[0] : null, l == 0 && early != null ? early[1] : null);
          if (l == recurrent.size() - 1) {
            head = headInput(layer, ys);
          }
          xs = ys;
        }
        double[] a = head;
        int offset = 2 * recurrent.size();
        for (int l = 0; l < network.layers().size(); l++) {
          DenseLayer layer = network.layers().get(l);
          double[] z = new double[layer.outputs()];
          for (int o = 0; o < z.length; o++) {
            double sum = b[offset + l][o];
            for (int k = 0; k < a.length; k++) {
              sum += w[offset + l][o * a.length + k] * a[k];
            }
            z[o] = layer.activation().equals(Activation.TANH) ? Math.tanh(sum) : sum;
          }
          a = z;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double v : a) {
          max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : a) {
          sum += Math.exp(v - max);
        }
        total += Math.log(sum) + max - a[labels[row]];
      }
      return total / ROWS;
    }

    private double[] headInput(RecurrentLayer layer, double[][] ys) {
      int h = layer.hidden();
      double[] head = new double[layer.outputs()];
      for (int d = 0; d < layer.direction().count(); d++) {
        boolean backward = layer.direction() == Direction.REVERSE || d == 1;
        int t = network.sequenceOutput() == SequenceOutput.FINAL_STATE && backward ? 0
            : STEPS - 1;
        System.arraycopy(ys[t], d * h, head, d * h, h);
      }
      return head;
    }

    /** One layer over one sequence: the output of every step, [steps][dirs * hidden]. */
    private static double[][] run(RecurrentLayer layer, double[] w, double[] r, double[] wb,
        double[] rb, double[][] xs, double[] earlyW, double[] earlyR) {
      int h = layer.hidden();
      int in = layer.inputs();
      int gh = layer.gateRows();
      int dirs = layer.direction().count();
      double[][] ys = new double[STEPS][dirs * h];
      for (int d = 0; d < dirs; d++) {
        boolean backward = layer.direction() == Direction.REVERSE || d == 1;
        double[] state = toDouble(layer.initialHidden(d));
        double[] cell = toDouble(layer.initialCell(d));
        for (int s = 0; s < STEPS; s++) {
          int t = backward ? STEPS - 1 - s : s;
          boolean last = s == STEPS - 1;
          double[] wNow = earlyW != null && !last ? earlyW : w;
          double[] rNow = earlyR != null && !last ? earlyR : r;
          double[] a = new double[gh];
          double[] rec = new double[gh];
          for (int j = 0; j < gh; j++) {
            int row = d * gh + j;
            a[j] = wb[row];
            for (int k = 0; k < in; k++) {
              a[j] += wNow[row * in + k] * xs[t][k];
            }
            rec[j] = rb[row];
            for (int k = 0; k < h; k++) {
              rec[j] += rNow[row * h + k] * state[k];
            }
          }
          double[] next = new double[h];
          switch (layer.cell()) {
            case LSTM -> {
              for (int j = 0; j < h; j++) {
                double i = sigmoid(a[j] + rec[j]);
                double o = sigmoid(a[h + j] + rec[h + j]);
                double f = sigmoid(a[2 * h + j] + rec[2 * h + j]);
                double c = Math.tanh(a[3 * h + j] + rec[3 * h + j]);
                cell[j] = f * cell[j] + i * c;
                next[j] = o * Math.tanh(cell[j]);
              }
            }
            case GRU -> {
              double[] z = new double[h];
              double[] reset = new double[h];
              for (int j = 0; j < h; j++) {
                z[j] = sigmoid(a[j] + rec[j]);
                reset[j] = sigmoid(a[h + j] + rec[h + j]);
              }
              for (int j = 0; j < h; j++) {
                int row = d * gh + 2 * h + j;
                double candidate;
                if (layer.linearBeforeReset()) {
                  candidate = Math.tanh(a[2 * h + j] + reset[j] * rec[2 * h + j]);
                } else {
                  double product = rb[row];
                  for (int k = 0; k < h; k++) {
                    product += rNow[row * h + k] * reset[k] * state[k];
                  }
                  candidate = Math.tanh(a[2 * h + j] + product);
                }
                next[j] = (1 - z[j]) * candidate + z[j] * state[j];
              }
            }
            case RNN -> {
              for (int j = 0; j < h; j++) {
                double v = a[j] + rec[j];
                next[j] = layer.activation().equals(Activation.RELU) ? Math.max(0, v)
                    : Math.tanh(v);
              }
            }
          }
          state = next;
          System.arraycopy(state, 0, ys[t], d * h, h);
        }
      }
      return ys;
    }

    private static double sigmoid(double x) {
      return 1 / (1 + Math.exp(-x));
    }

    private static double[] toDouble(float[] values) {
      double[] out = new double[values.length];
      for (int i = 0; i < values.length; i++) {
        out[i] = values[i];
      }
      return out;
    }
  }
}
