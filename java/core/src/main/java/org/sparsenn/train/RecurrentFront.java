package org.sparsenn.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.Gemm;
import org.sparsenn.model.Activation;
import org.sparsenn.model.RecurrentLayer;
import org.sparsenn.model.RecurrentLayer.Cell;
import org.sparsenn.model.SequenceOutput;

/**
 * The recurrent layers of a network laid out for batched training: the forward pass over a
 * batch of sequences and back-propagation through time, every direction of LSTM, GRU (both
 * reset forms) and plain RNN cells, the equations of {@link RecurrentLayer}.
 *
 * <p>Sequences are stored time-major, row {@code t * rows + b} for step {@code t} of sequence
 * {@code b}, so that one step of the batch is a contiguous block. Per direction, the input
 * projection of all steps is one product {@code X W^T} ({@code [steps*rows, in] x [in, G*H]}),
 * the recurrent product one per step ({@code [rows, H] x [H, G*H]}), both by {@link Gemm};
 * the gate math is element-wise on the heap. Backward, the gate gradients of all steps are
 * kept, so that the weight gradients are again one product each ({@code dW = dA^T X},
 * {@code dR = dA^T H_prev}) and only the recurrent gradient {@code dA_t R} runs per step.
 * With a truncation of {@code k} steps the recurrent gradient flows back through at most
 * {@code k} steps from the end of each direction's reading (truncated BPTT); 0 is the full
 * sequence.
 *
 * <p>The parameters are the owner's arrays ({@link BatchedNetwork}'s), layer {@code l}'s
 * {@code W} and {@code R} at parameter indices {@code 2l} and {@code 2l + 1}, with the input
 * and recurrent biases as their biases. Not thread-safe; close it to free the off-heap memory.
 */
final class RecurrentFront implements AutoCloseable {
  private final Gemm gemm;
  private final int steps;
  private final int capacity;
  private final int truncation;
  private final SequenceOutput output;
  private final List<RecurrentLayer> template;
  private final int layerCount;
  private final Cell[] cells;
  private final int[] dirs;
  private final boolean[] reverseFirst;
  private final int[] in;
  private final int[] hidden;
  private final boolean[] linearBeforeReset;
  private final boolean[] relu;
  private final float[][] initialHidden;
  private final float[][] initialCell;

  /** Parameters and gradients, shared with the owner: W, R, Wb, Rb per layer. */
  private final float[][] w;
  private final float[][] r;
  private final float[][] wb;
  private final float[][] rb;
  private final float[][] dw;
  private final float[][] dr;
  private final float[][] dwb;
  private final float[][] drb;
  private final AlignedBuffer[] wBuffers;
  private final AlignedBuffer[] rBuffers;

  /** seq[l]: layer l's input sequence, time-major; seq[layerCount] the last output. */
  private final float[][] seq;
  /** Per layer and direction: activated gates of every step, [steps*rows][G*H]. */
  private final float[][][] gates;
  /** Per layer and direction: the hidden state each step read, [steps*rows][H]. */
  private final float[][][] hiddenBefore;
  /** LSTM: the cell state after each step. GRU: R_h h + Rb_h (linear before reset) or r*h. */
  private final float[][][] extra;
  /** Backward scratch: gate gradients at the inputs' and the recurrent products' side. */
  private final float[][][] inputSideGrad;
  private final float[][][] recurrentSideGrad;
  private final float[][] seqGrad;
  private final float[] headInput;
  private final float[] stepGrad;
  private final float[] carryHidden;
  private final float[] carryCell;
  private final float[] resetGrad;
  private final float[] recurrentProduct;

  private float[] scratch = new float[0];
  private AlignedBuffer stageA;
  private AlignedBuffer stageB;
  private AlignedBuffer stageC;
  private int rows;

