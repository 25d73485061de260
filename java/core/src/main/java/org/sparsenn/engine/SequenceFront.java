package org.sparsenn.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.model.Network;
import org.sparsenn.model.RecurrentLayer;
import org.sparsenn.model.SequenceOutput;

/**
 * A network's recurrent front end ready to run: its layers ({@link RecurrentOp}) in order, each
 * reading the output sequence of the one before, and the {@link SequenceOutput} that picks one
 * vector per sequence for the dense layers. What a {@link Session} runs before its dense
 * layers for a recurrent network; thread-safe (each thread has its own buffers), not to be
 * closed while a run is in flight.
 */
final class SequenceFront implements AutoCloseable {
  // The most floats one buffer may hold (an AlignedBuffer's and a Java array's limit).
  private static final long MAX_FLOATS = Math.min(AlignedBuffer.MAX_BYTES / Float.BYTES,
      Integer.MAX_VALUE - 8);

  private final List<RecurrentOp> ops;
  private final SequenceOutput output;
  private final int features;
  private final int width;
  private final int maxGateRows;
  private final int maxHidden;
  private final int maxWidth;
  private final boolean lastSequenceRead;
  private final ThreadLocal<Buffers> buffers = new ThreadLocal<>();
  private final Queue<Buffers> allBuffers = new ConcurrentLinkedQueue<>();

  private SequenceFront(List<RecurrentOp> ops, SequenceOutput output) {
    this.ops = ops;
    this.output = output;
    this.features = ops.get(0).layer().inputs();
    this.width = ops.get(ops.size() - 1).layer().outputs();
    int gateRows = 0;
    int hidden = 0;
    int widest = features;
    for (RecurrentOp op : ops) {
      gateRows = Math.max(gateRows, op.layer().gateRows());
      hidden = Math.max(hidden, op.layer().hidden());
      widest = Math.max(widest, op.layer().outputs());
    }
    this.maxGateRows = gateRows;
    // the last layer's output sequence is read only for the last step of a backward direction:
    // otherwise what the dense layers read is the final state
    RecurrentLayer last = ops.get(ops.size() - 1).layer();
    this.lastSequenceRead = output == SequenceOutput.LAST_STEP
        && last.direction() != RecurrentLayer.Direction.FORWARD;
    this.maxHidden = hidden;
    this.maxWidth = widest;
  }

  /**
   * Plans and builds every recurrent layer of {@code network}. Per-layer overrides in
   * {@code options} name dense layers and do not apply here.
   */
  static SequenceFront build(Network network, SessionOptions options, Kernels kernels,
      Executor executor) {
    SessionOptions.Builder matrixOptions = SessionOptions.builder()
        .threads(options.threads())
        .planning(options.planning())
        .measureBudget(options.measureBudget())
        .candidates(options.candidates())
        .requireNative(options.requireNative())
        .plannedBatch(options.plannedBatch())
        .executor(options.executor())
        .profile(options.profile());
    SessionOptions matrices = matrixOptions.build();
    List<RecurrentOp> ops = new ArrayList<>();
    try {
      List<RecurrentLayer> layers = network.recurrentLayers();
      for (int i = 0; i < layers.size(); i++) {
        ops.add(RecurrentOp.build(i, layers.get(i), matrices, kernels, executor));
      }
    } catch (RuntimeException | Error e) {
      ops.forEach(RecurrentOp::close);
      throw e;
    }
    return new SequenceFront(List.copyOf(ops), network.sequenceOutput());
  }

  /** Features of one step. */
  int features() {
    return features;
  }

  /** Values handed to the dense layers per sequence. */
  int width() {
    return width;
  }

  /** What was chosen for every matrix, layer by layer. */
  List<RecurrentMatrixPlan> plans() {
    List<RecurrentMatrixPlan> all = new ArrayList<>();
    for (RecurrentOp op : ops) {
      all.addAll(op.plans());
    }
    return Collections.unmodifiableList(all);
  }

