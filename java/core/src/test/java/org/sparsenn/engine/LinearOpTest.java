package org.sparsenn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparsenn.kernel.ActivationFunction;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.Epilogue;
import org.sparsenn.kernel.Isa;
import org.sparsenn.kernel.JavaKernels;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.kernel.NativeKernels;
import org.sparsenn.sparse.BFloat16;
import org.sparsenn.sparse.BlockMatrix;
import org.sparsenn.sparse.NmMatrix;
import org.sparsenn.sparse.NmPattern;
import org.sparsenn.sparse.SellMatrix;

class LinearOpTest {
  private static final int ROWS = 37;
  private static final int COLS = 53;
  private static final Epilogue EPILOGUE = Epilogue.leakyRelu(0.2f);
  private static ExecutorService pool;

  @BeforeAll
  static void startPool() {
    pool = Executors.newFixedThreadPool(3);
  }

  @AfterAll
  static void stopPool() {
    pool.shutdownNow();
  }

  static Stream<String> kernelIds() {
    return Stream.of("best", "java", "native-scalar");
  }

  static Kernels kernels(String id) {
    switch (id) {
      case "best":
        return Kernels.best();
      case "java":
        return JavaKernels.instance();
      default:
        Assumptions.assumeTrue(NativeKernels.isLoaded(), "native library not loaded");
        return NativeKernels.at(Isa.SCALAR);
    }
  }

  static Stream<Arguments> methodsAndKernels() {
    List<Arguments> out = new ArrayList<>();
    for (LayerMethod m : LayerMethod.values()) {
      kernelIds().forEach(k -> out.add(Arguments.of(m, k)));
    }
    return out.stream();
  }

  static Stream<Arguments> sparseMethodsAndKernels() {
    return methodsAndKernels().filter(a -> ((LayerMethod) a.get()[0]).isSparse());
  }

