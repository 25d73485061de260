package org.sparsenn.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.model.RecurrentLayer;
import org.sparsenn.model.RecurrentLayer.Cell;

/**
 * One recurrent layer ready to run, every direction: the input projection {@code W x} of all
 * steps as one product over {@code steps * batch} columns, then per step the recurrent product
 * {@code R h} and the gate math.
 *
 * <p>Each of W and R is a {@link LinearOp} planned on its own by the {@link Planner}, as a
 * dense layer is: dense or sparse by its own sparsity, and R once for batch 1 (matrix-vector
 * kernels) and once for batches. The gate math (sigmoid, tanh, the state updates) runs in Java
 * on heap copies of the products. Biases: {@code Wb + Rb} goes with the projection, except
 * for the GRU's candidate rows under {@code linear_before_reset}, whose {@code Rb} goes with
 * the recurrent product (the reset gate multiplies both). A GRU without
 * {@code linear_before_reset} splits R: the z and r rows multiply {@code h}, the candidate rows
 * multiply {@code r * h} once r is known.
 *
 * <p>Buffers are feature-major as everywhere in the engine: value {@code f} of column
 * {@code t * batch + b} (step t of sequence b) at {@code f * columns + t * batch + b}.
 * Thread-safe for concurrent runs with distinct {@link Work}; not to be closed while one runs.
 */
final class RecurrentOp implements AutoCloseable {
  private final RecurrentLayer layer;
  private final int hidden;
  private final int gateRows;
  private final List<DirectionOps> directions = new ArrayList<>();
  private final List<Planner.Built> built = new ArrayList<>();
  private final List<RecurrentMatrixPlan> plans = new ArrayList<>();

  /** The products of one direction, and its initial states. */
  private record DirectionOps(LinearOp projection, LinearOp recurrentSingle,
      LinearOp recurrentBatched, LinearOp candidateSingle, LinearOp candidateBatched,
      float[] initialHidden, float[] initialCell) {}

  /**
   * Plans and builds every matrix of {@code layer}, the {@code index}-th of the front end.
   *
   * @param options the session's options without per-layer overrides
   */
  static RecurrentOp build(int index, RecurrentLayer layer, SessionOptions options,
      Kernels kernels, Executor executor) {
    RecurrentOp op = new RecurrentOp(layer);
    try {
      op.buildDirections(index, options, kernels, executor);
      return op;
    } catch (RuntimeException | Error e) {
      op.close();
      throw e;
    }
  }

  private RecurrentOp(RecurrentLayer layer) {
    this.layer = layer;
    this.hidden = layer.hidden();
    this.gateRows = layer.gateRows();
  }

  private void buildDirections(int index, SessionOptions options, Kernels kernels,
      Executor executor) {
    boolean resetAfter = layer.cell() == Cell.GRU && layer.linearBeforeReset();
    boolean splitR = layer.cell() == Cell.GRU && !layer.linearBeforeReset();
    int inputs = layer.inputs();
    for (int d = 0; d < layer.direction().count(); d++) {
      float[] inputBias = layer.inputBias(d);
      float[] recurrentBias = layer.recurrentBias(d);
      float[] projectionBias = inputBias.clone();
      float[] productBias = new float[gateRows];
      for (int row = 0; row < gateRows; row++) {
        if (resetAfter && row >= 2 * hidden) {
          productBias[row] = recurrentBias[row];
        } else {
          projectionBias[row] += recurrentBias[row];
        }
      }
      Planner.Built projection = plan(index, d, "W", layer.inputWeights(d), gateRows, inputs,
          projectionBias, options, kernels, executor);
      float[] r = layer.recurrentWeights(d);
      int productRows = splitR ? 2 * hidden : gateRows;
      float[] productWeights = splitR ? Arrays.copyOf(r, productRows * hidden) : r;
      Planner.Built recurrent = plan(index, d, splitR ? "R (z, r)" : "R", productWeights,
          productRows, hidden, resetAfter ? productBias : null, options, kernels, executor);
      Planner.Built candidate = null;
      if (splitR) {
        float[] candidateWeights = Arrays.copyOfRange(r, productRows * hidden,
            gateRows * hidden);
        candidate = plan(index, d, "R (h)", candidateWeights, hidden, hidden, null, options,
            kernels, executor);
      }
      directions.add(new DirectionOps(projection.batchedOps().get(0),
          recurrent.singleOps().get(0), recurrent.batchedOps().get(0),
          candidate == null ? null : candidate.singleOps().get(0),
          candidate == null ? null : candidate.batchedOps().get(0),
          layer.initialHidden(d), layer.initialCell(d)));
    }
  }

