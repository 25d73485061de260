package org.sparsenn.engine;

import java.lang.System.Logger.Level;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.kernel.internal.RawKernels;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.sparse.WeightMatrix;

/**
 * A network ready to run: every layer planned onto its fastest method ({@link Planner}), built
 * once, and run from any number of threads at once.
 *
 * <p>Inputs are row-major: {@code float[features]} for one input, {@code float[batch][features]}
 * or a flat {@code batch * features} array for a batch; outputs likewise. Each calling thread
 * has its own scratch buffers, so the hot path takes no lock, and the forms that write into the
 * caller's output allocate nothing once warm. Batch 1 and larger batches each use the method
 * planned for them.
 *
 * <p><b>Batch 1 and batches differ in the last bits.</b> A single input runs matrix-vector
 * kernels and a batch runs matrix-matrix kernels, which add the same products in a different
 * order; so one row run alone and the same row run inside a batch can differ by a few ulps
 * (a few parts in a million of the output's scale). Each path is bit-stable: the same input on
 * the same path, session and machine gives the same bits every time, whatever else is in the
 * batch and however many threads run it.
 *
 * <p>A network whose input features were pruned ({@link Network#hasInputSelection()}) takes
 * full-width inputs of {@link Network#originalInputs()} features and reads the kept ones.
 *
 * <p>A network with recurrent layers ({@link Network#isRecurrent()}) reads sequences: run it with
 * {@link #runSequences}, {@code [batch][steps][features]} in, {@code [batch][outputs]} out; the
 * other {@code run} forms are for feed-forward networks. Its recurrent layers are planned
 * matrix by matrix ({@link #recurrentPlans()}); {@link #plan()} covers the dense layers.
 *
 * <p>{@link #close()} frees the native memory. A run started after {@code close} throws
 * {@link IllegalStateException}; {@code close} waits for runs already in flight, so closing
 * while other threads run never frees memory under them.
 */