  static float[] random(int n, double density, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      if (r.nextDouble() < density) {
        v[i] = (float) (r.nextDouble() * 2 - 1);
      }
    }
    return v;
  }

  /**
   * Reference y = f(W x + b) in double, feature-major batch, with its tolerance (see
   * KernelConformanceTest): 1e-5 * (sum |w x| + |b|) + 1e-6, identity, ReLU and LeakyReLU
   * (slope <= 1) being 1-Lipschitz; only those are used here.
   */
  static void assertMatchesReference(String what, float[] w, int rows, int cols, float[] bias,
      Epilogue e, float[] x, int batch, float[] y) {
    for (int r = 0; r < rows; r++) {
      for (int b = 0; b < batch; b++) {
        double s = bias == null ? 0 : bias[r];
        double mag = Math.abs(s);
        for (int c = 0; c < cols; c++) {
          double p = (double) w[r * cols + c] * x[c * batch + b];
          s += p;
          mag += Math.abs(p);
        }
        double ref = e.function() == ActivationFunction.RELU ? Math.max(0, s)
            : e.function() == ActivationFunction.LEAKY_RELU && s < 0 ? e.alpha() * s : s;
        double got = y[r * batch + b];
        if (!(Math.abs(got - ref) <= 1e-5 * mag + 1e-6)) {
          fail(what + ": row " + r + " sample " + b + ": got " + got + ", expected " + ref);
        }
      }
    }
  }

  /** The weights {@code method} computes with: rounded to its precision (bf16 for a lossy one). */
  static float[] stored(LayerMethod method, float[] w) {
    if (method.precision() == Precision.FP32) {
      return w;
    }
    float[] rounded = w.clone();
    for (int i = 0; i < rounded.length; i++) {
      rounded[i] = BFloat16.round(rounded[i]);
    }
    return rounded;
  }

  static LinearOp op(LayerMethod method, Kernels k, float[] w, float[] bias, int threads) {
    return LinearOp.create(w, ROWS, COLS, bias, EPILOGUE, method, k, threads,
        threads > 1 ? pool : null);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("methodsAndKernels")
  void everyMethodMatchesReferenceAtBatchOneAndFive(LayerMethod method, String kernelsId) {
    Kernels k = kernels(kernelsId);
    float[] w = random(ROWS * COLS, 0.3, 1);
    float[] bias = random(ROWS, 1, 2);
    try (LinearOp op = op(method, k, w, bias, 1)) {
      for (int batch : new int[] {1, 5}) {
        float[] x = random(COLS * batch, 1, 3 + batch);
        float[] y = new float[ROWS * batch];
        try (AlignedBuffer xb = AlignedBuffer.copyOf(x);
            AlignedBuffer yb = AlignedBuffer.allocateFloats(ROWS * batch)) {
          op.run(xb, batch, yb);
          yb.getFloats(0, y);
        }
        assertMatchesReference(method + " batch " + batch, stored(method, w), ROWS, COLS, bias,
            EPILOGUE, x,
            batch, y);
      }
    }
  }

  // The batch-1 entry points all run the same kernel, so they agree bit for bit.
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("methodsAndKernels")
  void everyBatchOneFormGivesTheSameResult(LayerMethod method, String kernelsId) {
    Kernels k = kernels(kernelsId);
    float[] w = random(ROWS * COLS, 0.5, 4);
    float[] x = random(COLS, 1, 5);
    try (LinearOp op = op(method, k, w, null, 1)) {
      float[] viaAligned = new float[ROWS];
      try (AlignedBuffer xb = AlignedBuffer.copyOf(x);
          AlignedBuffer yb = AlignedBuffer.allocateFloats(ROWS)) {
        op.run(xb, yb);
        yb.getFloats(0, viaAligned);
      }
      assertMatchesReference(method.toString(), stored(method, w), ROWS, COLS, null, EPILOGUE, x,
          1, viaAligned);

      float[] viaArray = new float[ROWS];
      op.run(x, viaArray);
      assertArrayEquals(viaAligned, viaArray, "float[] form");

      FloatBuffer heapIn = FloatBuffer.wrap(x.clone());
      FloatBuffer heapOut = FloatBuffer.allocate(ROWS);
      heapIn.position(7);
      heapOut.position(3);
      op.run(heapIn, heapOut);
      assertEquals(7, heapIn.position(), "input position untouched");
      assertEquals(3, heapOut.position(), "output position untouched");
      float[] viaHeap = new float[ROWS];
      heapOut.get(0, viaHeap);
      assertArrayEquals(viaAligned, viaHeap, "heap FloatBuffer form");

      FloatBuffer directIn = ByteBuffer.allocateDirect(COLS * 4).order(ByteOrder.nativeOrder())
          .asFloatBuffer().put(0, x);
      FloatBuffer directOut = ByteBuffer.allocateDirect(ROWS * 4 + 8)
          .order(ByteOrder.nativeOrder()).asFloatBuffer();
      op.run(directIn, directOut);
      float[] viaDirect = new float[ROWS];
      directOut.get(0, viaDirect);
      assertArrayEquals(viaAligned, viaDirect, "direct FloatBuffer form");
      assertEquals(0f, directOut.get(ROWS), "nothing written past rows");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("sparseMethodsAndKernels")
  void threadsGiveBitIdenticalResults(LayerMethod method, String kernelsId) {
    Kernels k = kernels(kernelsId);
    int rows = 203;
    int cols = 150;
    // Skewed: the first rows are dense, the rest 5% full, so ranges differ in row count.
    float[] w = random(rows * cols, 0.05, 6);
    float[] head = random(20 * cols, 1, 7);
    System.arraycopy(head, 0, w, 0, head.length);
    float[] bias = random(rows, 1, 8);
    for (int batch : new int[] {1, 7}) {
      float[] x = random(cols * batch, 1, 9);
      float[] single = null;
      for (int threads : new int[] {1, 2, 3, 4}) {
        float[] y = new float[rows * batch];
        try (LinearOp op = LinearOp.create(w, rows, cols, bias, Epilogue.RELU, method, k,
            threads, threads > 1 ? pool : null);
            AlignedBuffer xb = AlignedBuffer.copyOf(x);
            AlignedBuffer yb = AlignedBuffer.allocateFloats(rows * batch)) {
          assertTrue(op.toString().contains(threads + " thread"), op.toString());
          op.run(xb, batch, yb);
          yb.getFloats(0, y);
        }
        if (single == null) {
          single = y;
        } else {
          for (int i = 0; i < y.length; i++) {
            if (Float.floatToRawIntBits(y[i]) != Float.floatToRawIntBits(single[i])) {
              fail(method + " batch " + batch + " threads " + threads + ": index " + i + " is "
                  + y[i] + ", single thread gave " + single[i]);
            }
          }
        }
      }
    }
  }

  // sell splits rows at its 512-row sorting groups: on a layer of three groups (the last one
  // short and not a multiple of 16), rows sorted across slices within each group, every thread
  // count gives the single thread's bits and the reference.
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"best", "java"})
  void sellThreadsSplitAtGroupsAndMatchReference(String kernelsId) {
    Kernels k = kernels(kernelsId);
    int rows = 1100;
    int cols = 90;
    float[] w = random(rows * cols, 0.1, 30);
    float[] dense = random(40 * cols, 1, 31);
    System.arraycopy(dense, 0, w, 600 * cols, dense.length); // rows 600..639 full
    float[] bias = random(rows, 1, 32);
    for (int batch : new int[] {1, 5}) {
      float[] x = random(cols * batch, 1, 33);
      float[] single = null;
      for (int threads : new int[] {1, 2, 3, 4}) {
        float[] y = new float[rows * batch];
        try (LinearOp op = LinearOp.create(w, rows, cols, bias, EPILOGUE, LayerMethod.SELL, k,
            threads, threads > 1 ? pool : null);
            AlignedBuffer xb = AlignedBuffer.copyOf(x);
            AlignedBuffer yb = AlignedBuffer.allocateFloats(rows * batch)) {
          op.run(xb, batch, yb);
          yb.getFloats(0, y);
        }
        assertMatchesReference("sell threads " + threads, w, rows, cols, bias, EPILOGUE, x,
            batch, y);
        if (single == null) {
          single = y;
        } else {
          for (int i = 0; i < y.length; i++) {
            assertEquals(Float.floatToRawIntBits(single[i]), Float.floatToRawIntBits(y[i]),
                "sell batch " + batch + " threads " + threads + " index " + i);
          }
        }
      }
    }
  }

  // Documented thread-safe for concurrent runs with distinct outputs (per-thread scratch).
  @ParameterizedTest
  @EnumSource(LayerMethod.class)
  void concurrentRunsWithDistinctOutputsAgree(LayerMethod method) throws Exception {
    float[] w = random(ROWS * COLS, 0.4, 20);
    try (LinearOp op = op(method, Kernels.best(), w, random(ROWS, 1, 21), 1)) {
      List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        int seed = t;
        futures.add(pool.submit(() -> {
          float[] x = random(COLS, 1, 100 + seed);
          float[] expected = new float[ROWS];
          op.run(x, expected);
          for (int i = 0; i < 300; i++) {
            float[] y = new float[ROWS];
            op.run(x, y);
            assertArrayEquals(expected, y, "thread " + seed + " run " + i);
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> f : futures) {
        f.get();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = LayerMethod.class, names = {"DENSE_BLAS", "DENSE_SIMD"})
  void denseMethodsWithThreadsMatchReference(LayerMethod method) {
    Kernels k = Kernels.best();
    float[] w = random(ROWS * COLS, 1, 10);
    float[] bias = random(ROWS, 1, 11);
    for (int threads : new int[] {2, 3}) {
      for (int batch : new int[] {1, 4}) {
        float[] x = random(COLS * batch, 1, 12);
        float[] y = new float[ROWS * batch];
        try (LinearOp op = op(method, k, w, bias, threads);
            AlignedBuffer xb = AlignedBuffer.copyOf(x);
            AlignedBuffer yb = AlignedBuffer.allocateFloats(ROWS * batch)) {
          op.run(xb, batch, yb);
          yb.getFloats(0, y);
        }
        assertMatchesReference(method + " threads " + threads, stored(method, w), ROWS, COLS,
            bias, EPILOGUE, x,
            batch, y);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(LayerMethod.class)
  void moreThreadsThanRowsWorks(LayerMethod method) {
    float[] w = {1, 2, 3, 4};
    try (LinearOp op = LinearOp.create(w, 2, 2, new float[] {0.5f, -0.5f}, Epilogue.IDENTITY,
        method, Kernels.best(), 3, pool)) {
      float[] y = new float[2];
      op.run(new float[] {1, 1}, y);
      assertArrayEquals(new float[] {3.5f, 6.5f}, y, 1e-6f);
    }
  }

  // No inputs: every output is the activated bias. No outputs: nothing to do.
  @ParameterizedTest
  @EnumSource(LayerMethod.class)
  void emptyShapesWork(LayerMethod method) {
    try (LinearOp op = LinearOp.create(new float[0], 3, 0, new float[] {-1f, 0f, 2f},
        Epilogue.RELU, method, Kernels.best(), 2, pool)) {
      float[] y = {9f, 9f, 9f};
      op.run(new float[0], y);
      assertArrayEquals(new float[] {0f, 0f, 2f}, y);
      try (AlignedBuffer x = AlignedBuffer.allocateFloats(0);
          AlignedBuffer yb = AlignedBuffer.allocateFloats(6)) {
        op.run(x, 2, yb);
        float[] batched = new float[6];
        yb.getFloats(0, batched);
        assertArrayEquals(new float[] {0f, 0f, 0f, 0f, 2f, 2f}, batched);
      }
    }
    try (LinearOp op = LinearOp.create(new float[0], 0, 4, null, Epilogue.RELU, method,
        Kernels.best(), 1, null)) {
      assertDoesNotThrow(() -> op.run(new float[4], new float[0]));
    }
  }

  @ParameterizedTest
  @EnumSource(LayerMethod.class)
  void reportsShapeAndStorage(LayerMethod method) {
    float[] w = random(ROWS * COLS, 0.25, 13);
    long nonzeros = 0;
    for (float v : w) {
      nonzeros += v != 0 ? 1 : 0;
    }
    Kernels k = Kernels.best();
    try (LinearOp op = op(method, k, w, null, 1)) {
      assertEquals(ROWS, op.rows());
      assertEquals(COLS, op.cols());
      assertEquals(method, op.method());
      assertSame(k, op.kernels());
      LayerMethod.Footprint footprint = method.footprint(w, ROWS, COLS, nonzeros);
      assertEquals(footprint.storedWeights(), op.storedWeights());
      assertEquals(footprint.storageBytes(), op.weightBytes());
      if (method == LayerMethod.NM) {
        // every slot, padding included; a float and a byte each
        NmPattern pattern = NmPattern.tightest(w, ROWS, COLS);
        assertEquals(NmMatrix.storedSlots(ROWS, COLS, pattern), op.storedWeights());
        assertEquals(5L * op.storedWeights(), op.weightBytes());
      } else if (method == LayerMethod.BSR16) {
        // every kept 16x1 block stores 16 values, its zeros included
        assertEquals(16L * BlockMatrix.countBlocks(w, ROWS, COLS), op.storedWeights());
        assertTrue(op.storedWeights() > nonzeros);
      } else if (method == LayerMethod.SELL) {
        // every lane of every slot, padding included
        long slots = SellMatrix.countSlots(w, ROWS, COLS);
        assertEquals(16L * slots, op.storedWeights());
        assertTrue(op.storedWeights() >= nonzeros);
        assertEquals(SellMatrix.storageBytes(ROWS, COLS, slots), op.weightBytes());
      } else if (method == LayerMethod.CSC16) {
        // one panel: a pointer per column and one more, then 2-byte row offsets and values
        assertEquals(nonzeros, op.storedWeights());
        assertEquals(4L * (COLS + 1) + 6L * nonzeros, op.weightBytes());
      } else if (method.isSparse()) {
        assertEquals(nonzeros, op.storedWeights());
        int index = method == LayerMethod.CSR ? 4 : 2;
        int value = method.precision() == Precision.BF16 ? 2 : 4;
        assertEquals(4L * (ROWS + 1) + (long) (value + index) * nonzeros, op.weightBytes());
      } else if (method == LayerMethod.DENSE_PACKED) {
        // the last panel is padded to 16 rows
        assertEquals((long) ROWS * COLS, op.storedWeights());
        assertEquals(4L * ((ROWS + 15) / 16 * 16) * COLS, op.weightBytes());
      } else {
        assertEquals((long) ROWS * COLS, op.storedWeights());
        assertEquals(4L * ROWS * COLS, op.weightBytes());
      }
      if (method != LayerMethod.SELL) {
        // sell's formula from a nonzero count is an estimate of its padding (SellMatrixTest
        // checks it against built layouts); the exact one is SellMatrix.storageBytes above
        assertEquals(method.storageBytes(ROWS, COLS, op.storedWeights()),
            op.weightBytes());
      }
    }
  }

  // --- bad input ---------------------------------------------------------------------------

  private static void assertRejectedNaming(Executable run, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, run);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should mention " + p);
    }
  }

  @ParameterizedTest
  @EnumSource(LayerMethod.class)
  void wrongArrayLengthsNameExpectedAndActual(LayerMethod method) {
    try (LinearOp op = op(method, Kernels.best(), random(ROWS * COLS, 1, 1), null, 1)) {
      assertRejectedNaming(() -> op.run(new float[COLS - 1], new float[ROWS]),
          String.valueOf(COLS - 1), String.valueOf(COLS));
      assertRejectedNaming(() -> op.run(new float[COLS + 1], new float[ROWS]),
          String.valueOf(COLS + 1), String.valueOf(COLS));
      assertRejectedNaming(() -> op.run(new float[COLS], new float[ROWS + 2]),
          String.valueOf(ROWS + 2), String.valueOf(ROWS));
      assertThrows(NullPointerException.class, () -> op.run((float[]) null, new float[ROWS]));
    }
  }

  @ParameterizedTest
  @EnumSource(LayerMethod.class)
  void tooSmallBuffersNameExpectedAndActual(LayerMethod method) {
    try (LinearOp op = op(method, Kernels.best(), random(ROWS * COLS, 1, 1), null, 1);
        AlignedBuffer x = AlignedBuffer.allocateFloats(COLS * 3);
        AlignedBuffer smallX = AlignedBuffer.allocateFloats(COLS * 3 - 1);
        AlignedBuffer y = AlignedBuffer.allocateFloats(ROWS * 3);
        AlignedBuffer smallY = AlignedBuffer.allocateFloats(ROWS * 3 - 1)) {
      assertRejectedNaming(() -> op.run(smallX, 3, y), String.valueOf(COLS * 3 - 1),
          String.valueOf(COLS * 3));
      assertRejectedNaming(() -> op.run(x, 3, smallY), String.valueOf(ROWS * 3 - 1),
          String.valueOf(ROWS * 3));
      assertRejectedNaming(() -> op.run(x, 4, y), String.valueOf(COLS * 4));
      assertRejectedNaming(() -> op.run(FloatBuffer.allocate(COLS - 1), FloatBuffer.allocate(ROWS)),
          String.valueOf(COLS - 1), String.valueOf(COLS));
      assertRejectedNaming(() -> op.run(FloatBuffer.allocate(COLS), FloatBuffer.allocate(ROWS - 1)),
          String.valueOf(ROWS - 1), String.valueOf(ROWS));
      // Larger buffers are fine.
      assertDoesNotThrow(() -> op.run(x, 2, y));
    }
  }

  // A FloatBuffer whose limit is below the size (e.g. after flip()) holds fewer floats than
  // its capacity: that is also a too-small buffer, not an IndexOutOfBoundsException.
  @Test
  void floatBufferWithLimitBelowSizeIsRejected() {
    try (LinearOp op = op(LayerMethod.CSR, Kernels.best(), random(ROWS * COLS, 1, 1), null, 1)) {
      FloatBuffer in = FloatBuffer.allocate(COLS + 10);
      in.limit(COLS - 1);
      assertRejectedNaming(() -> op.run(in, FloatBuffer.allocate(ROWS)),
          String.valueOf(COLS - 1), String.valueOf(COLS));
      FloatBuffer out = FloatBuffer.allocate(ROWS + 10);
      out.limit(ROWS - 1);
      assertRejectedNaming(() -> op.run(FloatBuffer.allocate(COLS), out),
          String.valueOf(ROWS - 1), String.valueOf(ROWS));
    }
  }

  @ParameterizedTest
  @EnumSource(LayerMethod.class)
  void batchBelowOneIsRejected(LayerMethod method) {
    try (LinearOp op = op(method, Kernels.best(), random(ROWS * COLS, 1, 1), null, 1);
        AlignedBuffer x = AlignedBuffer.allocateFloats(COLS);
        AlignedBuffer y = AlignedBuffer.allocateFloats(ROWS)) {
      assertRejectedNaming(() -> op.run(x, 0, y), "batch", "0");
      assertRejectedNaming(() -> op.run(x, -2, y), "batch", "-2");
    }
  }

  @ParameterizedTest
  @EnumSource(LayerMethod.class)
  void sameInputAndOutputBufferIsRejected(LayerMethod method) {
    try (LinearOp op = op(method, Kernels.best(), random(ROWS * COLS, 1, 1), null, 1);
        AlignedBuffer both = AlignedBuffer.allocateFloats(ROWS * COLS)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> op.run(both, both));
      assertTrue(e.getMessage().contains("different"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> op.run(both, 2, both));
    }
  }

  // A sealed buffer is read-only (matrices seal their validated arrays); the native kernels
  // would write into it anyway, e.g. into a CsrMatrix's row pointers, so it must be rejected.
  @ParameterizedTest
  @EnumSource(LayerMethod.class)
  void sealedOutputBufferIsRejected(LayerMethod method) {
    try (LinearOp op = op(method, Kernels.best(), random(ROWS * COLS, 1, 1), null, 1);
        AlignedBuffer x = AlignedBuffer.allocateFloats(COLS);
        AlignedBuffer y = AlignedBuffer.allocateFloats(ROWS).seal()) {
      assertThrows(IllegalArgumentException.class, () -> op.run(x, y));
      assertEquals(0f, y.getFloat(0), "sealed output was written");
    }
  }

  @ParameterizedTest
  @EnumSource(LayerMethod.class)
  void closedBuffersThrowIllegalState(LayerMethod method) {
    try (LinearOp op = op(method, Kernels.best(), random(ROWS * COLS, 1, 1), null, 1);
        AlignedBuffer y = AlignedBuffer.allocateFloats(ROWS)) {
      AlignedBuffer x = AlignedBuffer.allocateFloats(COLS);
      x.close();
      assertThrows(IllegalStateException.class, () -> op.run(x, y));
    }
  }

  @Test
  void invalidCreationArgumentsAreRejected() {
    float[] w = random(6, 1, 1);
    Kernels k = Kernels.best();
    assertRejectedNaming(() -> LinearOp.create(w, 2, 3, null, Epilogue.RELU, LayerMethod.CSR, k,
        0, null), "threads", "0");
    assertRejectedNaming(() -> LinearOp.create(w, 2, 3, new float[3], Epilogue.RELU,
        LayerMethod.CSR, k, 1, null), "3", "2");
    assertRejectedNaming(() -> LinearOp.create(w, 3, 3, null, Epilogue.RELU,
        LayerMethod.DENSE_BLAS, k, 1, null), "6");
    assertThrows(NullPointerException.class, () -> LinearOp.create(w, 2, 3, null, Epilogue.RELU,
        LayerMethod.CSR, k, 2, null));
    assertThrows(NullPointerException.class, () -> LinearOp.create(null, 2, 3, null,
        Epilogue.RELU, LayerMethod.CSR, k, 1, null));
    assertThrows(NullPointerException.class, () -> LinearOp.create(w, 2, 3, null, null,
        LayerMethod.CSR, k, 1, null));
    assertThrows(NullPointerException.class, () -> LinearOp.create(w, 2, 3, null,
        Epilogue.RELU, null, k, 1, null));
    assertThrows(NullPointerException.class, () -> LinearOp.create(w, 2, 3, null,
        Epilogue.RELU, LayerMethod.CSR, null, 1, null));
  }

  @Test
  void csr16WithMoreThan65536InputsIsRejected() {
    float[] w = new float[65537];
    w[65536] = 1f;
    assertRejectedNaming(() -> LinearOp.create(w, 1, 65537, null, Epilogue.IDENTITY,
        LayerMethod.CSR16, Kernels.best(), 1, null), "65536");
    try (LinearOp op = LinearOp.create(w, 1, 65537, null, Epilogue.IDENTITY, LayerMethod.CSR,
        Kernels.best(), 1, null)) {
      float[] x = new float[65537];
      x[65536] = 3f;
      float[] y = new float[1];
      op.run(x, y);
      assertEquals(3f, y[0]);
    }
  }

  // A NaN weight must give NaN outputs whatever the storage (the dense methods do).
  @ParameterizedTest
  @EnumSource(LayerMethod.class)
  void nanWeightGivesNanOutput(LayerMethod method) {
    float[] w = {Float.NaN, 1f, 2f, 3f};
    try (LinearOp op = LinearOp.create(w, 2, 2, null, Epilogue.IDENTITY, method, Kernels.best(),
        1, null)) {
      float[] y = new float[2];
      op.run(new float[] {1f, 1f}, y);
      assertTrue(Float.isNaN(y[0]), method + ": got " + y[0]);
      assertEquals(5f, y[1]);
    }
  }

  // --- lifecycle -----------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(LayerMethod.class)
  void runAfterCloseThrowsIllegalState(LayerMethod method) {
    LinearOp op = op(method, Kernels.best(), random(ROWS * COLS, 1, 1), random(ROWS, 1, 2), 2);
    op.run(new float[COLS], new float[ROWS]);
    op.close();
    try (AlignedBuffer x = AlignedBuffer.allocateFloats(COLS);
        AlignedBuffer y = AlignedBuffer.allocateFloats(ROWS)) {
      assertThrows(IllegalStateException.class, () -> op.run(x, y));
      assertThrows(IllegalStateException.class, () -> op.run(x, 1, y));
      assertThrows(IllegalStateException.class, () -> op.run(new float[COLS], new float[ROWS]));
      assertThrows(IllegalStateException.class,
          () -> op.run(FloatBuffer.allocate(COLS), FloatBuffer.allocate(ROWS)));
    }
  }

  @Test
  void closeIsIdempotent() {
    LinearOp op = op(LayerMethod.CSR, Kernels.best(), random(ROWS * COLS, 1, 1), null, 1);
    op.close();
    assertDoesNotThrow(op::close);
    assertThrows(IllegalStateException.class, () -> op.run(new float[COLS], new float[ROWS]));
  }
}