  RecurrentFront(List<RecurrentLayer> layers, SequenceOutput output, Gemm gemm, int capacity,
      int steps, int truncation, boolean training, float[][] weights, float[][] biases,
      float[][] weightGrads, float[][] biasGrads) {
    this.gemm = gemm;
    this.steps = steps;
    this.capacity = capacity;
    this.truncation = truncation;
    this.output = output;
    this.template = List.copyOf(layers);
    this.layerCount = layers.size();
    cells = new Cell[layerCount];
    dirs = new int[layerCount];
    reverseFirst = new boolean[layerCount];
    in = new int[layerCount];
    hidden = new int[layerCount];
    linearBeforeReset = new boolean[layerCount];
    relu = new boolean[layerCount];
    initialHidden = new float[layerCount][];
    initialCell = new float[layerCount][];
    w = new float[layerCount][];
    r = new float[layerCount][];
    wb = new float[layerCount][];
    rb = new float[layerCount][];
    dw = new float[layerCount][];
    dr = new float[layerCount][];
    dwb = new float[layerCount][];
    drb = new float[layerCount][];
    wBuffers = new AlignedBuffer[layerCount];
    rBuffers = new AlignedBuffer[layerCount];
    seq = new float[layerCount + 1][];
    gates = new float[layerCount][][];
    hiddenBefore = new float[layerCount][][];
    extra = new float[layerCount][][];
    inputSideGrad = new float[layerCount][][];
    recurrentSideGrad = new float[layerCount][][];
    seqGrad = new float[layerCount + 1][];
    long tb = (long) steps * capacity;
    int widestGates = 0;
    int widestHidden = 0;
    List<AlignedBuffer> made = new ArrayList<>();
    try {
      for (int l = 0; l < layerCount; l++) {
        RecurrentLayer layer = layers.get(l);
        cells[l] = layer.cell();
        dirs[l] = layer.direction().count();
        reverseFirst[l] = layer.direction() == RecurrentLayer.Direction.REVERSE;
        in[l] = layer.inputs();
        hidden[l] = layer.hidden();
        linearBeforeReset[l] = layer.linearBeforeReset();
        relu[l] = layer.cell() == Cell.RNN && layer.activation().equals(Activation.RELU);
        initialHidden[l] = new float[dirs[l] * hidden[l]];
        initialCell[l] = new float[dirs[l] * hidden[l]];
        for (int d = 0; d < dirs[l]; d++) {
          System.arraycopy(layer.initialHidden(d), 0, initialHidden[l], d * hidden[l],
              hidden[l]);
          System.arraycopy(layer.initialCell(d), 0, initialCell[l], d * hidden[l], hidden[l]);
        }
        w[l] = weights[2 * l] = layer.inputWeights();
        r[l] = weights[2 * l + 1] = layer.recurrentWeights();
        wb[l] = biases[2 * l] = new float[dirs[l] * layer.gateRows()];
        rb[l] = biases[2 * l + 1] = new float[dirs[l] * layer.gateRows()];
        for (int d = 0; d < dirs[l]; d++) {
          System.arraycopy(layer.inputBias(d), 0, wb[l], d * layer.gateRows(), layer.gateRows());
          System.arraycopy(layer.recurrentBias(d), 0, rb[l], d * layer.gateRows(),
              layer.gateRows());
        }
        wBuffers[l] = track(made, AlignedBuffer.allocateFloats(w[l].length));
        rBuffers[l] = track(made, AlignedBuffer.allocateFloats(r[l].length));
        upload(l);
        int gh = layer.gateRows();
        int h = hidden[l];
        seq[l] = new float[Math.toIntExact(tb * in[l])];
        gates[l] = new float[dirs[l]][Math.toIntExact(tb * gh)];
        hiddenBefore[l] = new float[dirs[l]][Math.toIntExact(tb * h)];
        extra[l] = cells[l] == Cell.RNN ? null : new float[dirs[l]][Math.toIntExact(tb * h)];
        if (training) {
          dw[l] = weightGrads[2 * l] = new float[w[l].length];
          dr[l] = weightGrads[2 * l + 1] = new float[r[l].length];
          dwb[l] = biasGrads[2 * l] = new float[wb[l].length];
          drb[l] = biasGrads[2 * l + 1] = new float[rb[l].length];
          inputSideGrad[l] = new float[dirs[l]][Math.toIntExact(tb * gh)];
          recurrentSideGrad[l] = cells[l] == Cell.GRU
              ? new float[dirs[l]][Math.toIntExact(tb * gh)] : inputSideGrad[l];
          seqGrad[l + 1] = new float[Math.toIntExact(tb * layer.outputs())];
          if (l > 0) {
            seqGrad[l] = new float[Math.toIntExact(tb * in[l])];
          }
        }
        widestGates = Math.max(widestGates, gh);
        widestHidden = Math.max(widestHidden, Math.max(h, in[l]));
      }
      RecurrentLayer last = layers.get(layerCount - 1);
      seq[layerCount] = new float[Math.toIntExact(tb * last.outputs())];
      headInput = new float[capacity * last.outputs()];
      stepGrad = new float[capacity * widestGates];
      carryHidden = new float[capacity * widestHidden];
      carryCell = new float[capacity * widestHidden];
      resetGrad = new float[capacity * widestHidden];
      recurrentProduct = new float[capacity * widestGates];
    } catch (RuntimeException | Error e) {
      made.forEach(AlignedBuffer::close);
      throw e;
    }
  }

