package org.sparsenn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparsenn.kernel.JavaKernels;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.model.RecurrentLayer;
import org.sparsenn.model.RecurrentLayer.Cell;
import org.sparsenn.model.RecurrentLayer.Direction;
import org.sparsenn.model.ReferenceSequenceForward;
import org.sparsenn.model.SequenceOutput;
import org.sparsenn.sparse.RandomWeights;

/**
 * Sessions over recurrent networks against the double-precision oracle
 * ({@link ReferenceSequenceForward}): every cell, direction and output selection, stacked, on
 * every layer method, native and pure-Java kernels, one and several threads, at batch 1 and
 * larger batches.
 */
class RecurrentSessionTest {
  private static final double TOLERANCE = 1e-4;

  /** A layer with weights in [-0.5, 0.5) (so gates are not all saturated), some zero. */
  static RecurrentLayer layer(Cell cell, Direction direction, int inputs, int hidden,
      Activation activation, boolean linearBeforeReset, double sparsity, long seed) {
    int rows = direction.count() * cell.gates() * hidden;
    return new RecurrentLayer(cell, direction, inputs, hidden, activation, linearBeforeReset,
        scaled(RandomWeights.dense(rows, inputs, sparsity, seed)),
        scaled(RandomWeights.dense(rows, hidden, sparsity, seed + 1)),
        scaled(RandomWeights.vector(rows, seed + 2)), scaled(RandomWeights.vector(rows, seed + 3)));
  }

  private static float[] scaled(float[] v) {
    for (int i = 0; i < v.length; i++) {
      v[i] *= 0.5f;
    }
    return v;
  }

  private static DenseLayer dense(int in, int out, Activation activation, long seed) {
    return new DenseLayer(in, out, scaled(RandomWeights.dense(out, in, 0.3, seed)),
        RandomWeights.vector(out, seed + 1), activation);
  }

  /** Every cell and form, one front end each, with a dense head. */
  static List<Network> networks() {
    List<Network> nets = new ArrayList<>();
    int features = 13;
    nets.add(sequence(SequenceOutput.LAST_STEP,
        layer(Cell.LSTM, Direction.FORWARD, features, 17, Activation.TANH, false, 0.7, 1)));
    nets.add(sequence(SequenceOutput.LAST_STEP,
        layer(Cell.GRU, Direction.BIDIRECTIONAL, features, 9, Activation.TANH, true, 0.5, 2)));
    nets.add(sequence(SequenceOutput.FINAL_STATE,
        layer(Cell.GRU, Direction.FORWARD, features, 11, Activation.TANH, false, 0.8, 3)));
    nets.add(sequence(SequenceOutput.LAST_STEP,
        layer(Cell.RNN, Direction.REVERSE, features, 7, Activation.RELU, false, 0.2, 4)));
    nets.add(sequence(SequenceOutput.FINAL_STATE,
        layer(Cell.LSTM, Direction.BIDIRECTIONAL, features, 6, Activation.TANH, false, 0.6, 5)
            .withInitialState(RandomWeights.vector(12, 50), RandomWeights.vector(12, 51)),
        layer(Cell.GRU, Direction.BIDIRECTIONAL, 12, 5, Activation.TANH, false, 0.6, 6),
        layer(Cell.RNN, Direction.FORWARD, 10, 8, Activation.TANH, false, 0.0, 7)));
    return nets;
  }

  private static Network sequence(SequenceOutput output, RecurrentLayer... layers) {
    int width = layers[layers.length - 1].outputs();
    return Network.sequence(List.of(layers), output,
        List.of(dense(width, 10, Activation.RELU, 90), dense(10, 4, Activation.IDENTITY, 92)),
        true);
  }

  private static final Set<LayerMethod> STRUCTURED = EnumSet.of(LayerMethod.BSR16, LayerMethod.NM);

