package org.sparsenn.engine;

import java.nio.FloatBuffer;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.Epilogue;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.kernel.internal.RawKernels;
import org.sparsenn.sparse.RowPartition;
import org.sparsenn.sparse.WeightMatrix;

/**
 * One fully connected layer ready to run, {@code y = f(W x + bias)}: the weights in the storage
 * its {@link LayerMethod} needs, the kernels, and the row ranges that threads share.
 *
 * <p>This is the validating facade over the kernels ({@link RawKernels}): every run checks
 * buffer sizes and the batch, then hands row ranges to the kernels, which trust their
 * arguments. The op owns the weight storage and the bias it built ({@link #close()} frees
 * them); it is thread-safe for concurrent runs with distinct outputs, but must not be closed
 * while a run is in flight.
 */
public final class LinearOp implements AutoCloseable {
  // Of a layer's work, the share in one large chunk per thread; the rest is one small chunk per
  // thread, claimed by whoever is done first (see chunkCuts).
  private static final double FIRST_CHUNKS_SHARE = 0.8;

  private final LayerMethod method;
  private final Kernels kernels;
  private final RawKernels raw;
  private final int rows;
  private final int cols;
  private final WeightMatrix weights;
  private final AlignedBuffer bias;
  private final Epilogue epilogue;
  private final RowPartition partition;
  private final int threads;
  private final Executor executor;
  // False when the matrix is borrowed (e.g. mapped from a file): close() leaves it alone.
  private final boolean ownsWeights;
  private volatile boolean closed;

  private LinearOp(LayerMethod method, Kernels kernels, WeightMatrix weights, AlignedBuffer bias,
      Epilogue epilogue, int threads, Executor executor, boolean ownsWeights) {
    this.method = method;
    this.kernels = kernels;
    this.raw = RawKernels.of(kernels);
    this.rows = weights.rows();
    this.cols = weights.cols();
    this.weights = weights;
    this.bias = bias;
    this.epilogue = epilogue;
    this.partition = method.partition(weights, chunkCuts(threads));
    this.threads = threads;
    this.executor = executor;
    this.ownsWeights = ownsWeights;
  }

  /**
   * Where a layer's row ranges ("chunks") end, as fractions of its work: one large chunk per
   * thread, then one small one per thread. Threads claim chunks one at a time (see
   * {@link ParallelRanges}), so when all run at speed each does one large and one small chunk,
   * and when one starts late or is slowed the others take the small chunks (and, if it never
   * starts, its large one). Smaller chunks would balance finer but cost speed: each is a kernel
   * call that reloads its slice of the input, and the rounding of small ranges to whole
   * panels made four equal chunks per thread 10-35% slower than one on the mlp's layers (a
   * development probe, not JMH).
   */
  static double[] chunkCuts(int threads) {
    if (threads == 1) {
      return new double[] {1.0};
    }
    double[] cuts = new double[2 * threads];
    for (int i = 0; i < threads; i++) {
      cuts[i] = FIRST_CHUNKS_SHARE * (i + 1) / threads;
      cuts[threads + i] = FIRST_CHUNKS_SHARE + (1 - FIRST_CHUNKS_SHARE) * (i + 1) / threads;
    }
    cuts[cuts.length - 1] = 1.0;
    return cuts;
  }

  /**
   * Builds a layer from dense row-major weights, in the storage of {@code method}: as given,
   * packed, or the nonzero weights as CSR.
   *
   * @param weights {@code rows * cols} weights, row-major ({@code [out][in]})
   * @param bias {@code rows} biases, or null
   * @param threads how many row ranges to run in parallel (1 runs on the caller's thread)
   * @param executor where ranges other than the caller's run; may be null when threads is 1
   * @throws IllegalArgumentException on inconsistent sizes, {@code threads} outside
   *     [1, 32767], or a method that does not {@link LayerMethod#fits fit} {@code cols}
   * @throws NullPointerException if a required argument is null
   */
  public static LinearOp create(float[] weights, int rows, int cols, float[] bias,
      Epilogue epilogue, LayerMethod method, Kernels kernels, int threads, Executor executor) {
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(epilogue, "epilogue");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(kernels, "kernels");
    checkThreads(threads, executor);
    if (bias != null && bias.length != rows) {
      throw new IllegalArgumentException(
          "bias has " + bias.length + " entries, expected rows = " + rows);
    }
    if (!method.fits(cols)) {
      throw new IllegalArgumentException("a layer of " + cols + " inputs cannot be "
          + method.label() + ": " + method.limitDescription());
    }
    WeightMatrix matrix = null;
    AlignedBuffer biasBuffer = null;
    try {
      matrix = method.build(weights, rows, cols);
      biasBuffer = bias == null ? null : AlignedBuffer.copyOf(bias).seal();
      return new LinearOp(method, kernels, matrix, biasBuffer, epilogue, threads, executor,
          true);
    } catch (RuntimeException | Error e) {
      if (matrix != null) {
        matrix.close();
      }
      if (biasBuffer != null) {
        biasBuffer.close();
      }
      throw e;
    }
  }