  private static AlignedBuffer track(List<AlignedBuffer> made, AlignedBuffer buffer) {
    made.add(buffer);
    return buffer;
  }

  /** Values of one example: {@code steps * inputs} of the first layer. */
  int inputWidth() {
    return steps * in[0];
  }

  /** Values handed to the dense layers per example. */
  int outputWidth() {
    return template.get(layerCount - 1).outputs();
  }

  /** Copies layer {@code l}'s heap weights off-heap (after they changed). */
  void upload(int l) {
    uploadMatrix(2 * l);
    uploadMatrix(2 * l + 1);
  }

  /** Copies parameter set {@code p} (layer {@code p / 2}'s W if even, R if odd) off-heap. */
  void uploadMatrix(int p) {
    if (p % 2 == 0) {
      wBuffers[p / 2].putFloats(0, w[p / 2]);
    } else {
      rBuffers[p / 2].putFloats(0, r[p / 2]);
    }
  }

  /** The layers with the current parameters, their initial states kept. */
  List<RecurrentLayer> toLayers() {
    List<RecurrentLayer> layers = new ArrayList<>();
    for (int l = 0; l < layerCount; l++) {
      RecurrentLayer t = template.get(l);
      RecurrentLayer now = new RecurrentLayer(t.cell(), t.direction(), t.inputs(), t.hidden(),
          t.activation(), t.linearBeforeReset(), w[l], r[l], wb[l], rb[l]);
      layers.add(now.withInitialState(initialHidden[l],
          t.cell() == Cell.LSTM ? initialCell[l] : null));
    }
    return layers;
  }

  /**
   * Runs {@code rows} sequences ({@code input} batch-major, {@code rows x steps x inputs})
   * forward and returns the vectors for the dense layers, {@code rows x outputWidth()}.
   */
  float[] forward(float[] input, int rows) {
    this.rows = rows;
    int features = in[0];
    float[] x = seq[0];
    for (int b = 0; b < rows; b++) {
      for (int t = 0; t < steps; t++) {
        System.arraycopy(input, (b * steps + t) * features, x, (t * rows + b) * features,
            features);
      }
    }
    for (int l = 0; l < layerCount; l++) {
      for (int d = 0; d < dirs[l]; d++) {
        forwardDirection(l, d);
      }
    }
    int width = outputWidth();
    float[] y = seq[layerCount];
    int last = layerCount - 1;
    int h = hidden[last];
    for (int d = 0; d < dirs[last]; d++) {
      int t = stepOfHead(last, d);
      for (int b = 0; b < rows; b++) {
        System.arraycopy(y, (t * rows + b) * width + d * h, headInput, b * width + d * h, h);
      }
    }
    return headInput;
  }

