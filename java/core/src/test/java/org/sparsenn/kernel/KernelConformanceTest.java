package org.sparsenn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparsenn.kernel.internal.RawKernels;
import org.sparsenn.sparse.BFloat16;
import org.sparsenn.sparse.Bf16CsrMatrix;
import org.sparsenn.sparse.BlockMatrix;
import org.sparsenn.sparse.CscMatrix;
import org.sparsenn.sparse.CsrMatrix;
import org.sparsenn.sparse.DenseMatrix;
import org.sparsenn.sparse.NmMatrix;
import org.sparsenn.sparse.NmPattern;
import org.sparsenn.sparse.PackedMatrix;
import org.sparsenn.sparse.SellMatrix;

/**
 * Every kernel provider (pure Java, and native at every ISA this CPU runs) against a plain
 * double-precision reference written here, not against JavaKernels, which is itself under test.
 *
 * <p>Tolerance: |got - ref| <= 1e-5 * (sum_k |a_k x_k| + |b|) * L + 1e-6, where ref is the exact
 * (double) activation of the double-accumulated pre-activation and L the activation's Lipschitz
 * bound (1 for identity, ReLU, tanh, sigmoid; max(1, |alpha|) for LeakyReLU; 1.13 for GELU). The
 * relative part covers fp32 accumulation in any order, the 1e-6 the vector approximations of
 * exp, tanh and erf in the native epilogues. Outside the computed row range, and in a padding
 * after the end of y, the output must keep its sentinel bit for bit.
 */
class KernelConformanceTest {
  private static final float SENTINEL = -12345.5f;
  // Floats after the last output that kernels must never write (catches SIMD tail overruns).
  private static final int PAD = 19;

  private static final Epilogue[] ACTIVATIONS = {
    Epilogue.IDENTITY, Epilogue.RELU, Epilogue.leakyRelu(0.01f), Epilogue.leakyRelu(0.2f),
    Epilogue.SIGMOID, Epilogue.TANH, Epilogue.GELU
  };
  private static final Epilogue[] LINEAR_ACTIVATIONS = {Epilogue.IDENTITY, Epilogue.RELU};
  private static final double[] DENSITIES = {0, 0.01, 0.1, 0.5, 1};

  // rows x cols: degenerate shapes, sizes around the SIMD widths (8 and 16 lanes, 16- and
  // 32-element unrolled bodies, 4- and 16-row groups), and realistic layers.
  private static final int[][] SHAPES = {
    {1, 1}, {1, 100}, {100, 1}, {7, 7}, {8, 8}, {9, 9}, {15, 15}, {16, 16}, {17, 17},
    {31, 31}, {32, 32}, {33, 33}, {17, 33}, {33, 17}, {65, 63}, {300, 784}, {1000, 1000},
    {5, 0}, {0, 5}
  };
  private static final int[] BATCHES = {1, 3, 8, 17, 64};

  /** The operations under test; the batch-1 ones ignore the batch. */
  enum Op {
    SPMV_CSR, SPMV_CSR16, SPMM_CSR, SPMM_CSR16, GEMV, GEMV_BLAS, GEMM, GEMM_BLAS,
    /** The packed kernel at batch 1 (one kernel serves every batch). */
    GEMV_PACKED,
    GEMM_PACKED,
    /** Column panels of CSC_TEST_PANEL_ROWS rows (several panels, ranges cutting them). */
    SPMV_CSC16,
    SPMM_CSC16,
    /** uint16 indices, bf16 values: checked against the reference of the rounded weights. */
    SPMV_CSR16_BF16,
    SPMM_CSR16_BF16,
    /** The 16x1 block-sparse kernels at batch 1 and batched. */
    SPMV_BSR16,
    SPMM_BSR16,
    /** N:M at the sparsest pattern that holds the weights (16:16 for unstructured ones). */
    SPMV_NM,
    SPMM_NM,
    /**
     * Sliced ELL over 64-input windows: its row range counts lanes, so it runs only on ranges
     * aligned to its 512-row groups (its own tests, not the shared sweeps' sub-ranges).
     */
    SPMV_SELL,
    SPMM_SELL;

    boolean batched() {
      return this == SPMM_CSR || this == SPMM_CSR16 || this == GEMM || this == GEMM_BLAS
          || this == GEMM_PACKED || this == SPMM_CSC16 || this == SPMM_CSR16_BF16
          || this == SPMM_BSR16 || this == SPMM_NM || this == SPMM_SELL;
    }

    boolean bf16() {
      return this == SPMV_CSR16_BF16 || this == SPMM_CSR16_BF16;
    }

    boolean blas() {
      return this == GEMV_BLAS || this == GEMM_BLAS;
    }
  }

  private static final Op[] VECTOR_OPS = {
    Op.SPMV_CSR, Op.SPMV_CSR16, Op.GEMV, Op.GEMV_BLAS, Op.GEMV_PACKED, Op.SPMV_CSC16,
    Op.SPMV_CSR16_BF16, Op.SPMV_BSR16, Op.SPMV_NM
  };
  private static final Op[] BATCH_OPS = {
    Op.SPMM_CSR, Op.SPMM_CSR16, Op.GEMM, Op.GEMM_BLAS, Op.GEMM_PACKED, Op.SPMM_CSC16,
    Op.SPMM_CSR16_BF16, Op.SPMM_BSR16, Op.SPMM_NM
  };
  // Panel height of the csc16 ops: off every SIMD width, so most shapes have several panels.
  private static final int CSC_TEST_PANEL_ROWS = 7;

  // --- providers -----------------------------------------------------------------------------

  static Stream<String> providers() {
    return Stream.of("java", "scalar", "avx2", "avx512", "neon");
  }

  static Stream<String> nativeProviders() {
    return Stream.of("scalar", "avx2", "avx512", "neon");
  }

  static Stream<Arguments> providersAndShapes() {
    List<Arguments> out = new ArrayList<>();
    providers().forEach(p -> {
      for (int[] s : SHAPES) {
        out.add(Arguments.of(p, s[0], s[1]));
      }
    });
    return out.stream();
  }

  // The batched sweep leaves out the largest shape (batch 17 on 1000 x 1000 is slow in Java).
  static Stream<Arguments> providersAndBatchShapes() {
    return providersAndShapes().filter(a -> (int) a.get()[1] * (int) a.get()[2] <= 300 * 784);
  }

  static Stream<Arguments> providersAndBatches() {
    List<Arguments> out = new ArrayList<>();
    providers().forEach(p -> {
      for (int b : BATCHES) {
        out.add(Arguments.of(p, b));
      }
    });
    return out.stream();
  }

  /** The provider with this id, or a skipped test when this machine does not have it. */
  static RawKernels kernels(String id) {
    if (id.equals("java")) {
      return JavaKernels.instance();
    }
    Assumptions.assumeTrue(NativeKernels.isLoaded(),
        () -> "native library not loaded: " + NativeKernels.loadFailure());
    Isa isa = Isa.parse(id);
    Assumptions.assumeTrue(NativeKernels.supports(isa), () -> "CPU cannot run " + id);
    return NativeKernels.at(isa);
  }

  // --- reference -----------------------------------------------------------------------------

  /** The exact activation, in double. */
  static double act(Epilogue e, double v) {
    switch (e.function()) {
      case IDENTITY:
        return v;
      case RELU:
        return v < 0 ? 0 : v;
      case LEAKY_RELU:
        return v < 0 ? e.alpha() * v : v;
      case SIGMOID:
        return 1.0 / (1.0 + Math.exp(-v));
      case TANH:
        return Math.tanh(v);
      case GELU:
        return 0.5 * v * (1.0 + erf(v / Math.sqrt(2.0)));
      default:
        throw new AssertionError(e);
    }
  }

