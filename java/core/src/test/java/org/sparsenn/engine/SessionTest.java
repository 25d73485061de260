package org.sparsenn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparsenn.kernel.IndexWidth;
import org.sparsenn.kernel.JavaKernels;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.model.ReferenceForward;
import org.sparsenn.sparse.CsrMatrix;
import org.sparsenn.sparse.RandomWeights;

class SessionTest {
  /**
   * Figures that make sparse storage pay above about 60% sparsity, so plans are predictable
   * without measuring this machine.
   */
  static final MachineProfile FIXED_PROFILE = fixedProfile();

  private static MachineProfile fixedProfile() {
    Map<LayerMethod, KernelFigures> figures = new EnumMap<>(LayerMethod.class);
    figures.put(LayerMethod.DENSE_BLAS, figures(0.5, 0, 0.10, 0.25));
    figures.put(LayerMethod.DENSE_SIMD, figures(0.3, 0, 0.12, 0.26));
    figures.put(LayerMethod.DENSE_PACKED, figures(0.3, 0, 0.13, 0.27));
    figures.put(LayerMethod.CSR, figures(0.3, 1.0, 0.30, 0.60));
    figures.put(LayerMethod.CSR16, figures(0.3, 1.0, 0.25, 0.50));
    // slower than CSR per weight read: only the inputs' zeros can make it win
    figures.put(LayerMethod.CSC16, figures(0.3, 1.0, 0.50, 1.00));
    figures.put(LayerMethod.CSR16_BF16, figures(0.3, 1.0, 0.20, 0.35));
    figures.put(LayerMethod.BSR16, figures(0.3, 0.5, 0.14, 0.28));  // per stored value
    figures.put(LayerMethod.NM, figures(0.3, 0, 0.05, 0.30));
    // per lane, padding included: slower than CSR16 on these tests' random layers
    figures.put(LayerMethod.SELL, figures(0.3, 1.0, 0.30, 0.60));
    return new MachineProfile("fixed test figures", figures, figures, figures);
  }

  private static KernelFigures figures(double call, double row, double cached, double streamed) {
    return new KernelFigures(call, row, List.of(new KernelFigures.CostPoint(1 << 18, cached),
        new KernelFigures.CostPoint(1 << 26, streamed)));
  }

  static SessionOptions.Builder options() {
    return SessionOptions.builder().profile(FIXED_PROFILE);
  }

  /** A 3-layer network of every activation, with some sparsity, and a softmax. */
  static Network network(int inputs, int hidden, int outputs, double sparsity, long seed) {
    return new Network(List.of(
        layer(inputs, hidden, sparsity, seed, Activation.leakyRelu(0.1f)),
        layer(hidden, hidden + 3, sparsity, seed + 1, Activation.GELU),
        layer(hidden + 3, outputs, sparsity, seed + 2, Activation.TANH)), true);
  }

  static DenseLayer layer(int in, int out, double sparsity, long seed, Activation activation) {
    return new DenseLayer(in, out, RandomWeights.dense(out, in, sparsity, seed),
        RandomWeights.vector(out, seed + 100), activation);
  }

  static Stream<Arguments> methodsThreadsAndKernels() {
    List<Arguments> cases = new ArrayList<>();
    for (String kernels : List.of("best", "java")) {
      for (LayerMethod method : LayerMethod.values()) {
        for (int threads : new int[] {1, 3}) {
          cases.add(Arguments.of(kernels, method, threads));
        }
      }
    }
    return cases.stream();
  }

  private static Kernels kernels(String id) {
    return id.equals("java") ? JavaKernels.instance() : Kernels.best();
  }