  /** The step whose output of direction {@code d} of layer {@code l} the head reads. */
  private int stepOfHead(int l, int d) {
    if (output == SequenceOutput.LAST_STEP) {
      return steps - 1;
    }
    return readsBackward(l, d) ? 0 : steps - 1;
  }

  private boolean readsBackward(int l, int d) {
    return reverseFirst[l] || d == 1;
  }

  private void forwardDirection(int l, int d) {
    Cell cell = cells[l];
    int h = hidden[l];
    int gh = cell.gates() * h;
    int width = dirs[l] * h;
    int n = rows;
    int tb = steps * n;
    float[] x = seq[l];
    float[] y = seq[l + 1];
    float[] g = gates[l][d];
    float[] before = hiddenBefore[l][d];
    float[] more = extra[l] == null ? null : extra[l][d];
    // The input projection of every step at once, then the biases.
    timesTransposed(x, 0, tb, in[l], in[l], wBuffers[l], (long) d * gh * in[l], gh, g, 0, gh);
    float[] inBias = wb[l];
    float[] recBias = rb[l];
    boolean resetAfter = cell == Cell.GRU && linearBeforeReset[l];
    for (int row = 0; row < tb; row++) {
      int base = row * gh;
      for (int j = 0; j < gh; j++) {
        boolean outsideReset = resetAfter && j >= 2 * h; // Rb_h sits inside r * (...)
        g[base + j] += inBias[d * gh + j] + (outsideReset ? 0f : recBias[d * gh + j]);
      }
    }
    boolean backward = readsBackward(l, d);
    int previous = -1;
    for (int s = 0; s < steps; s++) {
      int t = backward ? steps - 1 - s : s;
      int at = t * n * h;
      if (previous < 0) {
        for (int b = 0; b < n; b++) {
          System.arraycopy(initialHidden[l], d * h, before, at + b * h, h);
        }
      } else {
        for (int b = 0; b < n; b++) {
          System.arraycopy(y, (previous * n + b) * width + d * h, before, at + b * h, h);
        }
      }
      int recRows = cell == Cell.GRU && !linearBeforeReset[l] ? 2 * h : gh;
      timesTransposed(before, at, n, h, h, rBuffers[l], (long) d * gh * h, recRows,
          recurrentProduct, 0, gh);
      int gBase = t * n * gh;
      switch (cell) {
        case LSTM -> lstmStep(l, d, t, previous, g, gBase, more, y, width);
        case GRU -> gruStep(l, d, t, g, gBase, before, at, more, y, width);
        case RNN -> rnnStep(l, d, t, g, gBase, y, width);
      }
      previous = t;
    }
  }

  private void lstmStep(int l, int d, int t, int previous, float[] g, int gBase,
      float[] cellStates, float[] y, int width) {
    int h = hidden[l];
    int gh = 4 * h;
    for (int b = 0; b < rows; b++) {
      int row = gBase + b * gh;
      int rec = b * gh;
      for (int j = 0; j < h; j++) {
        float i = sigmoid(g[row + j] + recurrentProduct[rec + j]);
        float o = sigmoid(g[row + h + j] + recurrentProduct[rec + h + j]);
        float f = sigmoid(g[row + 2 * h + j] + recurrentProduct[rec + 2 * h + j]);
        float c = (float) Math.tanh(g[row + 3 * h + j] + recurrentProduct[rec + 3 * h + j]);
        float cellBefore = previous < 0 ? initialCell[l][d * h + j]
            : cellStates[(previous * rows + b) * h + j];
        float cell = f * cellBefore + i * c;
        g[row + j] = i;
        g[row + h + j] = o;
        g[row + 2 * h + j] = f;
        g[row + 3 * h + j] = c;
        cellStates[(t * rows + b) * h + j] = cell;
        y[(t * rows + b) * width + d * h + j] = o * (float) Math.tanh(cell);
      }
    }
  }