  /** erf by its Taylor series (error below 1e-10 for |z| <= 4), +-1 beyond (erfc(4) < 2e-8). */
  static double erf(double z) {
    if (Double.isNaN(z)) {
      return z;
    }
    if (Math.abs(z) > 4) {
      return Math.signum(z);
    }
    double term = z;
    double sum = z;
    for (int n = 1; n < 200; n++) {
      term *= -z * z / n;
      double add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) {
        break;
      }
    }
    return 2.0 / Math.sqrt(Math.PI) * sum;
  }

  static double lipschitz(Epilogue e) {
    if (e.function() == ActivationFunction.GELU) {
      return 1.13;
    }
    return Math.max(1.0, Math.abs(e.alpha()));
  }

  /** A layer's inputs and its double pre-activations W x with sum |w x| per output. */
  static final class Problem {
    final int rows;
    final int cols;
    final int batch;
    final float[] w;
    final float[] x;
    final double[] pre;
    final double[] magnitude;

    Problem(int rows, int cols, int batch, float[] w, float[] x) {
      this.rows = rows;
      this.cols = cols;
      this.batch = batch;
      this.w = w;
      this.x = x;
      pre = new double[rows * batch];
      magnitude = new double[rows * batch];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          double a = w[r * cols + c];
          if (a == 0) {
            continue;
          }
          for (int b = 0; b < batch; b++) {
            double p = a * x[c * batch + b];
            pre[r * batch + b] += p;
            magnitude[r * batch + b] += Math.abs(p);
          }
        }
      }
    }

    String describe() {
      return rows + "x" + cols + " batch " + batch;
    }
  }

  static float[] randomWeights(int rows, int cols, double density, SplittableRandom random,
      double scale) {
    float[] w = new float[rows * cols];
    for (int i = 0; i < w.length; i++) {
      if (density >= 1 || random.nextDouble() < density) {
        float v = (float) ((random.nextDouble() * 2 - 1) * scale);
        w[i] = v == 0f ? 0.25f : v;
      }
    }
    return w;
  }

  static float[] randomVector(int n, SplittableRandom random, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
    }
    return v;
  }

  /** The problem whose reference {@code op} must match: bf16 ops compute with rounded weights. */
  static Problem referenceFor(Op op, Problem p) {
    if (!op.bf16()) {
      return p;
    }
    float[] rounded = p.w.clone();
    for (int i = 0; i < rounded.length; i++) {
      rounded[i] = BFloat16.round(rounded[i]);
    }
    return new Problem(p.rows, p.cols, p.batch, rounded, p.x);
  }

  static Problem randomProblem(int rows, int cols, int batch, double density, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    return new Problem(rows, cols, batch, randomWeights(rows, cols, density, random, 1),
        randomVector(cols * batch, random, 1));
  }

  // --- running one kernel --------------------------------------------------------------------

  /**
   * Runs {@code op} on rows {@code [rowBegin, rowEnd)} into an output pre-filled with the
   * sentinel (rows * batch values, then PAD more), and returns it.
   */
  static float[] run(RawKernels k, Op op, Problem p, float[] bias, Epilogue e, int rowBegin,
      int rowEnd) {
    if (op.blas() && k.isNative()) {
      Assumptions.assumeTrue(NativeKernels.isBlasBound(), "OpenBLAS not bound");
    }
    float[] out = new float[p.rows * p.batch + PAD];
    Arrays.fill(out, SENTINEL);
    try (AlignedBuffer x = AlignedBuffer.copyOf(p.x);
        AlignedBuffer b = bias == null ? null : AlignedBuffer.copyOf(bias);
        AlignedBuffer y = AlignedBuffer.copyOf(out)) {
      switch (op) {
        case SPMV_CSR:
        case SPMV_CSR16:
        case SPMM_CSR:
        case SPMM_CSR16: {
          IndexWidth width = op == Op.SPMV_CSR || op == Op.SPMM_CSR
              ? IndexWidth.INT32 : IndexWidth.UINT16;
          try (CsrMatrix a = CsrMatrix.fromDense(p.w, p.rows, p.cols, 0f, width)) {
            if (op.batched()) {
              k.spmm(a, rowBegin, rowEnd, x, p.batch, b, y, e);
            } else {
              k.spmv(a, rowBegin, rowEnd, x, b, y, e);
            }
          }
          break;
        }
        case SPMV_CSC16:
        case SPMM_CSC16:
          try (CscMatrix a = CscMatrix.fromDense(p.w, p.rows, p.cols, CSC_TEST_PANEL_ROWS)) {
            if (op.batched()) {
              k.spmmCsc(a, rowBegin, rowEnd, x, p.batch, b, y, e);
            } else {
              k.spmvCsc(a, rowBegin, rowEnd, x, b, y, e);
            }
          }
          break;
        case SPMV_CSR16_BF16:
        case SPMM_CSR16_BF16:
          try (Bf16CsrMatrix a = Bf16CsrMatrix.fromDense(p.w, p.rows, p.cols)) {
            if (op.batched()) {
              k.spmm(a, rowBegin, rowEnd, x, p.batch, b, y, e);
            } else {
              k.spmv(a, rowBegin, rowEnd, x, b, y, e);
            }
          }
          break;
        case SPMV_NM:
        case SPMM_NM:
          try (NmMatrix a = NmMatrix.fromDense(p.w, p.rows, p.cols)) {
            if (op.batched()) {
              k.spmmNm(a, rowBegin, rowEnd, x, p.batch, b, y, e);
            } else {
              k.spmvNm(a, rowBegin, rowEnd, x, b, y, e);
            }
          }
          break;
        case SPMV_SELL:
        case SPMM_SELL:
          try (SellMatrix a = SellMatrix.fromDense(p.w, p.rows, p.cols)) {
            if (op.batched()) {
              k.spmmSell(a, rowBegin, rowEnd, x, p.batch, b, y, e);
            } else {
              k.spmvSell(a, rowBegin, rowEnd, x, b, y, e);
            }
          }
          break;
        case GEMV_PACKED:
        case GEMM_PACKED:
          try (PackedMatrix a = PackedMatrix.of(p.w, p.rows, p.cols)) {
            k.gemmPacked(a, rowBegin, rowEnd, x, op == Op.GEMV_PACKED ? 1 : p.batch, b, y, e);
          }
          break;
        case SPMV_BSR16:
        case SPMM_BSR16:
          try (BlockMatrix a = BlockMatrix.of(p.w, p.rows, p.cols)) {
            k.spmmBlock(a, rowBegin, rowEnd, x, op == Op.SPMV_BSR16 ? 1 : p.batch, b, y, e);
          }
          break;
        default:
          try (DenseMatrix a = DenseMatrix.of(p.w, p.rows, p.cols)) {
            if (op == Op.GEMV) {
              k.gemv(a, rowBegin, rowEnd, x, b, y, e);
            } else if (op == Op.GEMV_BLAS) {
              k.gemvBlas(a, rowBegin, rowEnd, x, b, y, e);
            } else if (op == Op.GEMM) {
              k.gemm(a, rowBegin, rowEnd, x, p.batch, b, y, e);
            } else {
              k.gemmBlas(a, rowBegin, rowEnd, x, p.batch, b, y, e);
            }
          }
      }
      y.getFloats(0, out);
    }
    return out;
  }

  /** Checks rows [rowBegin, rowEnd) against the reference and everything else is untouched. */
  static void check(String what, float[] got, Problem p, float[] bias, Epilogue e, int rowBegin,
      int rowEnd) {
    double lip = lipschitz(e);
    for (int r = 0; r < p.rows; r++) {
      for (int b = 0; b < p.batch; b++) {
        int i = r * p.batch + b;
        if (r < rowBegin || r >= rowEnd) {
          if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(SENTINEL)) {
            fail(what + ": row " + r + " sample " + b + " is outside [" + rowBegin + ", "
                + rowEnd + ") but was written: " + got[i]);
          }
          continue;
        }
        double bv = bias == null ? 0 : bias[r];
        double ref = act(e, p.pre[i] + bv);
        double tol = 1e-5 * (p.magnitude[i] + Math.abs(bv)) * lip + 1e-6;
        if (!(Math.abs(got[i] - ref) <= tol)) {
          fail(what + ": row " + r + " sample " + b + ": got " + got[i] + ", expected " + ref
              + " +- " + tol);
        }
      }
    }
    for (int i = p.rows * p.batch; i < got.length; i++) {
      if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(SENTINEL)) {
        fail(what + ": wrote " + got[i] + " at padding index " + i + " past the end of y");
      }
    }
  }

  static void runAndCheck(RawKernels k, Op op, Problem p, float[] bias, Epilogue e, int rowBegin,
      int rowEnd, String context) {
    float[] got = run(k, op, p, bias, e, rowBegin, rowEnd);
    String what = k.name() + " " + op + " " + p.describe() + " " + e + " bias "
        + (bias != null) + " rows [" + rowBegin + ", " + rowEnd + ") " + context;
    check(what, got, referenceFor(op, p), bias, e, rowBegin, rowEnd);
  }

  static float[] randomBias(int rows, long seed) {
    return randomVector(rows, new SplittableRandom(seed), 1);
  }

  // --- shapes x densities --------------------------------------------------------------------

  @ParameterizedTest(name = "{0} {1}x{2}")
  @MethodSource("providersAndShapes")
  void vectorOpsMatchReferenceOnEveryShapeAndDensity(String provider, int rows, int cols) {
    RawKernels k = kernels(provider);
    for (double density : DENSITIES) {
      Problem p = randomProblem(rows, cols, 1, density, 31L * rows + cols);
      float[] bias = randomBias(rows, rows + 7);
      for (Op op : VECTOR_OPS) {
        for (Epilogue e : LINEAR_ACTIVATIONS) {
          runAndCheck(k, op, p, null, e, 0, rows, "density " + density);
          runAndCheck(k, op, p, bias, e, 0, rows, "density " + density);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}x{2}")
  @MethodSource("providersAndBatchShapes")
  void batchedOpsMatchReferenceOnEveryShapeAndDensity(String provider, int rows, int cols) {
    RawKernels k = kernels(provider);
    for (double density : DENSITIES) {
      Problem p = randomProblem(rows, cols, 17, density, 17L * rows + cols);
      float[] bias = randomBias(rows, rows + 3);
      for (Op op : BATCH_OPS) {
        runAndCheck(k, op, p, bias, Epilogue.RELU, 0, rows, "density " + density);
        runAndCheck(k, op, p, null, Epilogue.IDENTITY, 0, rows, "density " + density);
      }
    }
  }

  @ParameterizedTest(name = "{0} batch {1}")
  @MethodSource("providersAndBatches")
  void batchedOpsMatchReferenceOnEveryBatchSize(String provider, int batch) {
    RawKernels k = kernels(provider);
    int[][] shapes = {{1, 1}, {9, 17}, {33, 31}, {64, 200}};
    for (int[] s : shapes) {
      for (double density : new double[] {0.1, 1}) {
        Problem p = randomProblem(s[0], s[1], batch, density, 5L * batch + s[0]);
        float[] bias = randomBias(s[0], batch);
        for (Op op : BATCH_OPS) {
          runAndCheck(k, op, p, bias, Epilogue.IDENTITY, 0, s[0], "density " + density);
          runAndCheck(k, op, p, null, Epilogue.leakyRelu(0.2f), 0, s[0], "density " + density);
        }
      }
    }
  }

  // Batch sizes around the 8-, 16-, 32- and 64-sample register blocks of the SIMD spmm.
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void batchesAroundSimdBlocksMatchReference(String provider) {
    RawKernels k = kernels(provider);
    for (int batch : new int[] {2, 7, 9, 15, 16, 23, 24, 25, 31, 32, 33, 47, 48, 63, 65, 96, 97}) {
      Problem p = randomProblem(19, 21, batch, 0.3, batch);
      float[] bias = randomBias(19, batch + 1);
      for (Op op : BATCH_OPS) {
        runAndCheck(k, op, p, bias, Epilogue.SIGMOID, 0, 19, "");
      }
    }
  }

  // The dense batched kernel at every batch 1..70 (each register tile and masked tail of the
  // SIMD variants) on rows and columns that are not multiples of the tiles, on a row sub-range,
  // and with enough columns that it works in several chunks (partial sums kept in y).
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void gemmMatchesReferenceOnEveryBatchUpTo70AndAcrossColumnChunks(String provider) {
    RawKernels k = kernels(provider);
    for (int batch = 1; batch <= 70; batch++) {
      Problem p = randomProblem(19, 37, batch, 1, 700L + batch);
      float[] bias = randomBias(19, batch);
      runAndCheck(k, Op.GEMM, p, bias, Epilogue.IDENTITY, 0, 19, "");
      runAndCheck(k, Op.GEMM, p, null, Epilogue.leakyRelu(0.2f), 2, 17, "");
    }
    for (int batch : new int[] {8, 17, 64, 70, 130}) {
      Problem p = randomProblem(13, 2100, batch, 0.5, 900L + batch);
      float[] bias = randomBias(13, batch);
      runAndCheck(k, Op.GEMM, p, bias, Epilogue.TANH, 0, 13, "several chunks");
      runAndCheck(k, Op.GEMM, p, bias, Epilogue.RELU, 1, 12, "several chunks");
    }
  }

  // The packed kernel at every batch 1..40 (each register tile: up to 12 samples x 2 panels),
  // on row counts around the 16-row panels and on row ranges that start and end inside a panel,
  // on a panel boundary, and in the last, partly padded panel (the bias ends with the matrix).
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void packedGemmMatchesReferenceOnEveryBatchAndPanelRange(String provider) {
    RawKernels k = kernels(provider);
    int[][] ranges = {{0, 70}, {3, 70}, {16, 48}, {17, 31}, {32, 33}, {64, 70}, {5, 5}};
    for (int batch = 1; batch <= 40; batch++) {
      Problem p = randomProblem(70, 29, batch, 0.7, 1700L + batch);
      float[] bias = randomBias(70, batch);
      for (int[] range : ranges) {
        runAndCheck(k, Op.GEMM_PACKED, p, bias, Epilogue.leakyRelu(0.2f), range[0], range[1],
            "");
      }
    }
    for (int rows : new int[] {1, 15, 16, 17, 31, 32, 33, 63, 64, 65}) {
      Problem p = randomProblem(rows, 40, 13, 1, 1800L + rows);
      runAndCheck(k, Op.GEMM_PACKED, p, randomBias(rows, rows), Epilogue.GELU, 0, rows, "");
    }
  }

  // Transpose moves every element exactly (bit for bit, NaN payloads included) on shapes
  // around the 8- and 16-row gather groups, and writes nothing past the end of dst.
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void transposeMovesEveryElementAndNothingElse(String provider) {
    RawKernels k = kernels(provider);
    int[][] shapes = {{0, 5}, {5, 0}, {1, 1}, {1, 33}, {33, 1}, {7, 9}, {8, 8}, {16, 16},
      {17, 31}, {64, 784}};
    for (int[] shape : shapes) {
      int rows = shape[0];
      int cols = shape[1];
      float[] src = randomVector(rows * cols, new SplittableRandom(rows * 100L + cols), 1);
      if (src.length > 3) {
        src[3] = Float.intBitsToFloat(0x7fc00123);
      }
      float[] out = new float[rows * cols + PAD];
      Arrays.fill(out, SENTINEL);
      try (AlignedBuffer from = AlignedBuffer.copyOf(src);
          AlignedBuffer to = AlignedBuffer.copyOf(out)) {
        k.transpose(rows, cols, from, to);
        to.getFloats(0, out);
      }
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          assertEquals(Float.floatToRawIntBits(src[r * cols + c]),
              Float.floatToRawIntBits(out[c * rows + r]),
              k.name() + " " + rows + " x " + cols + " element (" + r + ", " + c + ")");
        }
      }
      for (int i = rows * cols; i < out.length; i++) {
        assertEquals(Float.floatToRawIntBits(SENTINEL), Float.floatToRawIntBits(out[i]),
            k.name() + " " + rows + " x " + cols + " wrote past the end at " + i);
      }
    }
  }

  // --- activations ---------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void everyActivationMatchesReference(String provider) {
    RawKernels k = kernels(provider);
    int[][] shapes = {{33, 47}, {300, 784}};
    for (int[] s : shapes) {
      SplittableRandom random = new SplittableRandom(s[0]);
      // Inputs spread over [-3, 3] and biases over [-4, 4] so that pre-activations cover the
      // small-|x| branches (tanh below 0.25) and the saturated tails.
      float[] w = randomWeights(s[0], s[1], 0.1, random, 1);
      for (int batch : new int[] {1, 17}) {
        Problem p = new Problem(s[0], s[1], batch, w, randomVector(s[1] * batch, random, 3));
        float[] bias = randomVector(s[0], random, 4);
        for (Epilogue e : ACTIVATIONS) {
          for (Op op : batch == 1 ? VECTOR_OPS : BATCH_OPS) {
            runAndCheck(k, op, p, bias, e, 0, s[0], "");
          }
        }
      }
    }
  }

  // Pre-activations exactly at and around 0, where ReLU/LeakyReLU switch and -0 may appear.
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void activationsAtZeroMatchReference(String provider) {
    RawKernels k = kernels(provider);
    int rows = 18;
    float[] w = new float[rows * 2];
    for (int r = 0; r < rows; r++) {
      w[r * 2] = 1f;
      w[r * 2 + 1] = 1f;
    }
    float[] x = {1f, -1f};
    float[] bias = new float[rows];
    for (int r = 0; r < rows; r++) {
      bias[r] = (r - rows / 2) * 1e-3f;
    }
    Problem p = new Problem(rows, 2, 1, w, x);
    for (Epilogue e : ACTIVATIONS) {
      for (Op op : VECTOR_OPS) {
        runAndCheck(k, op, p, bias, e, 0, rows, "");
        runAndCheck(k, op, p, null, e, 0, rows, "");
      }
    }
  }

  // --- row ranges, empty rows, index widths ---------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void rowSubRangeLeavesOtherRowsAtSentinel(String provider) {
    RawKernels k = kernels(provider);
    int[][] shapes = {{5, 5}, {17, 33}, {40, 9}, {300, 784}};
    for (int[] s : shapes) {
      int begin = 3;
      int end = s[0] - 2;
      for (int batch : new int[] {1, 17}) {
        Problem p = randomProblem(s[0], s[1], batch, 0.2, s[0] + batch);
        float[] bias = randomBias(s[0], s[1]);
        for (Op op : batch == 1 ? VECTOR_OPS : BATCH_OPS) {
          runAndCheck(k, op, p, bias, Epilogue.TANH, begin, end, "");
          runAndCheck(k, op, p, null, Epilogue.IDENTITY, begin, end, "");
          // An empty range writes nothing at all.
          runAndCheck(k, op, p, bias, Epilogue.IDENTITY, begin, begin, "empty range");
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void emptyRowsGiveActivatedBias(String provider) {
    RawKernels k = kernels(provider);
    int rows = 40;
    int cols = 35;
    Problem base = randomProblem(rows, cols, 1, 0.5, 99);
    float[] w = base.w.clone();
    // Empty rows at the start, the end, alone, and as a run across a whole 16-row group.
    int[] empty = {0, 1, 5, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 39};
    for (int r : empty) {
      Arrays.fill(w, r * cols, (r + 1) * cols, 0f);
    }
    float[] bias = randomBias(rows, 5);
    for (int batch : new int[] {1, 3, 17}) {
      Problem p = new Problem(rows, cols, batch, w, randomVector(cols * batch,
          new SplittableRandom(batch), 1));
      for (Epilogue e : new Epilogue[] {Epilogue.SIGMOID, Epilogue.leakyRelu(0.2f)}) {
        for (Op op : batch == 1 ? VECTOR_OPS : BATCH_OPS) {
          float[] got = run(k, op, p, bias, e, 0, rows);
          check(k.name() + " " + op + " batch " + batch + " " + e, got, referenceFor(op, p), bias,
              e, 0, rows);
          for (int r : empty) {
            for (int b = 0; b < batch; b++) {
              assertEquals(act(e, bias[r]), got[r * batch + b], 1e-6,
                  k.name() + " " + op + " empty row " + r + " sample " + b);
            }
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void allEmptyMatrixWithoutBiasGivesActivatedZero(String provider) {
    RawKernels k = kernels(provider);
    for (int batch : new int[] {1, 17}) {
      Problem p = randomProblem(33, 20, batch, 0, batch);
      for (Op op : batch == 1 ? VECTOR_OPS : BATCH_OPS) {
        float[] got = run(k, op, p, null, Epilogue.SIGMOID, 0, 33);
        for (int i = 0; i < 33 * batch; i++) {
          assertEquals(0.5f, got[i], 1e-6f, k.name() + " " + op + " index " + i);
        }
      }
    }
  }

  // uint16 indices at and above 32768 must be read unsigned (sign extension would read x at a
  // negative offset); column 65535 is the last one a 65,536-column matrix has.
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void uint16IndicesAboveSignBitAreReadUnsigned(String provider) {
    RawKernels k = kernels(provider);
    int cols = 1 << 16;
    int[] used = {0, 1, 32767, 32768, 32769, 40000, 65534, 65535};
    int rows = 3;
    float[] w = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < used.length; i++) {
        if ((i + r) % 3 != 0 || r == 0) {
          w[r * cols + used[i]] = 1f + i + r;
        }
      }
    }
    for (int batch : new int[] {1, 3, 17}) {
      float[] x = new float[cols * batch];
      for (int i = 0; i < x.length; i++) {
        x[i] = (i % 1000) * 0.001f + 0.5f;
      }
      Problem p = new Problem(rows, cols, batch, w, x);
      float[] bias = {0.5f, -1f, 2f};
      for (Op op : batch == 1 ? new Op[] {Op.SPMV_CSR16, Op.SPMV_CSR}
          : new Op[] {Op.SPMM_CSR16, Op.SPMM_CSR}) {
        runAndCheck(k, op, p, bias, Epilogue.IDENTITY, 0, rows, "");
      }
    }
  }

  // One row of every length 0..70 (random columns), so that every split between unrolled
  // body, 8/16-wide steps and masked tail occurs in each kernel; and dense rows of every width.
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void everyRowLengthUpTo70MatchesReference(String provider) {
    RawKernels k = kernels(provider);
    int rows = 71;
    int cols = 300;
    SplittableRandom random = new SplittableRandom(70);
    float[] w = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      int placed = 0;
      while (placed < r) {
        int c = random.nextInt(cols);
        if (w[r * cols + c] == 0f) {
          w[r * cols + c] = (float) (random.nextDouble() + 0.05) * (random.nextBoolean() ? 1 : -1);
          placed++;
        }
      }
    }
    float[] bias = randomBias(rows, 71);
    for (int batch : new int[] {1, 3, 17, 33}) {
      Problem p = new Problem(rows, cols, batch, w, randomVector(cols * batch, random, 1));
      for (Op op : batch == 1 ? new Op[] {Op.SPMV_CSR, Op.SPMV_CSR16, Op.SPMV_CSR16_BF16}
          : new Op[] {Op.SPMM_CSR, Op.SPMM_CSR16, Op.SPMM_CSR16_BF16}) {
        runAndCheck(k, op, p, bias, Epilogue.IDENTITY, 0, rows, "");
        runAndCheck(k, op, p, null, Epilogue.GELU, 0, rows, "");
      }
    }
    for (int c = 1; c <= 70; c++) {
      Problem p = randomProblem(6, c, 1, 1, c);
      for (Op op : new Op[] {Op.GEMV, Op.GEMV_BLAS}) {
        runAndCheck(k, op, p, bias, Epilogue.IDENTITY, 0, 6, "");
      }
      Problem q = randomProblem(6, c, 5, 1, c);
      runAndCheck(k, Op.GEMM_BLAS, q, bias, Epilogue.IDENTITY, 0, 6, "");
      runAndCheck(k, Op.GEMM, q, bias, Epilogue.IDENTITY, 0, 6, "");
      Problem g = randomProblem(11, c, 9 + c % 17, 1, c);
      runAndCheck(k, Op.GEMM, g, bias, Epilogue.IDENTITY, 0, 11, "");
    }
  }

  // int32 indices well past 65,536 (and the last column) address x correctly.
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void int32IndicesBeyond16BitsAddressTheRightInput(String provider) {
    RawKernels k = kernels(provider);
    int cols = 200_000;
    int[] used = {0, 65535, 65536, 131071, 150000, 199998, 199999};
    float[] w = new float[2 * cols];
    for (int i = 0; i < used.length; i++) {
      w[used[i]] = 1f + i;
      if (i % 2 == 0) {
        w[cols + used[i]] = -1f - i;
      }
    }
    for (int batch : new int[] {1, 3}) {
      float[] x = new float[cols * batch];
      for (int i = 0; i < x.length; i++) {
        x[i] = (i % 977) * 0.001f;
      }
      Problem p = new Problem(2, cols, batch, w, x);
      runAndCheck(k, batch == 1 ? Op.SPMV_CSR : Op.SPMM_CSR, p, null, Epilogue.IDENTITY, 0, 2,
          "");
    }
  }

  // Explicit zeros in the pattern (kept by a mask) are multiplied like any other entry.
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void explicitZerosInPatternAreHarmless(String provider) {
    RawKernels k = kernels(provider);
    int rows = 20;
    int cols = 37;
    Problem p = randomProblem(rows, cols, 1, 0.3, 4);
    boolean[] mask = new boolean[rows * cols];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = p.w[i] != 0f || i % 3 == 0;
    }
    float[] bias = randomBias(rows, 8);
    for (IndexWidth width : IndexWidth.values()) {
      try (CsrMatrix a = CsrMatrix.fromDense(p.w, mask, rows, cols, width);
          AlignedBuffer x = AlignedBuffer.copyOf(p.x);
          AlignedBuffer b = AlignedBuffer.copyOf(bias);
          AlignedBuffer y = AlignedBuffer.allocateFloats(rows)) {
        assertTrue(a.nnz() > Arrays.stream(toDouble(p.w)).filter(v -> v != 0).count());
        k.spmv(a, 0, rows, x, b, y, Epilogue.IDENTITY);
        float[] got = new float[rows + PAD];
        Arrays.fill(got, SENTINEL);
        y.getFloats(0, got, 0, rows);
        check(k.name() + " " + width, got, p, bias, Epilogue.IDENTITY, 0, rows);
      }
    }
  }

  private static double[] toDouble(float[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  // --- softmax -------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void softmaxMatchesReference(String provider) {
    RawKernels k = kernels(provider);
    int[][] cases = {{1, 1}, {1, 5}, {7, 1}, {16, 3}, {17, 17}, {100, 8}, {1000, 3}};
    for (int[] c : cases) {
      int features = c[0];
      int batch = c[1];
      SplittableRandom random = new SplittableRandom(features * 31L + batch);
      for (double offset : new double[] {0, 500, -500}) {
        float[] in = new float[features * batch];
        for (int i = 0; i < in.length; i++) {
          // Large offsets overflow exp unless the column maximum is subtracted first.
          in[i] = (float) (offset + (random.nextDouble() * 2 - 1) * 10);
        }
        for (boolean inPlace : new boolean[] {false, true}) {
          float[] got = softmax(k, features, batch, in, inPlace);
          String what = k.name() + " softmax " + features + "x" + batch + " offset " + offset
              + (inPlace ? " in place" : "");
          checkSoftmax(what, in, got, features, batch);
        }
      }
    }
  }

  // Per column: a NaN makes the whole column NaN; all -Inf is NaN too (-inf - -inf), as the
  // native reference documents; the other columns of the batch are unaffected. Empty shapes
  // write nothing.
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void softmaxSpecialColumnsStayInTheirColumn(String provider) {
    RawKernels k = kernels(provider);
    int features = 19;
    int batch = 4;
    float[] in = new float[features * batch];
    SplittableRandom random = new SplittableRandom(19);
    for (int i = 0; i < in.length; i++) {
      in[i] = (float) random.nextDouble();
    }
    in[7 * batch + 1] = Float.NaN;
    for (int f = 0; f < features; f++) {
      in[f * batch + 2] = Float.NEGATIVE_INFINITY;
    }
    in[3 * batch + 3] = Float.NEGATIVE_INFINITY;
    float[] got = softmax(k, features, batch, in, false);
    for (int f = 0; f < features; f++) {
      assertTrue(Float.isNaN(got[f * batch + 1]), k.name() + " NaN column, feature " + f);
      assertTrue(Float.isNaN(got[f * batch + 2]), k.name() + " -Inf column, feature " + f);
    }
    assertEquals(0f, got[3 * batch + 3], k.name() + ": exp(-inf) is 0");
    float[] finite = new float[features * 2];
    for (int f = 0; f < features; f++) {
      finite[f * 2] = in[f * batch];
      finite[f * 2 + 1] = in[f * batch + 3];
    }
    float[] check = new float[features * 2 + PAD];
    Arrays.fill(check, SENTINEL);
    for (int f = 0; f < features; f++) {
      check[f * 2] = got[f * batch];
      check[f * 2 + 1] = got[f * batch + 3];
    }
    checkSoftmax(k.name() + " finite columns", finite, check, features, 2);

    float[] untouched = {SENTINEL, SENTINEL, SENTINEL, SENTINEL};
    try (AlignedBuffer x = AlignedBuffer.copyOf(untouched);
        AlignedBuffer y = AlignedBuffer.copyOf(untouched)) {
      k.softmax(0, 4, x, y);
      k.softmax(4, 0, x, y);
      float[] out = new float[4];
      y.getFloats(0, out);
      assertArrayEquals(untouched, out, k.name() + ": empty softmax wrote");
    }
  }

  static float[] softmax(RawKernels k, int features, int batch, float[] in, boolean inPlace) {
    float[] out = new float[features * batch + PAD];
    Arrays.fill(out, SENTINEL);
    try (AlignedBuffer x = AlignedBuffer.copyOf(inPlace ? pad(in) : in);
        AlignedBuffer y = inPlace ? null : AlignedBuffer.copyOf(out)) {
      k.softmax(features, batch, x, inPlace ? x : y);
      (inPlace ? x : y).getFloats(0, out);
    }
    return out;
  }

  private static float[] pad(float[] in) {
    float[] out = Arrays.copyOf(in, in.length + PAD);
    Arrays.fill(out, in.length, out.length, SENTINEL);
    return out;
  }

  // Tolerance: 1e-5 relative plus the worst-case fp32 summation bound (features * 2^-24)
  // relative, plus 1e-7 absolute for the tiny probabilities.
  static void checkSoftmax(String what, float[] in, float[] got, int features, int batch) {
    for (int b = 0; b < batch; b++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int f = 0; f < features; f++) {
        max = Math.max(max, in[f * batch + b]);
      }
      double sum = 0;
      for (int f = 0; f < features; f++) {
        sum += Math.exp(in[f * batch + b] - max);
      }
      double total = 0;
      for (int f = 0; f < features; f++) {
        double ref = Math.exp(in[f * batch + b] - max) / sum;
        double tol = ref * (1e-5 + features * 6e-8) + 1e-7;
        float v = got[f * batch + b];
        if (!(Math.abs(v - ref) <= tol)) {
          fail(what + ": feature " + f + " sample " + b + ": got " + v + ", expected " + ref);
        }
        total += v;
      }
      assertEquals(1.0, total, 1e-5 + features * 1.2e-7, what + ": column " + b + " sum");
    }
    for (int i = features * batch; i < got.length; i++) {
      assertEquals(Float.floatToRawIntBits(SENTINEL), Float.floatToRawIntBits(got[i]),
          what + ": wrote past the end at " + i);
    }
  }

  // --- N:M ---------------------------------------------------------------------------------------

  /**
   * Weights pruned to {@code n:m} along the inputs: each group (the last one ragged when m does
   * not divide cols) keeps up to n nonzeros at random places, mostly exactly n; every seventh
   * row is empty.
   */
  static float[] nmWeights(int rows, int cols, int n, int m, SplittableRandom random) {
    float[] w = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      if (r % 7 == 3) {
        continue;
      }
      for (int g = 0; g < cols; g += m) {
        int width = Math.min(m, cols - g);
        int keep = Math.min(width, random.nextDouble() < 0.8 ? n : random.nextInt(n + 1));
        for (int kept = 0; kept < keep; ) {
          int c = g + random.nextInt(width);
          if (w[r * cols + c] == 0f) {
            float v = (float) (random.nextDouble() * 2 - 1);
            w[r * cols + c] = v == 0f ? 0.25f : v;
            kept++;
          }
        }
      }
    }
    return w;
  }

  // Every pattern the layout stores (each window width of the SIMD kernels: 16 to 256 inputs)
  // on shapes with rows off the 4-, 8- and 16-row groups and columns off the group and window
  // widths (a ragged last group), at batch 1 and around the SIMD batch chunks, on row ranges.
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void nmKernelsMatchReferenceOnEveryPatternAndShape(String provider) {
    RawKernels k = kernels(provider);
    int[][] patterns = {{2, 4}, {1, 4}, {2, 8}, {4, 8}, {1, 8}, {2, 16}, {1, 16}, {8, 16},
      {16, 16}};
    int[][] shapes = {{1, 1}, {1, 3}, {3, 5}, {17, 33}, {37, 100}, {9, 129}, {20, 784}};
    long seed = 4100;
    for (int[] pattern : patterns) {
      for (int[] shape : shapes) {
        int rows = shape[0];
        int cols = shape[1];
        SplittableRandom random = new SplittableRandom(seed++);
        float[] w = nmWeights(rows, cols, pattern[0], pattern[1], random);
        NmPattern expected = new NmPattern(pattern[0], pattern[1]);
        assertTrue(expected.holds(w, rows, cols), expected + " " + rows + "x" + cols);
        for (int batch : new int[] {1, 3, 16, 17}) {
          Problem p = new Problem(rows, cols, batch, w, randomVector(cols * batch, random, 1));
          float[] bias = randomBias(rows, seed);
          String context = "pattern " + expected;
          Op op = batch == 1 ? Op.SPMV_NM : Op.SPMM_NM;
          runAndCheck(k, op, p, bias, Epilogue.leakyRelu(0.2f), 0, rows, context);
          runAndCheck(k, op, p, null, Epilogue.GELU, rows / 3, rows - rows / 4, context);
          if (batch == 1) {
            runAndCheck(k, Op.SPMM_NM, p, bias, Epilogue.RELU, 0, rows, context + " as spmm");
          }
        }
      }
    }
  }

  // All-zero inputs give act(bias); all-nonzero (every weight kept: 16:16) and non-finite
  // inputs: a NaN or infinite input under a stored weight spreads as IEEE says, but under a
  // zero (padding) slot it is never multiplied, so rows that do not store it stay finite.
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void nmKernelsOnZeroFullAndNonFiniteInputs(String provider) {
    RawKernels k = kernels(provider);
    int rows = 21;
    int cols = 70;
    SplittableRandom random = new SplittableRandom(77);
    float[] sparse = nmWeights(rows, cols, 2, 4, random);
    float[] full = randomWeights(rows, cols, 1, random, 1);
    for (int batch : new int[] {1, 5}) {
      for (float[] w : new float[][] {sparse, full}) {
        float[] bias = randomBias(rows, batch);
        Problem zero = new Problem(rows, cols, batch, w, new float[cols * batch]);
        Op op = batch == 1 ? Op.SPMV_NM : Op.SPMM_NM;
        runAndCheck(k, op, zero, bias, Epilogue.TANH, 0, rows, "zero input");
        float[] x = randomVector(cols * batch, random, 1);
        for (int b = 0; b < batch; b++) {
          x[6 * batch + b] = Float.NaN;
          x[41 * batch + b] = Float.POSITIVE_INFINITY;
          x[67 * batch + b] = Float.NEGATIVE_INFINITY;
        }
        Problem p = new Problem(rows, cols, batch, w, x);
        float[] got = run(k, op, p, null, Epilogue.IDENTITY, 0, rows);
        for (int r = 0; r < rows; r++) {
          for (int b = 0; b < batch; b++) {
            double want = p.pre[r * batch + b];
            float v = got[r * batch + b];
            String what = k.name() + " " + op + " batch " + batch + " row " + r + " sample " + b;
            if (Double.isNaN(want)) {
              assertTrue(Float.isNaN(v), what + ": expected NaN, got " + v);
            } else if (Double.isInfinite(want)) {
              assertEquals((float) want, v, what);
            } else {
              assertEquals(want, v, 1e-5 * p.magnitude[r * batch + b] + 1e-6, what);
            }
          }
        }
      }
    }
  }

  // --- IEEE special values ---------------------------------------------------------------------

  // Block-sparse: a zero stored inside a kept block is multiplied, so a block at a NaN or Inf
  // input makes all 16 of its rows NaN or infinite, zeros included (0 * Inf is NaN); blocks
  // elsewhere stay finite. Shapes off the panel height, empty panels and empty columns, every
  // row range and batch, against a double reference over the block pattern.
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void blockKernelsMultiplyStoredZerosLikeTheBlockReference(String provider) {
    RawKernels k = kernels(provider);
    SplittableRandom random = new SplittableRandom(77);
    for (int[] shape : new int[][] {{1, 1}, {37, 45}, {16, 3}, {50, 70}}) {
      int rows = shape[0];
      int cols = shape[1];
      float[] w = randomBlockWeights(rows, cols, 0.4, random);
      for (int batch : new int[] {1, 2, 7, 13, 17}) {
        for (int inputs = 0; inputs < 4; inputs++) {
          // 0: all zero; 1: all nonzero; 2: a NaN input; 3: an Inf input
          float[] x = inputs == 0 ? new float[cols * batch] : randomVector(cols * batch, random, 1);
          if (inputs == 1) {
            for (int i = 0; i < x.length; i++) {
              x[i] = x[i] == 0f ? 0.5f : x[i];  // all nonzero
            }
          } else if (inputs >= 2) {
            for (int b = 0; b < batch; b++) {
              x[(cols / 2) * batch + b] = inputs == 2 ? Float.NaN : Float.POSITIVE_INFINITY;
            }
          }
          double[] ref = blockReference(w, rows, cols, x, batch);
          for (int[] range : new int[][] {{0, rows}, {Math.min(3, rows), rows},
              {rows / 2, rows}}) {
            float[] got = new float[rows * batch];
            Arrays.fill(got, SENTINEL);
            try (BlockMatrix a = BlockMatrix.of(w, rows, cols);
                AlignedBuffer xb = AlignedBuffer.copyOf(x);
                AlignedBuffer y = AlignedBuffer.copyOf(got)) {
              k.spmmBlock(a, range[0], range[1], xb, batch, null, y, Epilogue.IDENTITY);
              y.getFloats(0, got);
            }
            for (int r = 0; r < rows; r++) {
              for (int b = 0; b < batch; b++) {
                String what = k.name() + " " + rows + "x" + cols + " batch " + batch + " inputs "
                    + inputs + " rows [" + range[0] + ", " + range[1] + "): row " + r
                    + " sample " + b;
                float v = got[r * batch + b];
                double want = ref[r * batch + b];
                if (r < range[0] || r >= range[1]) {
                  assertEquals(SENTINEL, v, what + " outside the range was written");
                } else if (Double.isNaN(want) || Double.isInfinite(want)) {
                  assertEquals((float) want, v, what);
                } else {
                  assertEquals(want, v, 1e-5 * cols + 1e-6, what);
                }
              }
            }
          }
        }
      }
    }
  }

  /** Weights in 16x1 blocks (a kept block holds some zeros too), about {@code keep} kept. */
  static float[] randomBlockWeights(int rows, int cols, double keep, SplittableRandom random) {
    float[] w = new float[rows * cols];
    for (int r0 = 0; r0 < rows; r0 += 16) {
      for (int c = 0; c < cols; c++) {
        if (random.nextDouble() >= keep) {
          continue;
        }
        for (int r = r0; r < Math.min(rows, r0 + 16); r++) {
          w[r * cols + c] = random.nextDouble() < 0.2 ? 0f : (float) (random.nextDouble() - 0.5);
        }
        w[r0 * cols + c] = 0.75f;  // the block is kept even where the rest drew zeros
      }
    }
    return w;
  }

  /** The 16x1 block format's result in double: every entry of a kept block multiplied. */
  static double[] blockReference(float[] w, int rows, int cols, float[] x, int batch) {
    double[] out = new double[rows * batch];
    for (int r = 0; r < rows; r++) {
      int r0 = r / 16 * 16;
      for (int c = 0; c < cols; c++) {
        boolean kept = false;
        for (int i = r0; i < Math.min(rows, r0 + 16); i++) {
          kept |= w[i * cols + c] != 0f;
        }
        if (!kept) {
          continue;
        }
        for (int b = 0; b < batch; b++) {
          out[r * batch + b] += (double) w[r * cols + c] * x[c * batch + b];
        }
      }
    }
    return out;
  }

  // Sparse: only rows that store an entry in a NaN column become NaN (even an explicit zero:
  // 0 * NaN is NaN); +Inf times a positive weight is +Inf, times a negative one -Inf; other rows
  // stay finite and correct.
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void nanAndInfinityPropagateThroughSparseKernels(String provider) {
    RawKernels k = kernels(provider);
    int rows = 20;
    int cols = 40;
    int nanCol = 5;
    int infCol = 33;
    SplittableRandom random = new SplittableRandom(3);
    float[] w = new float[rows * cols];
    boolean[] mask = new boolean[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        if (c != nanCol && c != infCol && random.nextDouble() < 0.4) {
          w[r * cols + c] = (float) (random.nextDouble() + 0.1);
          mask[r * cols + c] = true;
        }
      }
    }
    // row 0, 17: NaN column; row 1, 18: +inf column, positive weight; row 2: negative weight;
    // row 3: both; row 4: explicit zero at the NaN column; others touch neither.
    int[][] entries = {{0, nanCol}, {17, nanCol}, {1, infCol}, {18, infCol}, {2, infCol},
        {3, nanCol}, {3, infCol}, {4, nanCol}};
    float[] weights = {0.5f, 2f, 3f, 0.25f, -1.5f, 1f, 1f, 0f};
    for (int i = 0; i < entries.length; i++) {
      w[entries[i][0] * cols + entries[i][1]] = weights[i];
      mask[entries[i][0] * cols + entries[i][1]] = true;
    }
    for (int batch : new int[] {1, 3, 17}) {
      float[] x = randomVector(cols * batch, random, 1);
      for (int b = 0; b < batch; b++) {
        x[nanCol * batch + b] = Float.NaN;
        x[infCol * batch + b] = Float.POSITIVE_INFINITY;
      }
      for (IndexWidth width : IndexWidth.values()) {
        for (Epilogue e : new Epilogue[] {Epilogue.IDENTITY, Epilogue.RELU, Epilogue.SIGMOID}) {
          float[] got = new float[rows * batch];
          try (CsrMatrix a = CsrMatrix.fromDense(w, mask, rows, cols, width);
              AlignedBuffer xb = AlignedBuffer.copyOf(x);
              AlignedBuffer y = AlignedBuffer.allocateFloats(rows * batch)) {
            if (batch == 1) {
              k.spmv(a, 0, rows, xb, null, y, e);
            } else {
              k.spmm(a, 0, rows, xb, batch, null, y, e);
            }
            y.getFloats(0, got);
          }
          String what = k.name() + " " + width + " batch " + batch + " " + e;
          for (int b = 0; b < batch; b++) {
            for (int r : new int[] {0, 17, 3, 4}) {
              assertTrue(Float.isNaN(got[r * batch + b]), what + ": row " + r + " touches NaN, got "
                  + got[r * batch + b]);
            }
            assertEquals((float) act(e, Double.POSITIVE_INFINITY), got[1 * batch + b], what);
            assertEquals((float) act(e, Double.POSITIVE_INFINITY), got[18 * batch + b], what);
            assertEquals((float) act(e, Double.NEGATIVE_INFINITY), got[2 * batch + b], what);
            for (int r = 5; r < 17; r++) {
              float v = got[r * batch + b];
              assertTrue(Float.isFinite(v), what + ": row " + r + " touches neither, got " + v);
              double pre = 0;
              double mag = 0;
              for (int c = 0; c < cols; c++) {
                if (w[r * cols + c] == 0f) {
                  continue;
                }
                pre += (double) w[r * cols + c] * x[c * batch + b];
                mag += Math.abs((double) w[r * cols + c] * x[c * batch + b]);
              }
              assertEquals(act(e, pre), v, 1e-5 * mag + 1e-6, what + ": row " + r);
            }
          }
        }
      }
    }
  }

  // csc16 skips zero inputs: inputs none, half, most and all zero (by whole features, which a
  // batch may skip, and by single samples; -0.0 is a zero too), NaN and +-inf beside them
  // (nonzero: a row storing a weight at a NaN input is NaN, as in CSR), panels of one row, an
  // odd height, 64 and one panel for everything, ranges cutting panels.
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void cscSkipsZeroInputsAndPropagatesNanAndInfinity(String provider) {
    RawKernels k = kernels(provider);
    int[][] shapes = {{1, 1}, {3, 70}, {37, 129}, {100, 300}, {130, 65}};
    long seed = 1;
    for (int[] s : shapes) {
      int rows = s[0];
      int cols = s[1];
      for (double density : new double[] {0.1, 0.5, 1}) {
        SplittableRandom random = new SplittableRandom(seed++);
        float[] w = randomWeights(rows, cols, density, random, 1);
        float[] bias = randomBias(rows, seed++);
        for (double zeros : new double[] {0, 0.5, 0.87, 1}) {
          for (int batch : new int[] {1, 3, 17}) {
            float[] x = randomVector(cols * batch, random, 1);
            for (int c = 0; c < cols; c++) {
              boolean feature = random.nextDouble() < zeros / 2;
              for (int b = 0; b < batch; b++) {
                if (feature || random.nextDouble() < zeros) {
                  x[c * batch + b] = b % 3 == 0 ? -0f : 0f;
                }
              }
            }
            for (boolean special : new boolean[] {false, true}) {
              if (special) {
                if (cols < 4) {
                  continue;
                }
                x[1] = Float.NaN;
                x[2 * batch] = Float.POSITIVE_INFINITY;
                x[3 * batch + batch - 1] = Float.NEGATIVE_INFINITY;
              }
              for (int panelRows : new int[] {1, 7, 64, 65536}) {
                int begin = rows > 5 ? 3 : 0;
                int end = rows > 5 ? rows - 2 : rows;
                Epilogue e = batch == 3 ? Epilogue.SIGMOID : Epilogue.RELU;
                float[] got = runCsc(k, w, rows, cols, panelRows, x, batch, bias, e, begin, end);
                String what = k.name() + " csc16 " + rows + "x" + cols + " density " + density
                    + " zeros " + zeros + " batch " + batch + " panels " + panelRows
                    + (special ? " nan/inf" : "");
                checkAgainstSparseReference(what, got, w, rows, cols, x, batch, bias, e, begin,
                    end);
              }
            }
          }
        }
      }
    }
  }

  private static float[] runCsc(RawKernels k, float[] w, int rows, int cols, int panelRows,
      float[] x, int batch, float[] bias, Epilogue e, int begin, int end) {
    float[] out = new float[rows * batch + PAD];
    Arrays.fill(out, SENTINEL);
    try (CscMatrix a = CscMatrix.fromDense(w, rows, cols, panelRows);
        AlignedBuffer xb = AlignedBuffer.copyOf(x);
        AlignedBuffer b = AlignedBuffer.copyOf(bias);
        AlignedBuffer y = AlignedBuffer.copyOf(out)) {
      if (batch == 1) {
        k.spmvCsc(a, begin, end, xb, b, y, e);
      } else {
        k.spmmCsc(a, begin, end, xb, batch, b, y, e);
      }
      y.getFloats(0, out);
    }
    return out;
  }

  // The stored weights (nonzeros) times every input, NaN and infinities included, in double.
  private static void checkAgainstSparseReference(String what, float[] got, float[] w, int rows,
      int cols, float[] x, int batch, float[] bias, Epilogue e, int begin, int end) {
    for (int r = 0; r < rows; r++) {
      for (int b = 0; b < batch; b++) {
        float v = got[r * batch + b];
        if (r < begin || r >= end) {
          assertEquals(Float.floatToRawIntBits(SENTINEL), Float.floatToRawIntBits(v),
              what + ": row " + r + " outside the range was written");
          continue;
        }
        double pre = bias[r];
        double mag = Math.abs(bias[r]);
        for (int c = 0; c < cols; c++) {
          if (w[r * cols + c] != 0f) {
            pre += (double) w[r * cols + c] * x[c * batch + b];
            mag += Math.abs((double) w[r * cols + c] * x[c * batch + b]);
          }
        }
        double ref = act(e, pre);
        String where = what + ": row " + r + " sample " + b;
        if (Double.isNaN(ref)) {
          assertTrue(Float.isNaN(v), where + ": expected NaN, got " + v);
        } else if (Double.isInfinite(ref)) {
          assertEquals(ref, v, where);
        } else {
          assertEquals(ref, v, 1e-5 * mag * lipschitz(e) + 1e-6, where);
        }
      }
    }
    for (int i = rows * batch; i < got.length; i++) {
      assertEquals(Float.floatToRawIntBits(SENTINEL), Float.floatToRawIntBits(got[i]),
          what + ": wrote past the end of y at " + i);
    }
  }

  // For every row length 1..40 and every position of the special column in the row: SIMD tails
  // that re-read already summed lanes must not turn +-Inf into NaN (0 * Inf) nor drop a NaN.
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void specialValueAtEveryPositionOfEveryRowLengthPropagates(String provider) {
    RawKernels k = kernels(provider);
    int special = 100;
    int cols = 2 * special;
    List<int[]> rowsList = new ArrayList<>();
    for (int nnz = 1; nnz <= 40; nnz++) {
      for (int p = 0; p < nnz; p++) {
        rowsList.add(new int[] {nnz, p});
      }
    }
    int rows = rowsList.size();
    float[] w = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      int nnz = rowsList.get(r)[0];
      int p = rowsList.get(r)[1];
      // p entries before the special column, nnz - 1 - p after it.
      for (int c = special - p; c < special - p + nnz; c++) {
        w[r * cols + c] = 0.5f + (c % 3) * 0.25f;
      }
    }
    float[] specials = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
    for (float value : specials) {
      for (int batch : new int[] {1, 3, 17}) {
        float[] x = new float[cols * batch];
        Arrays.fill(x, 1f);
        for (int b = 0; b < batch; b++) {
          x[special * batch + b] = value;
        }
        Problem problem = new Problem(rows, cols, batch, w, x);
        // the weights (0.5, 0.75, 1) are exact in bf16, so the bf16 kernels must match too
        Op[] ops = batch == 1 ? new Op[] {Op.SPMV_CSR, Op.SPMV_CSR16, Op.SPMV_CSR16_BF16}
            : new Op[] {Op.SPMM_CSR, Op.SPMM_CSR16, Op.SPMM_CSR16_BF16};
        for (Op op : ops) {
          float[] got = run(k, op, problem, null, Epilogue.IDENTITY, 0, rows);
          for (int r = 0; r < rows; r++) {
            for (int b = 0; b < batch; b++) {
              float v = got[r * batch + b];
              if (Float.floatToRawIntBits(v) != Float.floatToRawIntBits(value)
                  && !(Float.isNaN(value) && Float.isNaN(v))) {
                fail(k.name() + " " + op + " batch " + batch + ": row with "
                    + rowsList.get(r)[0] + " nonzeros, " + value + " at position "
                    + rowsList.get(r)[1] + " gave " + v);
              }
            }
          }
        }
      }
    }
  }

  // Dense rows of every width 1..40 with +Inf at every column: +Inf for positive weights, -Inf
  // for negative ones, whichever body, tail or mask lane the column falls in. For gemm, sample b
  // has its +Inf at column b, so one call covers every position.
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void infinityAtEveryColumnOfDenseRowsPropagates(String provider) {
    RawKernels k = kernels(provider);
    int rows = 18;
    for (int cols = 1; cols <= 40; cols++) {
      float[] w = new float[rows * cols];
      for (int i = 0; i < w.length; i++) {
        w[i] = (i / cols) % 2 == 0 ? 0.5f + (i % 3) * 0.25f : -1f;
      }
      for (int p = 0; p < cols; p++) {
        float[] x = new float[cols];
        Arrays.fill(x, 1f);
        x[p] = Float.POSITIVE_INFINITY;
        for (Op op : new Op[] {Op.GEMV, Op.GEMV_BLAS}) {
          float[] got = run(k, op, new Problem(rows, cols, 1, w, x), null, Epilogue.IDENTITY, 0,
              rows);
          for (int r = 0; r < rows; r++) {
            float expected = r % 2 == 0 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
            if (got[r] != expected) {
              fail(k.name() + " " + op + " " + cols + " columns, +Inf at column " + p + ": row "
                  + r + " gave " + got[r]);
            }
          }
        }
      }
      int batch = cols;
      float[] x = new float[cols * batch];
      Arrays.fill(x, 1f);
      for (int b = 0; b < batch; b++) {
        x[b * batch + b] = Float.POSITIVE_INFINITY;
      }
      for (Op op : new Op[] {Op.GEMM, Op.GEMM_BLAS, Op.GEMM_PACKED}) {
        float[] got = run(k, op, new Problem(rows, cols, batch, w, x), null, Epilogue.IDENTITY, 0,
            rows);
        for (int r = 0; r < rows; r++) {
          for (int b = 0; b < batch; b++) {
            float expected = r % 2 == 0 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
            if (got[r * batch + b] != expected) {
              fail(k.name() + " " + op + " " + cols + " columns, +Inf at column " + b + ": row "
                  + r + " gave " + got[r * batch + b]);
            }
          }
        }
      }
    }
  }

  // Dense: every row multiplies every input, so one NaN input makes every output NaN, and +Inf
  // gives +-Inf by the sign of each row's weight (all weights nonzero).
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void nanAndInfinityPropagateThroughDenseKernels(String provider) {
    RawKernels k = kernels(provider);
    int rows = 21;
    int cols = 35;
    int special = 19;
    SplittableRandom random = new SplittableRandom(11);
    float[] w = new float[rows * cols];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (random.nextDouble() + 0.1);
    }
    for (int r = 0; r < rows; r += 2) {
      w[r * cols + special] = -w[r * cols + special];
    }
    for (int batch : new int[] {1, 3, 17}) {
      for (boolean nan : new boolean[] {true, false}) {
        float[] x = randomVector(cols * batch, random, 1);
        for (int b = 0; b < batch; b++) {
          x[special * batch + b] = nan ? Float.NaN : Float.POSITIVE_INFINITY;
        }
        for (Op op : batch == 1 ? new Op[] {Op.GEMV, Op.GEMV_BLAS, Op.GEMM, Op.GEMV_PACKED}
            : new Op[] {Op.GEMM, Op.GEMM_BLAS, Op.GEMM_PACKED}) {
          for (Epilogue e : new Epilogue[] {Epilogue.IDENTITY, Epilogue.RELU, Epilogue.TANH}) {
            float[] got = run(k, op, new Problem(rows, cols, batch, w, x), null, e, 0, rows);
            for (int r = 0; r < rows; r++) {
              for (int b = 0; b < batch; b++) {
                float v = got[r * batch + b];
                String what = k.name() + " " + op + " batch " + batch + " " + e + " row " + r;
                if (nan) {
                  assertTrue(Float.isNaN(v), what + ": expected NaN, got " + v);
                } else {
                  double inf = r % 2 == 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                  assertEquals((float) act(e, inf), v, what);
                }
              }
            }
          }
        }
      }
    }
  }

  // --- the native epilogue kernel on its own --------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("nativeProviders")
  void nativeBiasActMatchesReference(String provider) {
    NativeKernels k = (NativeKernels) kernels(provider);
    int rows = 37;
    for (int batch : new int[] {1, 7, 8, 9, 16, 17, 33}) {
      SplittableRandom random = new SplittableRandom(batch);
      float[] y0 = randomVector(rows * batch, random, 4);
      float[] bias = randomVector(rows, random, 2);
      for (Epilogue e : ACTIVATIONS) {
        for (boolean withBias : new boolean[] {true, false}) {
          float[] got = new float[rows * batch + PAD];
          Arrays.fill(got, SENTINEL);
          System.arraycopy(y0, 0, got, 0, y0.length);
          try (AlignedBuffer y = AlignedBuffer.copyOf(got);
              AlignedBuffer b = AlignedBuffer.copyOf(bias)) {
            assertEquals(0, NativeKernels.snn_f32_bias_act(k.isa().code(), 3, rows - 2, batch,
                withBias ? b.address() : 0L, y.address(), e.function().code(), e.alpha()));
            y.getFloats(0, got);
          }
          for (int r = 0; r < rows; r++) {
            for (int s = 0; s < batch; s++) {
              int i = r * batch + s;
              String what = k.name() + " bias_act batch " + batch + " " + e + " row " + r;
              if (r < 3 || r >= rows - 2) {
                assertEquals(y0[i], got[i], what + " is outside the range");
              } else {
                double pre = y0[i] + (withBias ? bias[r] : 0.0);
                assertEquals(act(e, pre), got[i], 2e-6 * Math.abs(pre) + 1e-6, what);
              }
            }
          }
          for (int i = rows * batch; i < got.length; i++) {
            assertEquals(SENTINEL, got[i], "padding " + i);
          }
        }
      }
    }
  }

  // --- the binding itself ----------------------------------------------------------------------

  @Test
  void nativeLibraryLoadsUnlessDisabled() {
    Assumptions.assumeTrue(Boolean.parseBoolean(System.getProperty("sparsenn.native", "true")),
        "native kernels disabled by -Dsparsenn.native=false");
    assertTrue(NativeKernels.isLoaded(), () -> "native library failed to load: "
        + NativeKernels.loadFailure());
    assertTrue(NativeKernels.isBlasBound(), () -> "OpenBLAS not bound: "
        + NativeKernels.blasFailure());
  }

  // macOS links the JNI library with -undefined dynamic_lookup, so a missing native symbol only
  // shows when it is called: call every binding at least once, with a tiny known problem.
  @Test
  void everyNativeBindingIsCallable() {
    Assumptions.assumeTrue(NativeKernels.isLoaded(), "native library not loaded");
    assertEquals(NativeKernels.version(), NativeKernels.snn_version());
    assertFalse(NativeKernels.snn_version().isEmpty());
    for (Isa isa : Isa.values()) {
      assertEquals(isa.label(), NativeKernels.snn_isa_name(isa.code()));
    }
    assertEquals("unknown", NativeKernels.snn_isa_name(99));
    assertEquals("unknown", NativeKernels.snn_isa_name(-1));
    assertEquals(1, NativeKernels.snn_isa_supported(Isa.SCALAR.code()));
    assertEquals(0, NativeKernels.snn_isa_supported(-1));
    assertEquals(0, NativeKernels.snn_isa_supported(4));
    int best = NativeKernels.snn_isa_best();
    assertEquals(1, NativeKernels.snn_isa_supported(best));
    assertEquals(Isa.ofCode(best), NativeKernels.bestIsa());

    Pointer p = NativeKernels.snn_aligned_alloc(100);
    assertNotNull(p);
    assertFalse(p.isNull());
    assertEquals(0, p.address() % 64);
    NativeKernels.snn_aligned_free(p.address());
    Pointer zero = NativeKernels.snn_aligned_alloc(0);
    assertFalse(zero == null || zero.isNull(), "0 bytes is allowed");
    NativeKernels.snn_aligned_free(zero.address());
    Pointer negative = NativeKernels.snn_aligned_alloc(-1);
    assertTrue(negative == null || negative.isNull(), "negative size gives NULL");
    NativeKernels.snn_aligned_free(0L);

    int isa = best;
    int id = ActivationFunction.IDENTITY.code();
    // W = [[1, 0, 2], [0, 3, 0]], x = [1, 2, 3] (batch 1) -> [7, 6]; bias [1, -1] -> [8, 5].
    try (AlignedBuffer rowPtr = AlignedBuffer.copyOf(new int[] {0, 2, 3});
        AlignedBuffer cols32 = AlignedBuffer.copyOf(new int[] {0, 2, 1});
        AlignedBuffer cols16 = AlignedBuffer.copyOf(new short[] {0, 2, 1});
        AlignedBuffer values = AlignedBuffer.copyOf(new float[] {1, 2, 3});
        AlignedBuffer dense = AlignedBuffer.copyOf(new float[] {1, 0, 2, 0, 3, 0});
        AlignedBuffer x = AlignedBuffer.copyOf(new float[] {1, 2, 3});
        AlignedBuffer x2 = AlignedBuffer.copyOf(new float[] {1, 10, 2, 20, 3, 30});
        AlignedBuffer bias = AlignedBuffer.copyOf(new float[] {1, -1});
        AlignedBuffer y = AlignedBuffer.allocateFloats(4)) {
      long rp = rowPtr.address();
      long v = values.address();
      long b = bias.address();
      long yy = y.address();
      assertEquals(0, NativeKernels.snn_f32_spmv_csr(isa, 0, 2, rp, cols32.address(), v,
          x.address(), b, yy, id, 0f));
      assertVector(y, 8, 5);
      assertEquals(0, NativeKernels.snn_f32_spmv_csr16(isa, 0, 2, rp, cols16.address(), v,
          x.address(), 0L, yy, id, 0f));
      assertVector(y, 7, 6);
      assertEquals(0, NativeKernels.snn_f32_gemv(isa, 0, 2, 3, dense.address(), x.address(), b,
          yy, id, 0f));
      assertVector(y, 8, 5);
      assertEquals(0, NativeKernels.snn_f32_gemv_blas(isa, 0, 2, 3, dense.address(),
          x.address(), 0L, yy, id, 0f));
      assertVector(y, 7, 6);
      // Batch 2, feature-major: sample 0 is x above, sample 1 is 10 x.
      assertEquals(0, NativeKernels.snn_f32_spmm_csr(isa, 0, 2, rp, cols32.address(), v,
          x2.address(), 2, b, yy, id, 0f));
      assertVector(y, 8, 71, 5, 59);
      assertEquals(0, NativeKernels.snn_f32_spmm_csr16(isa, 0, 2, rp, cols16.address(), v,
          x2.address(), 2, 0L, yy, id, 0f));
      assertVector(y, 7, 70, 6, 60);
      assertEquals(0, NativeKernels.snn_f32_gemm_blas(isa, 0, 2, 3, dense.address(),
          x2.address(), 2, b, yy, id, 0f));
      assertVector(y, 8, 71, 5, 59);
      assertEquals(0, NativeKernels.snn_f32_gemm(isa, 0, 2, 3, dense.address(), x2.address(), 2,
          0L, yy, id, 0f));
      assertVector(y, 7, 70, 6, 60);
      assertEquals(0, NativeKernels.snn_f32_gemm(isa, 0, 2, 3, dense.address(), x2.address(), 2,
          b, yy, id, 0f));
      assertVector(y, 8, 71, 5, 59);
      assertEquals(0, NativeKernels.snn_f32_bias_act(isa, 0, 2, 2, b, yy,
          ActivationFunction.RELU.code(), 0f));
      assertVector(y, 9, 72, 4, 58);
      assertEquals(0, NativeKernels.snn_f32_softmax(isa, 2, 2, yy, yy));
      FloatBuffer s = y.floatView();
      assertEquals(1f, s.get(0) + s.get(2), 1e-6f);
      assertEquals(1 / (1 + Math.exp(-5)), s.get(0), 1e-6);

      // Unsupported ISA and unknown activation give their status codes, never a crash.
      int bad = -1;
      for (int badIsa : new int[] {-1, 4, 99}) {
        assertEquals(-1, NativeKernels.snn_f32_spmv_csr(badIsa, 0, 2, rp, cols32.address(), v,
            x.address(), b, yy, id, 0f));
        assertEquals(-1, NativeKernels.snn_f32_softmax(badIsa, 2, 2, yy, yy));
        assertEquals(-1, NativeKernels.snn_f32_gemm(badIsa, 0, 2, 3, dense.address(),
            x2.address(), 2, b, yy, id, 0f));
      }
      for (int act : new int[] {bad, 6, 1000}) {
        assertEquals(-2, NativeKernels.snn_f32_spmv_csr(isa, 0, 2, rp, cols32.address(), v,
            x.address(), b, yy, act, 0f));
        assertEquals(-2, NativeKernels.snn_f32_spmv_csr16(isa, 0, 2, rp, cols16.address(), v,
            x.address(), b, yy, act, 0f));
        assertEquals(-2, NativeKernels.snn_f32_spmm_csr(isa, 0, 2, rp, cols32.address(), v,
            x2.address(), 2, b, yy, act, 0f));
        assertEquals(-2, NativeKernels.snn_f32_spmm_csr16(isa, 0, 2, rp, cols16.address(), v,
            x2.address(), 2, b, yy, act, 0f));
        assertEquals(-2, NativeKernels.snn_f32_gemv(isa, 0, 2, 3, dense.address(), x.address(),
            b, yy, act, 0f));
        assertEquals(-2, NativeKernels.snn_f32_bias_act(isa, 0, 2, 1, b, yy, act, 0f));
        assertEquals(-2, NativeKernels.snn_f32_gemv_blas(isa, 0, 2, 3, dense.address(),
            x.address(), b, yy, act, 0f));
        assertEquals(-2, NativeKernels.snn_f32_gemm_blas(isa, 0, 2, 3, dense.address(),
            x2.address(), 2, b, yy, act, 0f));
        assertEquals(-2, NativeKernels.snn_f32_gemm(isa, 0, 2, 3, dense.address(),
            x2.address(), 2, b, yy, act, 0f));
      }
      for (Isa each : Isa.values()) {
        if (!NativeKernels.supports(each)) {
          assertEquals(-1, NativeKernels.snn_f32_gemv(each.code(), 0, 2, 3, dense.address(),
              x.address(), b, yy, id, 0f));
          IllegalArgumentException e =
              assertThrows(IllegalArgumentException.class, () -> NativeKernels.at(each));
          assertTrue(e.getMessage().contains(each.label()), e.getMessage());
        }
      }

      // Unbinding BLAS makes the BLAS kernels report it (status -3, IllegalStateException
      // through the Java class); binding again restores them.
      assertEquals(1, NativeKernels.snn_blas_bound());
      Pointer sgemv = Loader.addressof("cblas_sgemv");
      Pointer sgemm = Loader.addressof("cblas_sgemm");
      try {
        assertEquals(0, NativeKernels.snn_blas_bind(null, null));
        assertEquals(0, NativeKernels.snn_blas_bound());
        assertEquals(-3, NativeKernels.snn_f32_gemv_blas(isa, 0, 2, 3, dense.address(),
            x.address(), b, yy, id, 0f));
        assertEquals(-3, NativeKernels.snn_f32_gemm_blas(isa, 0, 2, 3, dense.address(),
            x2.address(), 2, b, yy, id, 0f));
        try (DenseMatrix w = DenseMatrix.of(new float[] {1, 0, 2, 0, 3, 0}, 2, 3)) {
          IllegalStateException e = assertThrows(IllegalStateException.class,
              () -> NativeKernels.at(Isa.ofCode(isa)).gemvBlas(w, 0, 2, x, null, y,
                  Epilogue.IDENTITY));
          assertTrue(e.getMessage().contains("OpenBLAS"), e.getMessage());
        }
      } finally {
        assertEquals(0, NativeKernels.snn_blas_bind(sgemv, sgemm));
      }
      assertEquals(1, NativeKernels.snn_blas_bound());
      assertTrue(NativeKernels.isBlasBound());
      assertEquals(0, NativeKernels.snn_f32_gemv_blas(isa, 0, 2, 3, dense.address(),
          x.address(), b, yy, id, 0f));
      assertVector(y, 8, 5);
    }
  }

  private static void assertVector(AlignedBuffer y, float... expected) {
    float[] got = new float[expected.length];
    y.getFloats(0, got);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], got[i], 1e-5f, "index " + i + " of " + Arrays.toString(got));
    }
  }

  // --- sell (sliced ELL over 64-input windows) -------------------------------------------------

  /** The sell op for a batch: spmv at 1, spmm otherwise. */
  private static Op sellOp(int batch) {
    return batch == 1 ? Op.SPMV_SELL : Op.SPMM_SELL;
  }

  // Shapes around the 16-lane slices, the 64-input windows and the 512-row groups (rows and
  // columns not multiples of either, fewer than 64 columns, several groups), at densities from
  // all-zero to fully dense, at batch 1 and batched; spmm also runs at batch 1.
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void sellKernelsMatchReferenceOnAwkwardShapesAndDensities(String provider) {
    RawKernels k = kernels(provider);
    int[][] shapes = {{1, 1}, {1, 100}, {100, 1}, {7, 63}, {15, 64}, {16, 65}, {17, 33},
      {33, 17}, {31, 130}, {48, 128}, {5, 0}, {0, 5}, {300, 784}, {1100, 70}};
    for (int[] s : shapes) {
      int rows = s[0];
      int cols = s[1];
      for (double density : DENSITIES) {
        for (int batch : new int[] {1, 3, 17}) {
          if (batch > 1 && rows * cols > 100_000) {
            continue; // the largest shapes batched are slow in Java and add no branch
          }
          Problem p = randomProblem(rows, cols, batch, density, 41L * rows + cols + batch);
          float[] bias = randomBias(rows, rows + batch);
          String context = "density " + density;
          runAndCheck(k, sellOp(batch), p, bias, Epilogue.leakyRelu(0.2f), 0, rows, context);
          runAndCheck(k, sellOp(batch), p, null, Epilogue.IDENTITY, 0, rows, context);
          if (batch == 1) {
            runAndCheck(k, Op.SPMM_SELL, p, bias, Epilogue.TANH, 0, rows, context + " as spmm");
          }
        }
      }
    }
  }

  // Every batch 1..17 and every activation on a layer of two groups.
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void sellKernelsMatchReferenceOnEveryBatchAndActivation(String provider) {
    RawKernels k = kernels(provider);
    for (int batch = 1; batch <= 17; batch++) {
      Problem p = randomProblem(530, 97, batch, 0.1, 5300L + batch);
      float[] bias = randomBias(530, batch);
      for (Epilogue e : ACTIVATIONS) {
        runAndCheck(k, sellOp(batch), p, bias, e, 0, 530, "");
      }
    }
  }

  // Threads split a sell layer at its 512-row groups: a lane range aligned to them (or ending at
  // the row count) writes exactly those rows, and an empty range writes nothing. Rows of very
  // uneven lengths, so the sort moves rows across slices (but never across groups).
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void sellRangesAlignedToGroupsWriteExactlyTheirRows(String provider) {
    RawKernels k = kernels(provider);
    int rows = 1100;
    int cols = 150;
    float[] w = unevenRows(rows, cols, new SplittableRandom(11));
    int[][] ranges = {{0, 512}, {512, 1024}, {1024, 1100}, {512, 1100}, {0, 1100}, {512, 512},
      {1024, 1024}};
    for (int batch : new int[] {1, 2, 9}) {
      Problem p = new Problem(rows, cols, batch, w,
          randomVector(cols * batch, new SplittableRandom(batch), 1));
      float[] bias = randomBias(rows, batch);
      for (int[] range : ranges) {
        runAndCheck(k, sellOp(batch), p, bias, Epilogue.RELU, range[0], range[1], "");
      }
    }
  }

  /**
   * Row r keeps a random number of nonzeros from none to all (every fifth row empty, every
   * seventh full), at random places; columns 3 and 64..69 are empty in every row.
   */
  static float[] unevenRows(int rows, int cols, SplittableRandom random) {
    float[] w = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      double keep = r % 5 == 0 ? 0 : r % 7 == 0 ? 1 : random.nextDouble() * random.nextDouble();
      for (int c = 0; c < cols; c++) {
        if ((c == 3 || (c >= 64 && c < 70)) || random.nextDouble() >= keep) {
          continue;
        }
        float v = (float) (random.nextDouble() * 2 - 1);
        w[r * cols + c] = v == 0f ? 0.25f : v;
      }
    }
    return w;
  }

  // Empty rows give act(bias), an all-zero matrix act(0) without a bias, uneven rows and empty
  // columns match the reference, on shapes off the slice and window widths.
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void sellKernelsOnEmptyRowsColumnsAndMatrices(String provider) {
    RawKernels k = kernels(provider);
    for (int[] s : new int[][] {{37, 71}, {16, 64}, {200, 130}}) {
      int rows = s[0];
      int cols = s[1];
      float[] w = unevenRows(rows, cols, new SplittableRandom(rows));
      float[] bias = randomBias(rows, cols);
      for (int batch : new int[] {1, 4, 17}) {
        Problem p = new Problem(rows, cols, batch, w,
            randomVector(cols * batch, new SplittableRandom(batch + rows), 1));
        float[] got = run(k, sellOp(batch), p, bias, Epilogue.SIGMOID, 0, rows);
        check(k.name() + " " + sellOp(batch) + " uneven " + p.describe(), got, p, bias,
            Epilogue.SIGMOID, 0, rows);
        for (int r = 0; r < rows; r += 5) {
          for (int b = 0; b < batch; b++) {
            assertEquals(act(Epilogue.SIGMOID, bias[r]), got[r * batch + b], 1e-6,
                k.name() + " empty row " + r + " sample " + b);
          }
        }
        Problem zero = new Problem(rows, cols, batch, new float[rows * cols], p.x);
        float[] zeros = run(k, sellOp(batch), zero, null, Epilogue.SIGMOID, 0, rows);
        for (int i = 0; i < rows * batch; i++) {
          assertEquals(0.5f, zeros[i], 1e-6f, k.name() + " all-zero matrix index " + i);
        }
      }
    }
  }

  // Non-finite inputs spread through the weights stored under them as IEEE says, but a padding
  // lane (value 0, offset 0) is never multiplied, so an infinite or NaN input at a window's
  // first column, where every padding lane points, leaves rows that do not use it finite.
  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void sellKernelsOnNonFiniteInputs(String provider) {
    RawKernels k = kernels(provider);
    int rows = 41;
    int cols = 150;
    SplittableRandom random = new SplittableRandom(78);
    for (double density : new double[] {0.05, 0.3, 1}) {
      float[] w = randomWeights(rows, cols, density, random, 1);
      for (int batch : new int[] {1, 6}) {
        float[] x = randomVector(cols * batch, random, 1);
        for (int b = 0; b < batch; b++) {
          x[b] = Float.POSITIVE_INFINITY;
          x[64 * batch + b] = Float.NaN;
          x[128 * batch + b] = Float.NEGATIVE_INFINITY;
          x[77 * batch + b] = Float.POSITIVE_INFINITY;
        }
        Problem p = new Problem(rows, cols, batch, w, x);
        float[] got = run(k, sellOp(batch), p, null, Epilogue.IDENTITY, 0, rows);
        for (int r = 0; r < rows; r++) {
          for (int b = 0; b < batch; b++) {
            double want = p.pre[r * batch + b];
            float v = got[r * batch + b];
            String what = k.name() + " " + sellOp(batch) + " density " + density + " batch "
                + batch + " row " + r + " sample " + b;
            if (Double.isNaN(want)) {
              assertTrue(Float.isNaN(v), what + ": expected NaN, got " + v);
            } else if (Double.isInfinite(want)) {
              assertEquals((float) want, v, what);
            } else {
              assertEquals(want, v, 1e-5 * p.magnitude[r * batch + b] + 1e-6, what);
            }
          }
        }
      }
    }
  }

  @Test
  void providerNamesAreDistinct() {
    List<String> names = new ArrayList<>();
    names.add(JavaKernels.instance().name());
    for (Isa isa : Isa.values()) {
      if (NativeKernels.supports(isa)) {
        NativeKernels k = NativeKernels.at(isa);
        assertTrue(k.isNative());
        assertEquals(isa, k.isa());
        names.add(k.name());
      }
    }
    assertFalse(JavaKernels.instance().isNative());
    assertEquals(names.size(), names.stream().distinct().count(), names.toString());
    assertNotEquals(0, names.size());
  }
}