  @ParameterizedTest(name = "{0} {1} threads={2}")
  @MethodSource("methodsThreadsAndKernels")
  void everyMethodMatchesTheReferenceAtEveryBatch(String kernelsId, LayerMethod method,
      int threads) {
    Network net = network(37, 29, 11, 0.6, 5);
    SessionOptions.Builder options = options().threads(threads).precision(method.precision());
    for (int i = 0; i < net.layers().size(); i++) {
      options.override(i, method);
    }
    // a lossy method computes with the rounded weights
    Network stored = method.precision().roundWeights(net);
    try (Session session = Session.create(net, options.build(), kernels(kernelsId))) {
      for (int batch : new int[] {1, 2, 7, 33}) {
        float[] input = RandomWeights.vector(batch * 37, batch);
        float[] expected = ReferenceForward.forward(stored, input, batch);
        float[] actual = new float[batch * 11];
        session.run(input, batch, actual);
        assertClose(expected, actual, method + " batch " + batch);
      }
    }
  }

  @Test
  void everyInputFormGivesTheSameOutputs() {
    Network net = network(19, 8, 5, 0.5, 9);
    try (Session session = Session.create(net, options().build())) {
      float[][] rows = new float[4][];
      float[] flat = new float[4 * 19];
      for (int r = 0; r < 4; r++) {
        rows[r] = RandomWeights.vector(19, 40 + r);
        System.arraycopy(rows[r], 0, flat, r * 19, 19);
      }
      float[] expected = ReferenceForward.forward(net, flat, 4);
      float[][] byRows = session.run(rows);
      for (int r = 0; r < 4; r++) {
        assertClose(slice(expected, r * 5, 5), byRows[r], "row " + r);
        assertClose(slice(expected, r * 5, 5), session.run(rows[r]), "single " + r);
      }
      FloatBuffer in = ByteBuffer.allocateDirect(flat.length * 4)
          .order(ByteOrder.nativeOrder()).asFloatBuffer().put(flat);
      FloatBuffer out = FloatBuffer.allocate(20);
      session.run(in, 4, out);
      assertClose(expected, out.array(), "FloatBuffer");
      assertEquals(flat.length, in.position(), "input position untouched");
      assertEquals(0, out.position(), "output position untouched");
      FloatBuffer one = FloatBuffer.wrap(rows[2].clone());
      FloatBuffer oneOut = ByteBuffer.allocateDirect(5 * 4).order(ByteOrder.nativeOrder())
          .asFloatBuffer();
      session.run(one, 1, oneOut);
      float[] got = new float[5];
      oneOut.get(0, got);
      assertClose(slice(expected, 10, 5), got, "FloatBuffer, one sample");
      assertEquals(0, session.run(new float[0][]).length);
    }
  }

  @Test
  void aNetworkWithPrunedInputFeaturesTakesFullInputs() {
    Network small = network(4, 6, 3, 0.0, 21);
    Network selective = small.withInputSelection(9, new int[] {1, 4, 5, 8});
    for (int batch : new int[] {1, 5}) {
      float[] full = RandomWeights.vector(batch * 9, 77 + batch);
      float[] kept = new float[batch * 4];
      for (int b = 0; b < batch; b++) {
        for (int c = 0; c < 4; c++) {
          kept[b * 4 + c] = full[b * 9 + new int[] {1, 4, 5, 8}[c]];
        }
      }
      try (Session session = Session.create(selective, options().build())) {
        assertEquals(9, session.inputs());
        float[] out = new float[batch * 3];
        session.run(full, batch, out);
        float[] expected = ReferenceForward.forward(small, kept, batch);
        assertClose(expected, out, "batch " + batch);
        FloatBuffer viaBuffer = FloatBuffer.allocate(batch * 3);
        session.run(FloatBuffer.wrap(full), batch, viaBuffer);
        assertClose(expected, viaBuffer.array(), "FloatBuffer batch " + batch);
      }
    }
  }