public final class Session implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Session.class.getName());
  // Spins before sleeping while close() waits for runs in flight.
  private static final int CLOSE_SPINS = 1_000;
  // The most floats one scratch buffer of a thread may hold.
  private static final long MAX_SCRATCH_FLOATS = AlignedBuffer.MAX_BYTES / Float.BYTES;

  private final Kernels kernels;
  private final RawKernels raw;
  private final Plan plan;
  // The recurrent front end, or null for a feed-forward network.
  private final SequenceFront front;
  private final List<LinearOp> singleOps;
  private final List<LinearOp> batchedOps;
  private final int inputs;
  private final int modelInputs;
  // The original feature each model input reads, when the network dropped input features.
  private final int[] selectedFeatures;
  private final int outputs;
  private final int widest;
  private final boolean softmax;
  private final int threads;
  private final Executor executor;
  private final WorkerPool ownedPool;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Queue<Scratch> allScratch = new ConcurrentLinkedQueue<>();
  private final ThreadLocal<Scratch> scratch = new ThreadLocal<>();
  private volatile boolean closed;

  private Session(Kernels kernels, Planner.Built built, SequenceFront front, Network network,
      boolean softmax, int threads, Executor executor, WorkerPool ownedPool) {
    this.kernels = kernels;
    this.raw = RawKernels.of(kernels);
    this.plan = built.plan();
    this.front = front;
    this.singleOps = built.singleOps();
    this.batchedOps = built.batchedOps();
    this.inputs = network.originalInputs();
    this.modelInputs = network.layers().get(0).inputs();
    this.selectedFeatures = network.hasInputSelection() ? network.inputFeatures() : null;
    this.outputs = network.outputs();
    int widest = Math.max(inputs, modelInputs);
    for (DenseLayer layer : network.layers()) {
      widest = Math.max(widest, layer.outputs());
    }
    this.widest = widest;
    this.softmax = softmax;
    this.threads = threads;
    this.executor = executor;
    this.ownedPool = ownedPool;
  }

  /**
   * Plans and builds {@code network} on the best kernels of this machine ({@link Kernels#best()}).
   *
   * @throws IllegalStateException if the options require the native library and it is not loaded
   * @throws IllegalArgumentException if an override names a layer the network lacks or a method
   *     that cannot run it
   */
  public static Session create(Network network, SessionOptions options) {
    return create(network, options, Kernels.best());
  }

  /**
   * Plans and builds {@code network} on the given kernels (e.g. {@code JavaKernels} to compare).
   *
   * @throws IllegalStateException if the options require native kernels and these are not
   * @throws IllegalArgumentException as {@link #create(Network, SessionOptions)}
   */
  public static Session create(Network network, SessionOptions options, Kernels kernels) {
    return create(network, null, options, kernels);
  }

  private static Session create(Network network, List<? extends WeightMatrix> stored,
      SessionOptions options, Kernels kernels) {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(kernels, "kernels");
    if (options.requireNative() && !kernels.isNative()) {
      throw new IllegalStateException("the native library is required (requireNative) but the "
          + "kernels are " + kernels.name());
    }
    if (!kernels.isNative()) {
      LOG.log(Level.INFO, "sparsenn session runs pure-Java kernels (native library not used)");
    }
    WorkerPool pool = null;
    Executor executor = options.executor();
    if (options.threads() > 1 && executor == null) {
      pool = new WorkerPool(options.threads() - 1);
      executor = pool;
    }
    SequenceFront front = null;
    try {
      if (network.isRecurrent()) {
        front = SequenceFront.build(network, options, kernels, executor);
      }
      Planner.Built built = Planner.build(network, stored, options, kernels, executor);
      boolean softmax = options.softmax() != null ? options.softmax() : network.softmaxOutput();
      return new Session(kernels, built, front, network, softmax, options.threads(), executor,
          pool);
    } catch (RuntimeException | Error e) {
      if (front != null) {
        front.close();
      }
      if (pool != null) {
        pool.close();
      }
      throw e;
    }
  }

  /**
   * Plans and builds {@code network}, borrowing the matrices in {@code stored} (one entry per
   * layer, null where a layer has none; CSR, or 16x1 blocks for {@code bsr16}) as the
   * candidates of their format instead of re-encoding those layers: a model read by
   * {@link org.sparsenn.io.snn.MappedSnnFile} runs from its stored arrays. The matrices must hold the layers' weights and stay open while the
   * session lives; the session does not close them. Matrices over a memory-mapped file are only
   * as safe as the file: see {@code MappedSnnFile} for what may and may not happen to it.
   *
   * @throws IllegalArgumentException if {@code stored} does not have one entry per layer or a
   *     matrix's shape differs from its layer's; otherwise as
   *     {@link #create(Network, SessionOptions)}
   * @throws IllegalStateException as {@link #create(Network, SessionOptions)}
   */
  public static Session create(Network network, List<? extends WeightMatrix> stored,
      SessionOptions options) {
    Objects.requireNonNull(stored, "stored");
    return create(network, stored, options, Kernels.best());
  }

  /** What was chosen for each dense layer, and why. */
  public Plan plan() {
    return plan;
  }

  /**
   * What was chosen for each matrix of the recurrent layers, layer by layer; empty for a
   * feed-forward network.
   */
  public List<RecurrentMatrixPlan> recurrentPlans() {
    return front == null ? List.of() : front.plans();
  }

  /** Whether the network reads sequences ({@link #runSequences}). */
  public boolean readsSequences() {
    return front != null;
  }

  /**
   * Features one input has. For a network whose input features were pruned this is the
   * original feature count: callers pass full inputs and the session reads the kept features.
   * For a network that reads sequences, the features of one step.
   */
  public int inputs() {
    return inputs;
  }

  /** Values one output has. */
  public int outputs() {
    return outputs;
  }

  /** The kernels this session runs. */
  public Kernels kernels() {
    return kernels;
  }

  /**
   * Runs one input.
   *
   * @return a new array of {@link #outputs()} values
   * @throws IllegalArgumentException if {@code input.length != inputs()}, or the network reads
   *     sequences
   * @throws IllegalStateException if the session is closed
   */
  public float[] run(float[] input) {
    float[] output = new float[outputs];
    run(input, output);
    return output;
  }

  /**
   * Runs one input into the caller's array (allocates nothing once warm).
   *
   * @throws IllegalArgumentException if {@code input.length != inputs()} or
   *     {@code output.length != outputs()}, or the network reads sequences
   * @throws IllegalStateException if the session is closed
   */
  public void run(float[] input, float[] output) {
    requireFeedForward();
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(output, "output");
    requireLength("input", input.length, inputs);
    requireLength("output", output.length, outputs);
    run(input, 1, output);
  }

  /**
   * Runs a batch given as rows.
   *
   * @return {@code batch.length} new rows of {@link #outputs()} values
   * @throws IllegalArgumentException if a row's length is not {@link #inputs()}, or the network
   *     reads sequences
   * @throws IllegalStateException if the session is closed
   */
  public float[][] run(float[][] batch) {
    requireFeedForward();
    Objects.requireNonNull(batch, "batch");
    int rows = batch.length;
    float[] flat = new float[Math.multiplyExact(rows, inputs)];
    for (int r = 0; r < rows; r++) {
      Objects.requireNonNull(batch[r], "batch row " + r);
      if (batch[r].length != inputs) {
        throw new IllegalArgumentException(
            "batch row " + r + " has length " + batch[r].length + ", expected " + inputs);
      }
      System.arraycopy(batch[r], 0, flat, r * inputs, inputs);
    }
    float[][] result = new float[rows][outputs];
    if (rows == 0) {
      checkOpen();
      return result;
    }
    float[] out = new float[rows * outputs];
    run(flat, rows, out);
    for (int r = 0; r < rows; r++) {
      System.arraycopy(out, r * outputs, result[r], 0, outputs);
    }
    return result;
  }

  /**
   * Runs a batch held row-major in flat arrays: {@code input[b * inputs() + f]} into
   * {@code output[b * outputs() + o]} (allocates nothing once warm).
   *
   * @throws IllegalArgumentException if {@code batch < 1}, an array's length is not
   *     {@code batch} times the features, or the network reads sequences
   * @throws IllegalStateException if the session is closed
   */
  public void run(float[] input, int batch, float[] output) {
    requireFeedForward();
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(output, "output");
    requireBatch(batch);
    requireLength("input", input.length, (long) batch * inputs);
    requireLength("output", output.length, (long) batch * outputs);
    enter();
    try {
      Scratch s = scratch(batch);
      load(s, input, batch);
      rowMajor(s, forward(s, batch), batch).getFloats(0, output, 0, batch * outputs);
    } finally {
      exit();
    }
  }

  /**
   * Runs a batch held row-major in NIO buffers (heap or direct), read from index 0 of
   * {@code input} and written from index 0 of {@code output}; positions are left unchanged.
   *
   * @throws IllegalArgumentException if {@code batch < 1}, a buffer holds fewer than
   *     {@code batch} times the features below its limit, or the network reads sequences
   * @throws java.nio.ReadOnlyBufferException if {@code output} is read-only
   * @throws IllegalStateException if the session is closed
   */
  public void run(FloatBuffer input, int batch, FloatBuffer output) {
    requireFeedForward();
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(output, "output");
    requireBatch(batch);
    if (input.limit() < (long) batch * inputs || output.limit() < (long) batch * outputs) {
      throw new IllegalArgumentException("buffers hold " + input.limit() + " inputs and "
          + output.limit() + " outputs (up to their limits), expected " + (long) batch * inputs
          + " and " + (long) batch * outputs + " for batch " + batch);
    }
    if (output.isReadOnly()) {
      throw new java.nio.ReadOnlyBufferException();
    }
    enter();
    try {
      Scratch s = scratch(batch);
      int in = batch * inputs;
      if (selectedFeatures == null) {
        staging(s, batch).putFloats(0, input, 0, in);
        toFeatureMajor(s, batch);
      } else {
        input.get(0, s.heapIn(in), 0, in);
        load(s, s.heapIn, batch);
      }
      rowMajor(s, forward(s, batch), batch).getFloats(0, output, 0, batch * outputs);
    } finally {
      exit();
    }
  }

  /**
   * Runs {@code batch} sequences of {@code steps} steps each.
   *
   * @param input {@code batch * steps * inputs()} values, row-major {@code [batch][steps][inputs]}
   * @return a new array of {@code batch * outputs()} values, row-major
   * @throws IllegalArgumentException if the network reads no sequences, {@code batch} or
   *     {@code steps} is less than 1, or the input's length is not their product with the
   *     features
   * @throws IllegalStateException if the session is closed
   */
  public float[] runSequences(float[] input, int batch, int steps) {
    float[] output = new float[Math.multiplyExact(Math.max(batch, 0), outputs)];
    runSequences(input, batch, steps, output);
    return output;
  }

  /**
   * Runs {@code batch} sequences of {@code steps} steps each into the caller's array,
   * {@code output[b * outputs() + o]}.
   *
   * @param input {@code batch * steps * inputs()} values, row-major {@code [batch][steps][inputs]}
   * @throws IllegalArgumentException if the network reads no sequences, {@code batch} or
   *     {@code steps} is less than 1, or an array's length does not fit them
   * @throws IllegalStateException if the session is closed
   */
  public void runSequences(float[] input, int batch, int steps, float[] output) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(output, "output");
    if (front == null) {
      throw new IllegalArgumentException("this network is feed-forward and reads no sequences;"
          + " use run");
    }
    requireBatch(batch);
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    }
    requireLength("input", input.length, (long) batch * steps * inputs);
    requireLength("output", output.length, (long) batch * outputs);
    enter();
    try {
      Scratch s = scratch(batch);
      front.run(input, batch, steps, s.in);
      rowMajor(s, forward(s, batch), batch).getFloats(0, output, 0, batch * outputs);
    } finally {
      exit();
    }
  }

  private void requireFeedForward() {
    if (front != null) {
      throw new IllegalArgumentException("this network reads sequences; use runSequences");
    }
  }

  /**
   * Puts {@code batch} row-major inputs into the scratch input buffer, feature-major, keeping
   * only the selected features when the network has a selection.
   */
  private void load(Scratch s, float[] input, int batch) {
    if (selectedFeatures == null) {
      staging(s, batch).putFloats(0, input, 0, batch * inputs);
      toFeatureMajor(s, batch);
      return;
    }
    float[] gathered = s.heap;
    for (int c = 0; c < modelInputs; c++) {
      int feature = selectedFeatures[c];
      for (int b = 0; b < batch; b++) {
        gathered[c * batch + b] = input[b * inputs + feature];
      }
    }
    s.in.putFloats(0, gathered, 0, batch * modelInputs);
  }

  /** Every layer, ping-ponging between the scratch buffers; returns the one holding the result. */
  private AlignedBuffer forward(Scratch s, int batch) {
    List<LinearOp> ops = batch == 1 ? singleOps : batchedOps;
    AlignedBuffer x = s.in;
    AlignedBuffer y = s.a;
    for (LinearOp op : ops) {
      s.ranges.run(op, x, batch, y);
      x = y;
      y = (y == s.a) ? s.b : s.a;
    }
    if (softmax) {
      raw.softmax(outputs, batch, x, x);
    }
    return x;
  }

  /**
   * Where a row-major input batch is copied first: the input buffer itself for one sample
   * (the layouts agree), else a layer buffer, free before the forward pass.
   */
  private static AlignedBuffer staging(Scratch s, int batch) {
    return batch == 1 ? s.in : s.a;
  }

  /** Moves the batch staged by {@link #staging} into the input buffer, feature-major. */
  private void toFeatureMajor(Scratch s, int batch) {
    if (batch > 1) {
      raw.transpose(batch, inputs, s.a, s.in);
    }
  }

  /**
   * The forward pass's result row-major: itself for one sample, else transposed into the
   * layer buffer that does not hold it (free once the pass is done).
   */
  private AlignedBuffer rowMajor(Scratch s, AlignedBuffer result, int batch) {
    if (batch == 1) {
      return result;
    }
    AlignedBuffer spare = result == s.a ? s.b : s.a;
    raw.transpose(outputs, batch, result, spare);
    return spare;
  }

  private void enter() {
    inFlight.incrementAndGet();
    if (closed) {
      inFlight.decrementAndGet();
      throw new IllegalStateException("Session is closed");
    }
  }

  private void exit() {
    inFlight.decrementAndGet();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("Session is closed");
    }
  }

  /** This thread's scratch, grown to hold {@code batch} columns. */
  private Scratch scratch(int batch) {
    Scratch s = scratch.get();
    if (s == null || s.capacity < batch) {
      if (s != null) {
        allScratch.remove(s);
        s.close();
      }
      int capacity = s == null ? batch : Math.max(batch, 2 * s.capacity);
      if ((long) widest * capacity > MAX_SCRATCH_FLOATS) {
        // Doubling may overshoot what fits; the batch itself is what must fit.
        capacity = batch;
      }
      if ((long) widest * capacity > MAX_SCRATCH_FLOATS) {
        throw new IllegalArgumentException("batch " + batch + " of rows up to " + widest
            + " values wide needs " + (long) widest * capacity + " floats of scratch per"
            + " layer, more than one array holds (" + MAX_SCRATCH_FLOATS + "); run it in"
            + " smaller batches");
      }
      s = new Scratch(modelInputs, widest, capacity, threads, executor);
      allScratch.add(s);
      scratch.set(s);
    }
    return s;
  }

  private static void requireBatch(int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
  }

  private static void requireLength(String what, long actual, long expected) {
    if (actual != expected) {
      throw new IllegalArgumentException(
          what + " has length " + actual + ", expected " + expected);
    }
  }

  /**
   * Frees the layers and every thread's scratch, after waiting for runs in flight; runs that
   * start later throw {@link IllegalStateException}. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (int spin = 0; inFlight.get() != 0; spin++) {
      if (spin < CLOSE_SPINS) {
        Thread.onSpinWait();
      } else {
        LockSupport.parkNanos(100_000);
      }
    }
    singleOps.forEach(LinearOp::close);
    batchedOps.forEach(LinearOp::close);
    if (front != null) {
      front.close();
    }
    Scratch s;
    while ((s = allScratch.poll()) != null) {
      s.close();
    }
    if (ownedPool != null) {
      ownedPool.close();
    }
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  @Override
  public String toString() {
    return "Session[" + inputs + " -> " + outputs + ", " + plan.layers().size() + " layers, "
        + kernels.name() + ", " + threads + " thread(s)" + (closed ? ", closed" : "") + "]";
  }

  /** One thread's buffers: feature-major input, two layer buffers, heap staging, fork state. */
  private static final class Scratch implements AutoCloseable {
    final int capacity;
    final AlignedBuffer in;
    final AlignedBuffer a;
    final AlignedBuffer b;
    final float[] heap;
    float[] heapIn;
    final ParallelRanges ranges;

    Scratch(int inputs, int widest, int capacity, int threads, Executor executor) {
      this.capacity = capacity;
      this.in = AlignedBuffer.allocateFloats((long) inputs * capacity);
      this.a = AlignedBuffer.allocateFloats((long) widest * capacity);
      this.b = AlignedBuffer.allocateFloats((long) widest * capacity);
      this.heap = new float[widest * capacity];
      this.heapIn = new float[0];
      this.ranges = new ParallelRanges(executor, threads);
    }

    float[] heapIn(int length) {
      if (heapIn.length < length) {
        heapIn = new float[Math.max(length, heap.length)];
      }
      return heapIn;
    }

    @Override
    public void close() {
      in.close();
      a.close();
      b.close();
    }
  }
}
