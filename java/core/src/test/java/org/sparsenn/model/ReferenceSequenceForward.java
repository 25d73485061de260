package org.sparsenn.model;

/**
 * The test oracle for networks with a recurrent front end: the ONNX cell equations written
 * out in double precision, one sequence, one step and one gate at a time, with no kernels and
 * no batching; then the dense layers by {@link ReferenceForward}.
 */
public final class ReferenceSequenceForward {
  private ReferenceSequenceForward() {}

  /**
   * The network's outputs for {@code batch} sequences of {@code steps} steps held row-major in
   * {@code input} ({@code [batch][steps][inputs]}); row-major outputs {@code [batch][outputs]}.
   */
  public static float[] forward(Network net, float[] input, int batch, int steps) {
    int features = net.inputs();
    if ((long) batch * steps * features != input.length) {
      throw new IllegalArgumentException("input of " + input.length + " floats is not " + batch
          + " x " + steps + " x " + features);
    }
    int width = net.layers().get(0).inputs();
    float[] selected = new float[batch * width];
    for (int b = 0; b < batch; b++) {
      double[][] sequence = new double[steps][features];
      for (int t = 0; t < steps; t++) {
        for (int f = 0; f < features; f++) {
          sequence[t][f] = input[(b * steps + t) * features + f];
        }
      }
      double[] picked = frontEnd(net, sequence);
      for (int i = 0; i < width; i++) {
        selected[b * width + i] = (float) picked[i];
      }
    }
    Network head = new Network(net.layers(), net.softmaxOutput());
    return ReferenceForward.forward(head, selected, batch);
  }

  /** The vector the recurrent front end hands to the dense layers for one sequence. */
  static double[] frontEnd(Network net, double[][] sequence) {
    double[][] x = sequence;
    double[][] finalStates = null;
    for (RecurrentLayer layer : net.recurrentLayers()) {
      int steps = x.length;
      int hidden = layer.hidden();
      int dirs = layer.direction().count();
      double[][] y = new double[steps][dirs * hidden];
      finalStates = new double[dirs][];
      for (int d = 0; d < dirs; d++) {
        boolean backward = layer.direction() == RecurrentLayer.Direction.REVERSE || d == 1;
        double[] h = doubles(layer.initialHidden(d));
        double[] c = doubles(layer.initialCell(d));
        for (int k = 0; k < steps; k++) {
          int t = backward ? steps - 1 - k : k;
          double[][] hc = step(layer, d, x[t], h, c);
          h = hc[0];
          c = hc[1];
          System.arraycopy(h, 0, y[t], d * hidden, hidden);
        }
        finalStates[d] = h;
      }
      x = y;
    }
    if (net.sequenceOutput() == SequenceOutput.LAST_STEP) {
      return x[x.length - 1];
    }
    int hidden = finalStates[0].length;
    double[] joined = new double[finalStates.length * hidden];
    for (int d = 0; d < finalStates.length; d++) {
      System.arraycopy(finalStates[d], 0, joined, d * hidden, hidden);
    }
    return joined;
  }

  /** One cell step of direction {@code d}: the new hidden state and (LSTM) cell state. */
  static double[][] step(RecurrentLayer layer, int d, double[] x, double[] h, double[] c) {
    int hidden = layer.hidden();
    int inputs = layer.inputs();
    float[] w = layer.inputWeights(d);
    float[] r = layer.recurrentWeights(d);
    float[] wb = layer.inputBias(d);
    float[] rb = layer.recurrentBias(d);
    int gates = layer.cell().gates();
    // per gate row: W x + Wb, and R h + Rb, kept apart for the GRU's reset gate
    double[] wx = new double[gates * hidden];
    double[] rh = new double[gates * hidden];
    for (int row = 0; row < gates * hidden; row++) {
      double sw = wb[row];
      for (int i = 0; i < inputs; i++) {
        sw += (double) w[row * inputs + i] * x[i];
      }
      double sr = rb[row];
      for (int j = 0; j < hidden; j++) {
        sr += (double) r[row * hidden + j] * h[j];
      }
      wx[row] = sw;
      rh[row] = sr;
    }
    double[] nextH = new double[hidden];
    double[] nextC = new double[hidden];
    switch (layer.cell()) {
      case LSTM -> {
        for (int j = 0; j < hidden; j++) {
          double in = sigmoid(wx[j] + rh[j]);
          double out = sigmoid(wx[hidden + j] + rh[hidden + j]);
          double forget = sigmoid(wx[2 * hidden + j] + rh[2 * hidden + j]);
          double candidate = Math.tanh(wx[3 * hidden + j] + rh[3 * hidden + j]);
          nextC[j] = forget * c[j] + in * candidate;
          nextH[j] = out * Math.tanh(nextC[j]);
        }
      }
      case GRU -> {
        double[] z = new double[hidden];
        double[] reset = new double[hidden];
        for (int j = 0; j < hidden; j++) {
          z[j] = sigmoid(wx[j] + rh[j]);
          reset[j] = sigmoid(wx[hidden + j] + rh[hidden + j]);
        }
        for (int j = 0; j < hidden; j++) {
          double candidate;
          if (layer.linearBeforeReset()) {
            candidate = Math.tanh(wx[2 * hidden + j] + reset[j] * rh[2 * hidden + j]);
          } else {
            double sum = rb[2 * hidden + j];
            for (int k = 0; k < hidden; k++) {
              sum += (double) r[(2 * hidden + j) * hidden + k] * reset[k] * h[k];
            }
            candidate = Math.tanh(wx[2 * hidden + j] + sum);
          }
          nextH[j] = (1 - z[j]) * candidate + z[j] * h[j];
        }
      }
      case RNN -> {
        for (int j = 0; j < hidden; j++) {
          nextH[j] = ReferenceForward.activate(layer.activation(), wx[j] + rh[j]);
        }
      }
    }
    return new double[][] {nextH, nextC};
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  private static double[] doubles(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }
}