  @Test
  void storedCsrLayersAreBorrowedNotCopiedAndOutliveTheSession() {
    Network net = network(40, 30, 6, 0.9, 31);
    DenseLayer first = net.layers().get(0);
    CsrMatrix stored = CsrMatrix.fromDense(first.weights(), first.outputs(), first.inputs(), 0f,
        IndexWidth.UINT16);
    List<CsrMatrix> storedLayers = new ArrayList<>();
    storedLayers.add(stored);
    storedLayers.add(null);
    storedLayers.add(null);
    try (Session session = Session.create(net, storedLayers,
        options().override(0, LayerMethod.CSR16).build())) {
      for (int batch : new int[] {1, 4}) {
        float[] input = RandomWeights.vector(batch * 40, 3);
        float[] out = new float[batch * 6];
        session.run(input, batch, out);
        assertClose(ReferenceForward.forward(net, input, batch), out, "batch " + batch);
      }
    }
    assertTrue(!stored.isClosed(), "the session must not close a borrowed matrix");
    stored.close();
    List<CsrMatrix> wrongShape = new ArrayList<>();
    wrongShape.add(CsrMatrix.fromDense(new float[6], 2, 3, 0f, IndexWidth.INT32));
    wrongShape.add(null);
    wrongShape.add(null);
    var e = assertThrows(IllegalArgumentException.class,
        () -> Session.create(net, wrongShape, options().build()));
    assertTrue(e.getMessage().contains("stored matrix is 2 x 3, the layer is 30 x 40"),
        e.getMessage());
    wrongShape.get(0).close();
  }

  @Test
  void softmaxFollowsTheOptionOverTheModel() {
    Network net = network(6, 5, 4, 0.0, 3);
    float[] input = RandomWeights.vector(6, 1);
    try (Session raw = Session.create(net, options().softmax(false).build())) {
      float[] logits = raw.run(input);
      Network noSoftmax = new Network(net.layers(), false);
      assertClose(ReferenceForward.forward(noSoftmax, input, 1), logits, "logits");
    }
  }

  @Test
  void estimatePicksSparseForSparseLayersAndDenseForDenseOnes() {
    Network net = new Network(List.of(
        layer(512, 512, 0.95, 1, Activation.RELU),
        layer(512, 512, 0.0, 2, Activation.RELU)), false);
    Plan plan = Planner.plan(net, options().build(), Kernels.best());
    assertEquals(LayerMethod.CSR16, plan.layers().get(0).single());
    assertEquals(LayerMethod.DENSE_BLAS, plan.layers().get(1).single());
    assertEquals("estimated", plan.layers().get(0).reason());
    String text = plan.describe();
    assertTrue(text.contains("layer 0: 512 x 512"), text);
    assertTrue(text.contains("batch 1 -> csr16"), text);
    assertTrue(text.contains("dense_blas"), text);
  }

  @Test
  void lossyMethodsArePlannedOnlyAtTheirPrecision() {
    Network net = new Network(List.of(layer(200, 300, 0.9, 1, Activation.RELU)), false);
    Plan exact = Planner.plan(net, options().build(), Kernels.best());
    for (Plan.Candidate c : exact.layers().get(0).singleCandidates()) {
      assertEquals(Precision.FP32, c.method().precision(), c.toString());
    }
    for (Plan.Candidate c : exact.layers().get(0).batchedCandidates()) {
      assertEquals(Precision.FP32, c.method().precision(), c.toString());
    }
    // the fixed figures make bf16 the cheapest sparse method: chosen once allowed
    Plan lossy = Planner.plan(net, options().precision(Precision.BF16).build(), Kernels.best());
    assertEquals(LayerMethod.CSR16_BF16, lossy.layers().get(0).single());
    var forced = assertThrows(IllegalArgumentException.class, () -> Planner.plan(net,
        options().override(0, LayerMethod.CSR16_BF16).build(), Kernels.best()));
    assertTrue(forced.getMessage().contains("precision is fp32"), forced.getMessage());
    try (Session session = Session.create(net,
        options().precision(Precision.BF16).build(), Kernels.best())) {
      float[] input = RandomWeights.vector(200, 3);
      assertClose(ReferenceForward.forward(Precision.BF16.roundWeights(net), input, 1),
          session.run(input), "bf16 session");
    }
  }