  /**
   * A layer over an existing matrix that it does not own (e.g. CSR arrays mapped from a file):
   * no copy and no re-encoding. The method is the one that runs the matrix as it is (for CSR,
   * by its index width). The matrix must stay open while the op is used; {@link #close()}
   * frees only the bias.
   *
   * @param bias {@code matrix.rows()} biases, or null
   * @throws IllegalArgumentException on inconsistent sizes, {@code threads} outside [1, 32767],
   *     or a matrix no method runs as it is
   * @throws IllegalStateException if the matrix is closed
   */
  public static LinearOp borrow(WeightMatrix matrix, float[] bias, Epilogue epilogue,
      Kernels kernels, int threads, Executor executor) {
    Objects.requireNonNull(matrix, "matrix");
    Objects.requireNonNull(epilogue, "epilogue");
    Objects.requireNonNull(kernels, "kernels");
    if (matrix.isClosed()) {
      throw new IllegalStateException("the borrowed matrix is closed");
    }
    checkThreads(threads, executor);
    if (bias != null && bias.length != matrix.rows()) {
      throw new IllegalArgumentException(
          "bias has " + bias.length + " entries, expected rows = " + matrix.rows());
    }
    LayerMethod method = LayerMethod.runningAsIs(matrix);
    AlignedBuffer biasBuffer = bias == null ? null : AlignedBuffer.copyOf(bias).seal();
    return new LinearOp(method, kernels, matrix, biasBuffer, epilogue, threads, executor, false);
  }

  /** Output size. */
  public int rows() {
    return rows;
  }

  /** Input size. */
  public int cols() {
    return cols;
  }

  /** How the layer is stored and computed. */
  public LayerMethod method() {
    return method;
  }

  /** The kernels it calls. */
  public Kernels kernels() {
    return kernels;
  }

  /** Stored nonzeros (all weights for the dense methods). */
  public long storedWeights() {
    return weights.storedWeights();
  }

  /** Bytes of weight storage one pass reads. */
  public long weightBytes() {
    return weights.storageBytes();
  }

  /**
   * Batch 1 on off-heap vectors, the zero-copy path: {@code y = f(W x + bias)}.
   *
   * @throws IllegalArgumentException if {@code x} holds fewer than {@code cols} or {@code y}
   *     fewer than {@code rows} floats
   * @throws IllegalStateException if this op or a buffer is closed
   */
  public void run(AlignedBuffer x, AlignedBuffer y) {
    run(x, 1, y);
  }

  /**
   * A batch on off-heap feature-major buffers: {@code x[c * batch + b]}, {@code y[r * batch + b]}.
   *
   * @throws IllegalArgumentException if {@code batch < 1}, a buffer is too small, the output is
   *     sealed, or input and output are the same buffer
   * @throws IllegalStateException if this op or a buffer is closed
   */
  public void run(AlignedBuffer x, int batch, AlignedBuffer y) {
    checkOpen();
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    requireFloats("input", x, (long) cols * batch);
    requireFloats("output", y, (long) rows * batch);
    if (x == y) {
      throw new IllegalArgumentException("input and output must be different buffers");
    }
    if (y.isSealed()) {
      throw new IllegalArgumentException("output buffer is sealed (read-only)");
    }
    if (partition.parts() == 1) {
      runRange(0, x, batch, y);
      return;
    }
    // Small layers run every range here; ParallelRanges decides (MIN_PARALLEL_WORK).
    ranges().run(this, x, batch, y);
  }