  private void gruStep(int l, int d, int t, float[] g, int gBase, float[] before, int at,
      float[] more, float[] y, int width) {
    // the reset gate's product (linear before reset: R_h h + Rb_h; otherwise r * h) into more
    int h = hidden[l];
    int gh = 3 * h;
    boolean resetAfter = linearBeforeReset[l];
    for (int b = 0; b < rows; b++) {
      int row = gBase + b * gh;
      int rec = b * gh;
      for (int j = 0; j < 2 * h; j++) {
        g[row + j] = sigmoid(g[row + j] + recurrentProduct[rec + j]);
      }
    }
    if (resetAfter) {
      for (int b = 0; b < rows; b++) {
        for (int j = 0; j < h; j++) {
          more[(t * rows + b) * h + j] = recurrentProduct[b * gh + 2 * h + j]
              + rb[l][d * gh + 2 * h + j];
        }
      }
    } else {
      for (int b = 0; b < rows; b++) {
        for (int j = 0; j < h; j++) {
          more[(t * rows + b) * h + j] = g[gBase + b * gh + h + j] * before[at + b * h + j];
        }
      }
      // R_h (r * h), into the candidate's columns of the product
      timesTransposed(more, t * rows * h, rows, h, h, rBuffers[l], ((long) d * gh + 2 * h) * h,
          h, recurrentProduct, 2 * h, gh);
    }
    for (int b = 0; b < rows; b++) {
      int row = gBase + b * gh;
      for (int j = 0; j < h; j++) {
        float z = g[row + j];
        float r = g[row + h + j];
        float linear = resetAfter ? r * more[(t * rows + b) * h + j]
            : recurrentProduct[b * gh + 2 * h + j];
        float candidate = (float) Math.tanh(g[row + 2 * h + j] + linear);
        g[row + 2 * h + j] = candidate;
        y[(t * rows + b) * width + d * h + j] = (1 - z) * candidate
            + z * before[(t * rows + b) * h + j];
      }
    }
  }

  private void rnnStep(int l, int d, int t, float[] g, int gBase, float[] y, int width) {
    int h = hidden[l];
    for (int b = 0; b < rows; b++) {
      int row = gBase + b * h;
      for (int j = 0; j < h; j++) {
        float a = g[row + j] + recurrentProduct[b * h + j];
        float out = relu[l] ? Math.max(a, 0f) : (float) Math.tanh(a);
        g[row + j] = out;
        y[(t * rows + b) * width + d * h + j] = out;
      }
    }
  }

  /**
   * Back-propagates {@code headGrad} (the loss gradient at the vectors {@link #forward}
   * returned, {@code rows x outputWidth()}) through time, filling the weight and bias
   * gradients of every recurrent layer.
   */
  void backward(float[] headGrad) {
    int last = layerCount - 1;
    int width = outputWidth();
    float[] dy = seqGrad[layerCount];
    Arrays.fill(dy, 0, steps * rows * width, 0f);
    int lastHidden = hidden[last];
    for (int d = 0; d < dirs[last]; d++) {
      int t = stepOfHead(last, d);
      for (int b = 0; b < rows; b++) {
        int to = (t * rows + b) * width + d * lastHidden;
        int from = b * width + d * lastHidden;
        for (int j = 0; j < lastHidden; j++) {
          dy[to + j] += headGrad[from + j];
        }
      }
    }
    for (int l = last; l >= 0; l--) {
      Arrays.fill(dw[l], 0f);
      Arrays.fill(dr[l], 0f);
      Arrays.fill(dwb[l], 0f);
      Arrays.fill(drb[l], 0f);
      if (l > 0) {
        Arrays.fill(seqGrad[l], 0, steps * rows * in[l], 0f);
      }
      for (int d = 0; d < dirs[l]; d++) {
        backwardDirection(l, d);
      }
    }
  }