  /**
   * Runs {@code batch} sequences of {@code steps} steps, row-major in {@code input}
   * ({@code [batch][steps][features]}, from index 0), and writes what the dense layers read
   * into {@code out}, feature-major ({@code [width][batch]}). The caller has checked the sizes.
   *
   * @throws IllegalArgumentException if {@code steps * batch} columns need more memory than
   *     one buffer holds
   */
  void run(float[] input, int batch, int steps, AlignedBuffer out) {
    Buffers s = buffers(batch, steps);
    int columns = steps * batch;
    // [b][t][f] -> [f][t * batch + b]
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < steps; t++) {
        int from = (b * steps + t) * features;
        int column = t * batch + b;
        for (int f = 0; f < features; f++) {
          s.rows[f * columns + column] = input[from + f];
        }
      }
    }
    s.x.putFloats(0, s.rows, 0, features * columns);
    // each layer reads the sequence the one before wrote: two buffers in turn
    AlignedBuffer in = s.x;
    AlignedBuffer sequence = s.y;
    for (int i = 0; i < ops.size(); i++) {
      boolean last = i + 1 == ops.size();
      AlignedBuffer y = last && !lastSequenceRead ? null : sequence;
      ops.get(i).run(s.work, in, batch, steps, y, s.finalState);
      sequence = in;
      in = y;
    }
    if (!lastSequenceRead) {
      s.finalState.getFloats(0, s.rows, 0, width * batch);
    } else {
      // the last step's column of each row of the last layer's sequence
      int last = (steps - 1) * batch;
      for (int row = 0; row < width; row++) {
        in.getFloats(row * columns + last, s.rows, row * batch, batch);
      }
    }
    out.putFloats(0, s.rows, 0, width * batch);
  }

  /** This thread's buffers, grown to hold {@code steps * batch} columns. */
  private Buffers buffers(int batch, int steps) {
    long columns = (long) steps * batch;
    long needed = Math.max(maxGateRows, maxWidth) * columns;
    if (needed > MAX_FLOATS) {
      throw new IllegalArgumentException(batch + " sequences of " + steps + " steps need "
          + needed + " floats per buffer, more than one buffer holds (" + MAX_FLOATS
          + "); run fewer or shorter sequences at a time");
    }
    Buffers s = buffers.get();
    if (s == null || s.work.columns < columns || s.work.batch < batch) {
      if (s != null) {
        allBuffers.remove(s);
        s.close();
      }
      s = new Buffers(maxGateRows, maxHidden, maxWidth, (int) columns, batch);
      allBuffers.add(s);
      buffers.set(s);
    }
    return s;
  }

  /** Frees every layer and every thread's buffers. */
  @Override
  public void close() {
    ops.forEach(RecurrentOp::close);
    Buffers s;
    while ((s = allBuffers.poll()) != null) {
      s.close();
    }
  }

  /**
   * One thread's buffers: the layers' work, the sequences between layers (off-heap, read and
   * written by the kernels), the final states, and a heap row for the input and the result.
   */
  private static final class Buffers implements AutoCloseable {
    final RecurrentOp.Work work;
    final AlignedBuffer x;
    final AlignedBuffer y;
    final AlignedBuffer finalState;
    final float[] rows;

    Buffers(int maxGateRows, int maxHidden, int maxWidth, int columns, int batch) {
      this.work = new RecurrentOp.Work(maxGateRows, maxHidden, columns, batch);
      this.x = AlignedBuffer.allocateFloats((long) maxWidth * columns);
      this.y = AlignedBuffer.allocateFloats((long) maxWidth * columns);
      this.finalState = AlignedBuffer.allocateFloats((long) maxWidth * batch);
      this.rows = new float[maxWidth * columns];
    }

    @Override
    public void close() {
      work.close();
      x.close();
      y.close();
      finalState.close();
    }
  }
}