  /** Plans one matrix as the planner plans a dense layer, and keeps both regimes' ops. */
  private Planner.Built plan(int index, int direction, String matrix, float[] weights, int rows,
      int cols, float[] bias, SessionOptions options, Kernels kernels, Executor executor) {
    DenseLayer asLayer = new DenseLayer(cols, rows, weights, bias, Activation.IDENTITY);
    Planner.Built b = Planner.build(new Network(List.of(asLayer), false), options, kernels,
        executor);
    built.add(b);
    plans.add(new RecurrentMatrixPlan(index, direction, matrix, b.plan().layers().get(0)));
    return b;
  }

  /** What was chosen for each matrix of this layer. */
  List<RecurrentMatrixPlan> plans() {
    return plans;
  }

  RecurrentLayer layer() {
    return layer;
  }

  /**
   * Runs every direction over the sequences in {@code x} ({@code inputs} rows of
   * {@code steps * batch} columns), writing the output sequence into {@code y}
   * ({@code outputs} rows of the same columns) and each direction's last state into
   * {@code finalState} ({@code outputs} rows of {@code batch}).
   */
  void run(Work w, AlignedBuffer x, int batch, int steps, float[] y, float[] finalState) {
    int columns = steps * batch;
    boolean reverse = layer.direction() == RecurrentLayer.Direction.REVERSE;
    for (int d = 0; d < directions.size(); d++) {
      DirectionOps ops = directions.get(d);
      ops.projection().run(x, columns, w.projection);
      w.projection.getFloats(0, w.projected, 0, gateRows * columns);
      for (int j = 0; j < hidden; j++) {
        for (int b = 0; b < batch; b++) {
          w.h[j * batch + b] = ops.initialHidden()[j];
          w.c[j * batch + b] = ops.initialCell()[j];
        }
      }
      LinearOp recurrent = batch == 1 ? ops.recurrentSingle() : ops.recurrentBatched();
      LinearOp candidate = batch == 1 ? ops.candidateSingle() : ops.candidateBatched();
      boolean backward = reverse || d == 1;
      for (int k = 0; k < steps; k++) {
        int t = backward ? steps - 1 - k : k;
        w.state.putFloats(0, w.h, 0, hidden * batch);
        recurrent.run(w.state, batch, w.product);
        w.product.getFloats(0, w.recurrent, 0, recurrent.rows() * batch);
        int column = t * batch;
        switch (layer.cell()) {
          case LSTM -> lstmStep(w, columns, column, batch);
          case GRU -> gruStep(w, candidate, columns, column, batch);
          case RNN -> rnnStep(w, columns, column, batch);
        }
        for (int j = 0; j < hidden; j++) {
          System.arraycopy(w.h, j * batch, y, (d * hidden + j) * columns + column, batch);
        }
      }
      System.arraycopy(w.h, 0, finalState, d * hidden * batch, hidden * batch);
    }
  }

  /** {@code W x + bias} (projected) plus {@code R h} of gate row {@code row}, sequence b. */
  private static float preactivation(Work w, int row, int columns, int column, int batch,
      int b) {
    return w.projected[row * columns + column + b] + w.recurrent[row * batch + b];
  }