  /**
   * Batch 1 on heap arrays: copies through per-thread off-heap scratch.
   *
   * @throws IllegalArgumentException if {@code x.length != cols} or {@code y.length != rows}
   */
  public void run(float[] x, float[] y) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    requireLength("input", x.length, cols);
    requireLength("output", y.length, rows);
    Scratch scratch = scratch();
    scratch.in.putFloats(0, x);
    run(scratch.in, scratch.out);
    scratch.out.getFloats(0, y);
  }

  /**
   * Batch 1 on NIO buffers (heap or direct), read and written from index 0 of each up to
   * their limits, positions untouched: copies through per-thread off-heap scratch.
   *
   * @throws IllegalArgumentException if {@code x} has fewer than {@code cols} or {@code y}
   *     fewer than {@code rows} floats below their limits
   * @throws java.nio.ReadOnlyBufferException if {@code y} is read-only
   */
  public void run(FloatBuffer x, FloatBuffer y) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    if (x.limit() < cols || y.limit() < rows) {
      throw new IllegalArgumentException("buffers hold " + x.limit() + " inputs and "
          + y.limit() + " outputs (up to their limits), expected " + cols + " and " + rows);
    }
    Scratch scratch = scratch();
    scratch.in.putFloats(0, x, 0, cols);
    run(scratch.in, scratch.out);
    scratch.out.getFloats(0, y, 0, rows);
  }

  private static void checkThreads(int threads, Executor executor) {
    // two chunks per thread must fit the claim word of ParallelRanges
    if (threads < 1 || threads > ParallelRanges.MAX_CHUNKS / 2) {
      throw new IllegalArgumentException("threads must be in [1, "
          + ParallelRanges.MAX_CHUNKS / 2 + "], got " + threads);
    }
    if (threads > 1) {
      Objects.requireNonNull(executor, "executor is required when threads > 1");
    }
  }

  /**
   * Runs every row range on the calling thread, checking only that the op is open: for timing
   * a kernel (see {@link OpTimer}) with buffers the caller sized.
   */
  void runOnCaller(AlignedBuffer x, int batch, AlignedBuffer y) {
    checkOpen();
    for (int part = 0; part < partition.parts(); part++) {
      runRange(part, x, batch, y);
    }
  }

  /** How many row ranges a run splits into. */
  int parts() {
    return partition.parts();
  }

  /**
   * Runs one row range without checking anything: the caller (this op's {@code run} or a
   * {@link Session}) has validated the buffers and the batch once for the whole call.
   */
  void runPart(int part, AlignedBuffer x, int batch, AlignedBuffer y) {
    runRange(part, x, batch, y);
  }

  private void runRange(int part, AlignedBuffer x, int batch, AlignedBuffer y) {
    int begin = partition.begin(part);
    int end = partition.end(part);
    if (begin == end) {
      return;
    }
    method.runRange(raw, weights, begin, end, x, batch, bias, y, epilogue);
  }

  private static void requireFloats(String what, AlignedBuffer buffer, long needed) {
    if (buffer.floatCapacity() < needed) {
      throw new IllegalArgumentException(what + " buffer holds " + buffer.floatCapacity()
          + " floats, expected at least " + needed);
    }
  }

  private static void requireLength(String what, int actual, int expected) {
    if (actual != expected) {
      throw new IllegalArgumentException(
          what + " has length " + actual + ", expected " + expected);
    }
  }

  /** Per-thread input and output vectors for the heap-array forms. */
  private static final class Scratch {
    final AlignedBuffer in;
    final AlignedBuffer out;

    Scratch(int cols, int rows) {
      in = AlignedBuffer.allocateFloats(cols);
      out = AlignedBuffer.allocateFloats(rows);
    }
  }

  // One per calling thread: each call reuses its thread's tasks instead of allocating.
  private final ThreadLocal<ParallelRanges> ranges = new ThreadLocal<>();

  private ParallelRanges ranges() {
    ParallelRanges r = ranges.get();
    if (r == null) {
      r = new ParallelRanges(executor, threads);
      ranges.set(r);
    }
    return r;
  }

  // Freed by the buffers' cleaners once the thread or the op is gone.
  private final ThreadLocal<Scratch> scratch = new ThreadLocal<>();

  private Scratch scratch() {
    checkOpen();
    Scratch s = scratch.get();
    if (s == null) {
      s = new Scratch(cols, rows);
      scratch.set(s);
    }
    return s;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("LinearOp is closed");
    }
  }

  /** Frees the weights and bias this op built. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (ownsWeights) {
      weights.close();
    }
    if (bias != null) {
      bias.close();
    }
  }

  @Override
  public String toString() {
    return "LinearOp[" + rows + " x " + cols + ", " + method + ", " + kernels.name() + ", "
        + threads + " thread(s)]";
  }
}
