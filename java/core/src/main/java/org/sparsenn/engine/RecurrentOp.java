package org.sparsenn.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import org.sparsenn.kernel.ActivationFunction;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.kernel.internal.GateCell;
import org.sparsenn.kernel.internal.RawKernels;
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
 * kernels) and once for batches. The gate math (sigmoid, tanh, the state updates) is one
 * fused kernel call per step ({@link RawKernels#gates}) that reads the projection and the
 * recurrent product where they lie, off-heap, and writes the state and the output sequence in
 * place. Biases: {@code Wb + Rb} goes with the projection, except
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
  private final RawKernels raw;
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
    RecurrentOp op = new RecurrentOp(layer, RawKernels.of(kernels));
    try {
      op.buildDirections(index, options, kernels, executor);
      return op;
    } catch (RuntimeException | Error e) {
      op.close();
      throw e;
    }
  }

  private RecurrentOp(RecurrentLayer layer, RawKernels raw) {
    this.layer = layer;
    this.raw = raw;
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
   * ({@code outputs} rows of the same columns; null when no one reads it) and each direction's
   * last state into {@code finalState} ({@code outputs} rows of {@code batch}). Per step: the
   * recurrent product into the work's product buffer and one fused gate call that reads this
   * step's column of the projection in place and updates the state in place; nothing is
   * copied or allocated per step.
   */
  void run(Work w, AlignedBuffer x, int batch, int steps, AlignedBuffer y,
      AlignedBuffer finalState) {
    int columns = steps * batch;
    if (w.columns < columns || w.batch < batch) {
      throw new IllegalStateException("work buffers for " + w.columns + " columns and batch "
          + w.batch + ", run needs " + columns + " and " + batch);
    }
    boolean reverse = layer.direction() == RecurrentLayer.Direction.REVERSE;
    GateCell cell = switch (layer.cell()) {
      case LSTM -> GateCell.LSTM;
      case GRU -> layer.linearBeforeReset() ? GateCell.GRU : GateCell.GRU_RESET;
      case RNN -> GateCell.RNN;
    };
    ActivationFunction activation = layer.cell() == Cell.RNN
        && layer.activation().equals(Activation.RELU) ? ActivationFunction.RELU
        : ActivationFunction.TANH;
    for (int d = 0; d < directions.size(); d++) {
      DirectionOps ops = directions.get(d);
      ops.projection().run(x, columns, w.projection);
      initialState(w, ops, batch);
      LinearOp recurrent = batch == 1 ? ops.recurrentSingle() : ops.recurrentBatched();
      LinearOp candidate = batch == 1 ? ops.candidateSingle() : ops.candidateBatched();
      boolean backward = reverse || d == 1;
      long outputRows = (long) d * hidden * columns;
      for (int k = 0; k < steps; k++) {
        int t = backward ? steps - 1 - k : k;
        int column = t * batch;
        recurrent.run(w.h, batch, w.product);
        if (cell == GateCell.GRU_RESET) {
          // reset before the product: c holds z, w.reset r * h, then R_h (r * h)
          raw.gates(GateCell.GRU_RESET, hidden, batch, w.projection, column, columns,
              w.product, w.h, w.c, w.reset, 0, batch, activation);
          candidate.run(w.reset, batch, w.product);
          raw.gates(GateCell.GRU_CANDIDATE, hidden, batch, w.projection, column, columns,
              w.product, w.h, w.c, y, outputRows + column, columns, activation);
        } else {
          raw.gates(cell, hidden, batch, w.projection, column, columns, w.product, w.h, w.c, y,
              outputRows + column, columns, activation);
        }
      }
      w.h.getFloats(0, w.stateCopy, 0, hidden * batch);
      finalState.putFloats(d * hidden * batch, w.stateCopy, 0, hidden * batch);
    }
  }

  /** Each sequence's state starts from the direction's initial state. */
  private void initialState(Work w, DirectionOps ops, int batch) {
    float[] initialHidden = ops.initialHidden();
    float[] initialCell = ops.initialCell();
    for (int j = 0; j < hidden; j++) {
      Arrays.fill(w.stateCopy, j * batch, (j + 1) * batch, initialHidden[j]);
    }
    w.h.putFloats(0, w.stateCopy, 0, hidden * batch);
    for (int j = 0; j < hidden; j++) {
      Arrays.fill(w.stateCopy, j * batch, (j + 1) * batch, initialCell[j]);
    }
    w.c.putFloats(0, w.stateCopy, 0, hidden * batch);
  }

  @Override
  public void close() {
    built.forEach(Planner.Built::close);
  }

  /**
   * One thread's buffers for running the layers of a front end: sized for the widest layer
   * and a number of columns ({@code steps * batch}), grown by the owner. Off-heap, where the
   * kernels read and write them; {@code stateCopy} is a heap row for the initial and final
   * states (once per run).
   */
  static final class Work implements AutoCloseable {
    final int columns;
    final int batch;
    final AlignedBuffer projection;
    final AlignedBuffer product;
    final AlignedBuffer h;
    final AlignedBuffer c;
    final AlignedBuffer reset;
    final float[] stateCopy;

    Work(int maxGateRows, int maxHidden, int columns, int batch) {
      this.columns = columns;
      this.batch = batch;
      this.projection = AlignedBuffer.allocateFloats((long) maxGateRows * columns);
      this.product = AlignedBuffer.allocateFloats((long) maxGateRows * batch);
      this.h = AlignedBuffer.allocateFloats((long) maxHidden * batch);
      this.c = AlignedBuffer.allocateFloats((long) maxHidden * batch);
      this.reset = AlignedBuffer.allocateFloats((long) maxHidden * batch);
      this.stateCopy = new float[maxHidden * batch];
    }

    @Override
    public void close() {
      projection.close();
      product.close();
      h.close();
      c.close();
      reset.close();
    }
  }
}