  static Stream<Arguments> methodsThreadsAndKernels() {
    List<Arguments> cases = new ArrayList<>();
    for (String kernels : List.of("best", "java")) {
      for (LayerMethod method : LayerMethod.values()) {
        // random weights: the structured formats are offered only for weights pruned in their
        // pattern, the lossy ones only at their precision (both tested on their own)
        if (STRUCTURED.contains(method) || method.precision() != Precision.FP32) {
          continue;
        }
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
  void everyMethodMatchesTheReference(String kernelsId, LayerMethod method, int threads) {
    SessionOptions options = SessionTest.options().threads(threads)
        .candidates(Set.of(method)).build();
    int n = 0;
    for (Network net : networks()) {
      try (Session session = Session.create(net, options, kernels(kernelsId))) {
        for (RecurrentMatrixPlan plan : session.recurrentPlans()) {
          assertEquals(method, plan.plan().single(), plan.describe());
          assertEquals(method, plan.plan().batched(), plan.describe());
        }
        for (int[] shape : new int[][] {{1, 1}, {1, 6}, {3, 5}, {8, 2}}) {
          int batch = shape[0];
          int steps = shape[1];
          float[] input = RandomWeights.vector(batch * steps * 13, 100 + batch + steps);
          float[] expected = ReferenceSequenceForward.forward(net, input, batch, steps);
          float[] actual = session.runSequences(input, batch, steps);
          assertClose(expected, actual, "network " + n + " " + net + " batch " + batch
              + " steps " + steps);
        }
      }
      n++;
    }
  }

  @Test
  void sparseMatricesArePlannedSparseAndDenseOnesDense() {
    Network net = sequence(SequenceOutput.LAST_STEP,
        layer(Cell.LSTM, Direction.FORWARD, 64, 64, Activation.TANH, false, 0.95, 8));
    try (Session session = Session.create(net, SessionTest.options().build())) {
      assertEquals(2, session.recurrentPlans().size());
      for (RecurrentMatrixPlan plan : session.recurrentPlans()) {
        assertTrue(plan.plan().single().isSparse(), plan.describe());
      }
    }
    Network dense = sequence(SequenceOutput.LAST_STEP,
        layer(Cell.LSTM, Direction.FORWARD, 64, 64, Activation.TANH, false, 0.0, 8));
    try (Session session = Session.create(dense, SessionTest.options().build())) {
      for (RecurrentMatrixPlan plan : session.recurrentPlans()) {
        assertFalse(plan.plan().single().isSparse(), plan.describe());
      }
    }
  }

  @Test
  void concurrentRunsGiveEachThreadItsOwnResult() throws Exception {
    Network net = networks().get(4);
    try (Session session = Session.create(net, SessionTest.options().build())) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> runs = new ArrayList<>();
        for (int thread = 0; thread < 4; thread++) {
          int seed = thread;
          runs.add(pool.submit(() -> {
            for (int round = 0; round < 20; round++) {
              int batch = 1 + (seed + round) % 3;
              int steps = 1 + round % 7;
              float[] input = RandomWeights.vector(batch * steps * 13, seed * 100 + round);
              float[] alone = session.runSequences(input, batch, steps);
              float[] again = session.runSequences(input, batch, steps);
              assertArrayEquals(alone, again);
              assertClose(ReferenceSequenceForward.forward(net, input, batch, steps), alone,
                  "thread " + seed + " round " + round);
            }
            return null;
          }));
        }
        for (Future<?> run : runs) {
          run.get();
        }
      } finally {
        pool.shutdown();
      }
    }
  }

  @Test
  void wrongFormsAndSizesAreRejected() {
    Network net = networks().get(0);
    Session session = Session.create(net, SessionTest.options().build());
    assertTrue(session.readsSequences());
    assertEquals(13, session.inputs());
    assertThrows(IllegalArgumentException.class, () -> session.run(new float[13]));
    assertThrows(IllegalArgumentException.class, () -> session.run(new float[13], 1,
        new float[4]));
    assertThrows(IllegalArgumentException.class,
        () -> session.runSequences(new float[13 * 5], 1, 4));
    assertThrows(IllegalArgumentException.class, () -> session.runSequences(new float[0], 1, 0));
    assertThrows(IllegalArgumentException.class,
        () -> session.runSequences(new float[13], 1, 1, new float[3]));
    session.close();
    assertThrows(IllegalStateException.class, () -> session.runSequences(new float[13], 1, 1));
    Network feedForward = new Network(List.of(dense(13, 4, Activation.RELU, 3)), false);
    try (Session plain = Session.create(feedForward, SessionTest.options().build())) {
      assertFalse(plain.readsSequences());
      assertTrue(plain.recurrentPlans().isEmpty());
      assertThrows(IllegalArgumentException.class,
          () -> plain.runSequences(new float[13], 1, 1));
    }
  }

  /**
   * The fused native gates against the Java gate math over long sequences (28 steps, the
   * state carrying every step's rounding), hidden 1 and sizes off every vector width, batch 1
   * and more, every cell: within the oracle tolerance of each other.
   */
  @Test
  void nativeAndJavaGatesAgreeOverLongSequences() {
    org.junit.jupiter.api.Assumptions.assumeTrue(Kernels.best().isNative(), "native not loaded");
    int steps = 28;
    int features = 5;
    List<Network> nets = new ArrayList<>();
    for (int hidden : new int[] {1, 19, 40}) {
      nets.add(sequence(SequenceOutput.LAST_STEP,
          layer(Cell.LSTM, Direction.FORWARD, features, hidden, Activation.TANH, false, 0.5, 11)));
      nets.add(sequence(SequenceOutput.FINAL_STATE,
          layer(Cell.GRU, Direction.BIDIRECTIONAL, features, hidden, Activation.TANH, true, 0.5,
              12)));
      nets.add(sequence(SequenceOutput.LAST_STEP,
          layer(Cell.GRU, Direction.FORWARD, features, hidden, Activation.TANH, false, 0.5, 13)));
      nets.add(sequence(SequenceOutput.LAST_STEP,
          layer(Cell.RNN, Direction.FORWARD, features, hidden, Activation.RELU, false, 0.5, 14)));
    }
    SessionOptions options = SessionTest.options().build();
    for (Network net : nets) {
      try (Session fused = Session.create(net, options, Kernels.best());
          Session java = Session.create(net, options, JavaKernels.instance())) {
        for (int batch : new int[] {1, 9}) {
          float[] input = RandomWeights.vector(batch * steps * features, 200 + batch);
          assertClose(java.runSequences(input, batch, steps),
              fused.runSequences(input, batch, steps), net + " batch " + batch);
        }
      }
    }
  }

  static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(expected[i] - actual[i]) <= TOLERANCE)) {
        fail(what + ": element " + i + " expected " + expected[i] + " but was " + actual[i]);
      }
    }
  }
}