  void estimatePicksBlocksOnlyWhereTheNonzerosFillThem() {
    // 90% sparse either way: in whole 16x1 blocks, or scattered (16x1 blocks about 12% full)
    Network net = new Network(List.of(
        new DenseLayer(512, 512, blockSparse(512, 512, 0.1, 5), new float[512], Activation.RELU),
        layer(512, 512, 0.9, 6, Activation.RELU)), false);
    Plan plan = Planner.plan(net, options().build(), Kernels.best());
    assertEquals(LayerMethod.BSR16, plan.layers().get(0).single());
    assertEquals(LayerMethod.BSR16, plan.layers().get(0).batched());
    assertEquals(LayerMethod.CSR16, plan.layers().get(1).single());
    assertTrue(plan.layers().get(1).singleCandidates().stream()
        .noneMatch(c -> c.method() == LayerMethod.BSR16), plan.describe());
    // forced, it still runs the scattered layer, and right
    Network scattered = new Network(List.of(net.layers().get(1)), false);
    float[] input = RandomWeights.vector(512, 9);
    try (Session forced = Session.create(scattered,
        options().override(0, LayerMethod.BSR16).build())) {
      assertClose(ReferenceForward.forward(scattered, input, 1), forced.run(input), "forced");
    }
  }

  /** {@code rows x cols} weights of which a fraction {@code keep} of the 16x1 blocks is kept. */
  static float[] blockSparse(int rows, int cols, double keep, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] w = new float[rows * cols];
    for (int r0 = 0; r0 < rows; r0 += 16) {
      for (int c = 0; c < cols; c++) {
        if (random.nextDouble() < keep) {
          for (int r = r0; r < Math.min(rows, r0 + 16); r++) {
            w[r * cols + c] = (float) (random.nextDouble() - 0.5);
          }
        }
      }
    }
    return w;
  }

  @Test
  void nmIsACandidateOnlyForLayersThatFollowASparseNmPattern() {
    float[] w = RandomWeights.dense(64, 96, 0, 5);
    for (int i = 0; i < w.length; i++) {
      if (i % 4 >= 2) {
        w[i] = 0f; // 2:4 along the inputs
      }
    }
    Network net = new Network(List.of(
        new DenseLayer(96, 64, w, RandomWeights.vector(64, 6), Activation.RELU),
        layer(64, 32, 0.5, 7, Activation.RELU)), false);
    Plan plan = Planner.plan(net, options().build(), Kernels.best());
    var nmLayer = plan.layers().get(0).singleCandidates().stream()
        .filter(c -> c.method() == LayerMethod.NM).toList();
    assertEquals(1, nmLayer.size(), plan.describe());
    // 2:4: 48 slots of 5 bytes per row
    assertEquals(64L * 48 * 5, nmLayer.get(0).weightBytes(), plan.describe());
    assertEquals(LayerMethod.NM, plan.layers().get(0).single(), plan.describe());
    assertTrue(plan.layers().get(1).singleCandidates().stream()
        .noneMatch(c -> c.method() == LayerMethod.NM), plan.describe());
    try (Session session = Session.create(net, options().build())) {
      float[] input = RandomWeights.vector(96, 8);
      assertClose(ReferenceForward.forward(net, input, 1), session.run(input), "2:4 layer");
    }
  }

  @Test
  void candidatesRestrictTheChoiceAndWideLayersNeverGetCsr16() {
    Network net = new Network(List.of(layer(70_000, 1, 0.99, 1, Activation.RELU)), false);
    Plan plan = Planner.plan(net, options()
        .candidates(Set.of(LayerMethod.CSR16, LayerMethod.CSR)).build(), Kernels.best());
    assertEquals(LayerMethod.CSR, plan.layers().get(0).single());
    assertEquals(1, plan.layers().get(0).singleCandidates().size());
    var e = assertThrows(IllegalArgumentException.class, () -> Planner.plan(net,
        options().candidates(Set.of(LayerMethod.CSR16)).build(), Kernels.best()));
    assertTrue(e.getMessage().contains("CSR16 takes at most 65536"), e.getMessage());
    var forced = assertThrows(IllegalArgumentException.class, () -> Planner.plan(net,
        options().override(0, LayerMethod.CSR16).build(), Kernels.best()));
    assertTrue(forced.getMessage().contains("70000 inputs"), forced.getMessage());
  }

  @Test
  void measureTimesTheShortlistAndRunsWhatItChose() {
    Network net = network(300, 200, 10, 0.9, 4);
    SessionOptions options = options().planning(PlanningMode.MEASURE)
        .measureBudget(Duration.ofMillis(60)).build();
    try (Session session = Session.create(net, options)) {
      Plan plan = session.plan();
      assertEquals(PlanningMode.MEASURE, plan.mode());
      for (Plan.LayerPlan layer : plan.layers()) {
        Plan.Candidate chosen = layer.singleCandidates().get(0);
        assertEquals(layer.single(), chosen.method());
        for (Plan.Candidate other : layer.singleCandidates()) {
          if (other.measured()) {
            // the cost model's favourite stands when it measured within 5% of the fastest
            assertTrue(chosen.measured() && chosen.measuredMicros()
                <= other.measuredMicros() * (1 + Planner.MEASURE_NOISE) + 1e-9,
                plan.describe());
          }
        }
      }
      float[] input = RandomWeights.vector(300, 2);
      assertClose(ReferenceForward.forward(net, input, 1), session.run(input), "measured plan");
    }
  }

  @Test
  void nearlyEqualPredictionsFavourTheSmallerStorage() {
    // the 784-1024-1024-10 model's first layer at 90%: csr predicted 0.1% faster than csr16
    Plan.Candidate csr = new Plan.Candidate(LayerMethod.CSR, 887_252, 26.21, 29.4);
    Plan.Candidate csr16 = new Plan.Candidate(LayerMethod.CSR16, 666_440, 26.24, 28.5);
    assertTrue(Planner.predictedBetter(csr16, csr));
    assertFalse(Planner.predictedBetter(csr, csr16));
    // beyond the noise band the prediction decides, whatever the storage
    Plan.Candidate dense = new Plan.Candidate(LayerMethod.DENSE_PACKED, 3_211_264, 48.4, 38.8);
    assertTrue(Planner.predictedBetter(csr, dense));
    assertFalse(Planner.predictedBetter(dense, csr16));
  }

  @Test
  void onlyLayersWithEnoughWorkAreHandedToOtherThreads() {
    AtomicInteger handedOff = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Executor counting = task -> {
      handedOff.incrementAndGet();
      pool.execute(task);
    };
    try {
      Network small = network(40, 30, 5, 0.0, 1);
      try (Session session = Session.create(small,
          options().threads(3).executor(counting).build())) {
        session.run(RandomWeights.vector(40, 1));
      }
      assertEquals(0, handedOff.get(), "a small network runs on the caller's thread");
      Network large = new Network(List.of(layer(700, 400, 0.0, 2, Activation.RELU)), false);
      try (Session session = Session.create(large,
          options().threads(3).executor(counting).override(0, LayerMethod.DENSE_SIMD).build())) {
        float[] input = RandomWeights.vector(700, 3);
        assertClose(ReferenceForward.forward(large, input, 1), session.run(input), "split");
      }
      assertEquals(2, handedOff.get(), "two of three ranges of a 280,000-weight layer");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentCallersGetBitIdenticalResultsToSerialCalls() throws Exception {
    // The first layer (600 x 480) is large enough to be split across the session's threads.
    Network net = network(600, 480, 10, 0.0, 8);
    int callers = 8;
    int calls = 100;
    try (Session session = Session.create(net, options().threads(2).build())) {
      float[][] inputs = new float[16][];
      float[][] expected = new float[16][];
      for (int i = 0; i < inputs.length; i++) {
        int batch = 1 + i % 4;
        inputs[i] = RandomWeights.vector(batch * 600, i);
        expected[i] = new float[batch * 10];
        session.run(inputs[i], batch, expected[i]);
      }
      ExecutorService pool = Executors.newFixedThreadPool(callers);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
          int caller = c;
          futures.add(pool.submit(() -> {
            for (int call = 0; call < calls; call++) {
              int i = (caller * 7 + call) % inputs.length;
              float[] out = new float[expected[i].length];
              session.run(inputs[i], out.length / 10, out);
              assertArrayEquals(expected[i], out, "caller " + caller + " call " + call);
            }
            return null;
          }));
        }
        for (Future<?> f : futures) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void closeWhileOtherThreadsRunLetsThemFinishAndThenRefusesRuns() throws Exception {
    Network net = network(128, 96, 10, 0.5, 12);
    Session session = Session.create(net, options().threads(2).build());
    int callers = 4;
    CountDownLatch running = new CountDownLatch(callers);
    AtomicBoolean unexpected = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < callers; c++) {
      Thread t = new Thread(() -> {
        float[] input = RandomWeights.vector(128 * 3, 5);
        float[] out = new float[30];
        running.countDown();
        try {
          while (true) {
            session.run(input, 3, out);
          }
        } catch (IllegalStateException e) {
          if (!e.getMessage().contains("closed")) {
            unexpected.set(true);
          }
        } catch (Throwable t2) {
          unexpected.set(true);
        }
      });
      t.start();
      threads.add(t);
    }
    running.await();
    Thread.sleep(20);
    session.close();
    for (Thread t : threads) {
      t.join(10_000);
      assertTrue(!t.isAlive(), "caller still running after close");
    }
    assertTrue(!unexpected.get(), "a caller failed with something other than 'closed'");
    var e = assertThrows(IllegalStateException.class, () -> session.run(new float[128]));
    assertTrue(e.getMessage().contains("closed"));
    session.close();
  }

  @Test
  void wrongShapesNameExpectedAndActual() {
    try (Session session = Session.create(network(10, 6, 3, 0.0, 1), options().build())) {
      var e = assertThrows(IllegalArgumentException.class, () -> session.run(new float[9]));
      assertEquals("input has length 9, expected 10", e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> session.run(new float[10], new float[4]));
      assertEquals("output has length 4, expected 3", e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> session.run(new float[][] {new float[10], new float[11]}));
      assertEquals("batch row 1 has length 11, expected 10", e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> session.run(new float[20], 3, new float[9]));
      assertEquals("input has length 20, expected 30", e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> session.run(new float[0], 0, new float[0]));
      assertEquals("batch must be >= 1, got 0", e.getMessage());
    }
  }

  @Test
  void badOptionsAreRefusedBeforeAnythingIsBuilt() {
    Network net = network(10, 6, 3, 0.0, 1);
    var e = assertThrows(IllegalArgumentException.class,
        () -> Session.create(net, options().override(3, LayerMethod.CSR).build()));
    assertTrue(e.getMessage().contains("override for layer 3"), e.getMessage());
    var missing = assertThrows(IllegalStateException.class, () -> Session.create(net,
        options().requireNative(true).build(), JavaKernels.instance()));
    assertTrue(missing.getMessage().contains("native library is required"));
    assertThrows(IllegalArgumentException.class, () -> SessionOptions.builder().threads(0));
    assertThrows(IllegalArgumentException.class,
        () -> SessionOptions.builder().candidates(Set.of()));
  }

  private static float[] slice(float[] a, int from, int length) {
    float[] s = new float[length];
    System.arraycopy(a, from, s, 0, length);
    return s;
  }

  static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double tolerance = 1e-4 + 1e-4 * Math.abs(expected[i]);
      if (!(Math.abs(expected[i] - actual[i]) <= tolerance)) {
        fail(what + ": element " + i + " expected " + expected[i] + " but was " + actual[i]);
      }
    }
  }
}