  private void backwardDirection(int l, int d) {
    Cell cell = cells[l];
    int h = hidden[l];
    int gh = cell.gates() * h;
    int width = dirs[l] * h;
    int n = rows;
    int tb = steps * n;
    float[] dy = seqGrad[l + 1];
    float[] g = gates[l][d];
    float[] before = hiddenBefore[l][d];
    float[] more = extra[l] == null ? null : extra[l][d];
    float[] inGrad = inputSideGrad[l][d];
    float[] recGrad = recurrentSideGrad[l][d];
    boolean backward = readsBackward(l, d);
    Arrays.fill(carryHidden, 0, n * h, 0f);
    Arrays.fill(carryCell, 0, n * h, 0f);
    for (int s = steps - 1; s >= 0; s--) {
      int t = backward ? steps - 1 - s : s;
      for (int b = 0; b < n; b++) {
        int from = (t * n + b) * width + d * h;
        for (int j = 0; j < h; j++) {
          stepGrad[b * h + j] = dy[from + j] + carryHidden[b * h + j];
        }
      }
      int previous = s == 0 ? -1 : backward ? t + 1 : t - 1;
      boolean carry = s > 0 && (truncation == 0 || steps - s < truncation);
      switch (cell) {
        case LSTM -> lstmBackward(l, d, t, previous, g, more, inGrad);
        case GRU -> gruBackward(l, d, t, g, before, more, inGrad, recGrad);
        case RNN -> rnnBackward(l, t, g, inGrad);
      }
      if (!carry) {
        Arrays.fill(carryHidden, 0, n * h, 0f);
        Arrays.fill(carryCell, 0, n * h, 0f);
        continue;
      }
      // carryHidden holds the direct part (GRU: z * dh and r * d(r*h)); add dA R
      int recCols = cell == Cell.GRU && !linearBeforeReset[l] ? 2 * h : gh;
      multiplyAdd(recGrad, t * n * gh, n, recCols, gh, rBuffers[l], (long) d * gh * h, h,
          carryHidden);
    }
    // weight and bias gradients of all steps at once
    gradient(inGrad, 0, gh, gh, seq[l], in[l], tb, dw[l], d * gh * in[l]);
    if (cell == Cell.GRU && !linearBeforeReset[l]) {
      gradient(recGrad, 0, 2 * h, gh, before, h, tb, dr[l], d * gh * h);
      gradient(recGrad, 2 * h, h, gh, more, h, tb, dr[l], (d * gh + 2 * h) * h);
    } else {
      gradient(recGrad, 0, gh, gh, before, h, tb, dr[l], d * gh * h);
    }
    for (int row = 0; row < tb; row++) {
      int base = row * gh;
      for (int j = 0; j < gh; j++) {
        dwb[l][d * gh + j] += inGrad[base + j];
        drb[l][d * gh + j] += recGrad[base + j];
      }
    }
    if (l > 0) {
      multiplyInputGrad(inGrad, tb, gh, wBuffers[l], (long) d * gh * in[l], in[l], seqGrad[l]);
    }
  }

  /** LSTM step: gate gradients into {@code inGrad} row block t; carries become the direct parts. */
  private void lstmBackward(int l, int d, int t, int previous, float[] g, float[] cellStates,
      float[] inGrad) {
    int h = hidden[l];
    int gh = 4 * h;
    for (int b = 0; b < rows; b++) {
      int row = (t * rows + b) * gh;
      for (int j = 0; j < h; j++) {
        float i = g[row + j];
        float o = g[row + h + j];
        float f = g[row + 2 * h + j];
        float c = g[row + 3 * h + j];
        float cell = cellStates[(t * rows + b) * h + j];
        float cellBefore = previous < 0 ? initialCell[l][d * h + j]
            : cellStates[(previous * rows + b) * h + j];
        float tc = (float) Math.tanh(cell);
        float dh = stepGrad[b * h + j];
        float dc = carryCell[b * h + j] + dh * o * (1 - tc * tc);
        inGrad[row + j] = dc * c * i * (1 - i);
        inGrad[row + h + j] = dh * tc * o * (1 - o);
        inGrad[row + 2 * h + j] = dc * cellBefore * f * (1 - f);
        inGrad[row + 3 * h + j] = dc * i * (1 - c * c);
        carryCell[b * h + j] = dc * f;
        carryHidden[b * h + j] = 0f;
      }
    }
  }