  private void lstmStep(Work w, int columns, int column, int batch) {
    for (int j = 0; j < hidden; j++) {
      for (int b = 0; b < batch; b++) {
        float in = sigmoid(preactivation(w, j, columns, column, batch, b));
        float out = sigmoid(preactivation(w, hidden + j, columns, column, batch, b));
        float forget = sigmoid(preactivation(w, 2 * hidden + j, columns, column, batch, b));
        float candidate = tanh(preactivation(w, 3 * hidden + j, columns, column, batch, b));
        int s = j * batch + b;
        w.c[s] = forget * w.c[s] + in * candidate;
        w.h[s] = out * tanh(w.c[s]);
      }
    }
  }

  private void gruStep(Work w, LinearOp candidateProduct, int columns, int column, int batch) {
    for (int j = 0; j < hidden; j++) {
      for (int b = 0; b < batch; b++) {
        int s = j * batch + b;
        w.z[s] = sigmoid(preactivation(w, j, columns, column, batch, b));
        w.r[s] = sigmoid(preactivation(w, hidden + j, columns, column, batch, b));
      }
    }
    float[] candidateInput;
    int candidateRow;
    if (candidateProduct != null) {
      // reset before the product: R_h (r * h), a second product once r is known (c holds
      // r * h: a GRU has no cell state)
      for (int s = 0; s < hidden * batch; s++) {
        w.c[s] = w.r[s] * w.h[s];
      }
      w.state.putFloats(0, w.c, 0, hidden * batch);
      candidateProduct.run(w.state, batch, w.product);
      w.product.getFloats(0, w.recurrent, 0, hidden * batch);
      candidateInput = w.recurrent;
      candidateRow = 0;
    } else {
      candidateInput = w.recurrent;
      candidateRow = 2 * hidden;
    }
    for (int j = 0; j < hidden; j++) {
      for (int b = 0; b < batch; b++) {
        int s = j * batch + b;
        float product = candidateInput[(candidateRow + j) * batch + b];
        float gated = candidateProduct != null ? product : w.r[s] * product;
        float candidate = tanh(w.projected[(2 * hidden + j) * columns + column + b] + gated);
        w.h[s] = (1 - w.z[s]) * candidate + w.z[s] * w.h[s];
      }
    }
  }

  private void rnnStep(Work w, int columns, int column, int batch) {
    boolean relu = layer.activation().equals(Activation.RELU);
    for (int j = 0; j < hidden; j++) {
      for (int b = 0; b < batch; b++) {
        float v = preactivation(w, j, columns, column, batch, b);
        w.h[j * batch + b] = relu ? Math.max(v, 0f) : tanh(v);
      }
    }
  }

  private static float sigmoid(float x) {
    return (float) (1 / (1 + Math.exp(-x)));
  }

  private static float tanh(float x) {
    return (float) Math.tanh(x);
  }

  @Override
  public void close() {
    built.forEach(Planner.Built::close);
  }

  /**
   * One thread's buffers for running the layers of a front end: sized for the widest layer
   * and a number of columns ({@code steps * batch}), grown by the owner.
   */
  static final class Work implements AutoCloseable {
    final int columns;
    final int batch;
    final AlignedBuffer projection;
    final float[] projected;
    final AlignedBuffer state;
    final AlignedBuffer product;
    final float[] recurrent;
    final float[] h;
    final float[] c;
    final float[] z;
    final float[] r;

    Work(int maxGateRows, int maxHidden, int columns, int batch) {
      this.columns = columns;
      this.batch = batch;
      this.projection = AlignedBuffer.allocateFloats((long) maxGateRows * columns);
      this.state = AlignedBuffer.allocateFloats((long) maxHidden * batch);
      this.product = AlignedBuffer.allocateFloats((long) maxGateRows * batch);
      this.projected = new float[maxGateRows * columns];
      this.recurrent = new float[maxGateRows * batch];
      this.h = new float[maxHidden * batch];
      this.c = new float[maxHidden * batch];
      this.z = new float[maxHidden * batch];
      this.r = new float[maxHidden * batch];
    }

    @Override
    public void close() {
      projection.close();
      state.close();
      product.close();
    }
  }
}