  private void gruBackward(int l, int d, int t, float[] g, float[] before, float[] more,
      float[] inGrad, float[] recGrad) {
    int h = hidden[l];
    int gh = 3 * h;
    boolean resetAfter = linearBeforeReset[l];
    for (int b = 0; b < rows; b++) {
      int row = (t * rows + b) * gh;
      int state = (t * rows + b) * h;
      for (int j = 0; j < h; j++) {
        float z = g[row + j];
        float candidate = g[row + 2 * h + j];
        float dh = stepGrad[b * h + j];
        float candidateGrad = dh * (1 - z) * (1 - candidate * candidate);
        inGrad[row + 2 * h + j] = candidateGrad;
        recGrad[row + 2 * h + j] = resetAfter ? candidateGrad * g[row + h + j] : candidateGrad;
        inGrad[row + j] = dh * (before[state + j] - candidate) * z * (1 - z);
        carryHidden[b * h + j] = dh * z;
      }
    }
    if (!resetAfter) {
      // d(r * h) = dA_h R_h
      times(recGrad, t * rows * gh + 2 * h, rows, h, gh, rBuffers[l],
          ((long) d * gh + 2 * h) * h, h, resetGrad, 0, h, false);
    }
    for (int b = 0; b < rows; b++) {
      int row = (t * rows + b) * gh;
      int state = (t * rows + b) * h;
      for (int j = 0; j < h; j++) {
        float r = g[row + h + j];
        float rGrad;
        if (resetAfter) {
          rGrad = inGrad[row + 2 * h + j] * more[state + j];
        } else {
          float productGrad = resetGrad[b * h + j];
          rGrad = productGrad * before[state + j];
          carryHidden[b * h + j] += productGrad * r;
        }
        inGrad[row + h + j] = rGrad * r * (1 - r);
        recGrad[row + j] = inGrad[row + j];
        recGrad[row + h + j] = inGrad[row + h + j];
      }
    }
  }

  private void rnnBackward(int l, int t, float[] g, float[] inGrad) {
    int h = hidden[l];
    for (int b = 0; b < rows; b++) {
      int row = (t * rows + b) * h;
      for (int j = 0; j < h; j++) {
        float out = g[row + j];
        float slope = relu[l] ? (out > 0f ? 1f : 0f) : 1 - out * out;
        inGrad[row + j] = stepGrad[b * h + j] * slope;
        carryHidden[b * h + j] = 0f;
      }
    }
  }

  private static float sigmoid(float x) {
    return (float) (1 / (1 + Math.exp(-x)));
  }

  // ---- products on heap arrays, staged through off-heap buffers for Gemm ----

  /**
   * {@code c[m x n] = a[m x k] (row stride lda) * B^T}, B the {@code [n x k]} rows at bOff,
   * into {@code c} with row stride {@code ldc}.
   */
  private void timesTransposed(float[] a, int aOff, int m, int k, int lda,
      AlignedBuffer weights, long bOff, int n, float[] c, int cOff, int ldc) {
    int aCount = (m - 1) * lda + k;
    AlignedBuffer sa = stage(0, aCount);
    AlignedBuffer sc = stage(2, (long) m * n);
    sa.putFloats(0, a, aOff, aCount);
    gemm.sgemm(false, true, m, n, k, 1f, sa, 0, lda, weights, bOff, k, 0f, sc, 0, n);
    copyOut(sc, m, n, c, cOff, ldc, false);
  }

  /**
   * {@code c[m x n] = a[m x k] (row stride lda) * B}, B the {@code [k x n]} rows at bOff, into
   * {@code c} with row stride {@code ldc}, added to it when {@code accumulate}.
   */
  private void times(float[] a, int aOff, int m, int k, int lda, AlignedBuffer weights,
      long bOff, int n, float[] c, int cOff, int ldc, boolean accumulate) {
    int aCount = (m - 1) * lda + k;
    AlignedBuffer sa = stage(0, aCount);
    AlignedBuffer sc = stage(2, (long) m * n);
    sa.putFloats(0, a, aOff, aCount);
    gemm.sgemm(false, false, m, n, k, 1f, sa, 0, lda, weights, bOff, n, 0f, sc, 0, n);
    copyOut(sc, m, n, c, cOff, ldc, accumulate);
  }

  /** {@code carry[rows x H] += grad[rows x k] (stride lda) * R[k x H]}. */
  private void multiplyAdd(float[] grad, int off, int m, int k, int lda, AlignedBuffer weights,
      long bOff, int n, float[] carry) {
    times(grad, off, m, k, lda, weights, bOff, n, carry, 0, n, true);
  }

  /** {@code dX[tb x in] += dA[tb x gh] W[gh x in]}. */
  private void multiplyInputGrad(float[] grad, int m, int k, AlignedBuffer weights, long bOff,
      int n, float[] dx) {
    times(grad, 0, m, k, k, weights, bOff, n, dx, 0, n, true);
  }

  /**
   * {@code dst[m x n] (at dstOff, stride n) += A^T B}: A the {@code m} columns from
   * {@code aCol} of {@code grad} ({@code k} rows of stride {@code lda}), B the {@code [k x n]}
   * heap matrix {@code values}.
   */
  private void gradient(float[] grad, int aCol, int m, int lda, float[] values, int n, int k,
      float[] dst, int dstOff) {
    AlignedBuffer sa = stage(0, (long) k * lda);
    AlignedBuffer sb = stage(1, (long) k * n);
    AlignedBuffer sc = stage(2, (long) m * n);
    sa.putFloats(0, grad, 0, k * lda);
    sb.putFloats(0, values, 0, k * n);
    gemm.sgemm(true, false, m, n, k, 1f, sa, aCol, lda, sb, 0, n, 0f, sc, 0, n);
    copyOut(sc, m, n, dst, dstOff, n, true);
  }

  private void copyOut(AlignedBuffer sc, int m, int n, float[] c, int cOff, int ldc,
      boolean accumulate) {
    if (!accumulate && ldc == n) {
      sc.getFloats(0, c, cOff, m * n);
      return;
    }
    if (scratch.length < m * n) {
      scratch = new float[m * n];
    }
    float[] row = scratch;
    sc.getFloats(0, row, 0, m * n);
    for (int i = 0; i < m; i++) {
      int to = cOff + i * ldc;
      int from = i * n;
      if (accumulate) {
        for (int j = 0; j < n; j++) {
          c[to + j] += row[from + j];
        }
      } else {
        System.arraycopy(row, from, c, to, n);
      }
    }
  }

  /** Staging buffer {@code which} (0: A, 1: B, 2: C) of at least {@code floats} floats. */
  private AlignedBuffer stage(int which, long floats) {
    AlignedBuffer current = which == 0 ? stageA : which == 1 ? stageB : stageC;
    if (current != null && current.floatCapacity() >= floats) {
      return current;
    }
    if (current != null) {
      current.close();
    }
    AlignedBuffer grown = AlignedBuffer.allocateFloats(Math.max(floats, 1));
    switch (which) {
      case 0 -> stageA = grown;
      case 1 -> stageB = grown;
      default -> stageC = grown;
    }
    return grown;
  }

  @Override
  public void close() {
    for (AlignedBuffer buffer : wBuffers) {
      closeQuietly(buffer);
    }
    for (AlignedBuffer buffer : rBuffers) {
      closeQuietly(buffer);
    }
    closeQuietly(stageA);
    closeQuietly(stageB);
    closeQuietly(stageC);
  }

  private static void closeQuietly(AlignedBuffer buffer) {
    if (buffer != null) {
      buffer.close();
    }
  }
}
