package org.sparsenn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sparsenn.kernel.Epilogue;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.sparse.RandomWeights;

/** The chunks of a parallel layer are shared out however late, or never, the helpers run. */
@Timeout(60)  // waiting on a helper that never runs would hang
class ParallelRangesTest {
  // Enough weights that a batch-1 run is split (ParallelRanges.MIN_PARALLEL_WORK).
  private static final int ROWS = 700;
  private static final int COLS = 600;

  /**
   * The op's output with every chunk run in turn on the caller: the same ranges (a dense
   * kernel's sums may round differently when a range starts elsewhere), one thread.
   */
  private static float[] expected(LayerMethod method, float[] w, float[] bias, float[] x,
      int threads) {
    float[] y = new float[ROWS];
    try (LinearOp op = LinearOp.create(w, ROWS, COLS, bias, Epilogue.RELU, method,
        Kernels.best(), threads, Runnable::run)) {
      op.run(x, y);
    }
    return y;
  }

  private static float[] weights() {
    float[] w = RandomWeights.vector(ROWS * COLS, 5);
    for (int i = 0; i < w.length; i += 3) {
      w[i] = 0;  // some zeros, so CSR ranges differ in length
    }
    return w;
  }

  @Test
  void eachThreadHasALargeAndASmallChunk() {
    assertArrayEquals(new double[] {1.0}, LinearOp.chunkCuts(1));
    assertArrayEquals(new double[] {0.4, 0.8, 0.9, 1.0}, LinearOp.chunkCuts(2), 1e-12);
    for (int threads = 2; threads <= 16; threads++) {
      double[] cuts = LinearOp.chunkCuts(threads);
      assertEquals(2 * threads, cuts.length);
      assertEquals(1.0, cuts[cuts.length - 1]);
      for (int i = 1; i < cuts.length; i++) {
        double large = cuts[0];
        double size = cuts[i] - cuts[i - 1];
        assertEquals(i < threads ? large : large / 4, size, 1e-12, threads + " threads, " + i);
      }
    }
  }

  @Test
  void threadCountsBeyondTheClaimWordAreRejected() {
    float[] w = new float[4];
    assertThrows(IllegalArgumentException.class,
        () -> LinearOp.create(w, 2, 2, null, Epilogue.RELU, LayerMethod.DENSE_SIMD,
            Kernels.best(), ParallelRanges.MAX_CHUNKS / 2 + 1, Runnable::run));
  }

  @ParameterizedTest
  @EnumSource(LayerMethod.class)
  void theCallerRunsEveryChunkWhenHelpersNeverStart(LayerMethod method) {
    float[] w = weights();
    float[] bias = RandomWeights.vector(ROWS, 6);
    float[] x = RandomWeights.vector(COLS, 7);
    float[] expected = expected(method, w, bias, x, 3);
    List<Runnable> held = new ArrayList<>();
    Executor never = held::add;
    try (LinearOp op = LinearOp.create(w, ROWS, COLS, bias, Epilogue.RELU, method,
        Kernels.best(), 3, never)) {
      float[] y = new float[ROWS];
      for (int call = 0; call < 5; call++) {
        op.run(x, y);
        assertArrayEquals(expected, y, method + " call " + call);
      }
      assertEquals(2, held.size(), "helpers still queued are not handed out again");
      // The helpers start long after their call ended: they find nothing to claim.
      held.forEach(Runnable::run);
      float[] again = new float[ROWS];
      op.run(x, again);
      assertArrayEquals(expected, again, method + " after the late helpers");
      assertEquals(4, held.size(), "returned helpers are handed out for the next call");
    }
  }

  @ParameterizedTest
  @EnumSource(LayerMethod.class)
  void aLateHelperJoinsWhicheverCallIsCurrent(LayerMethod method) {
    float[] w = weights();
    float[] bias = RandomWeights.vector(ROWS, 8);
    float[] x = RandomWeights.vector(COLS, 9);
    float[] expected = expected(method, w, bias, x, 3);
    List<Runnable> held = new ArrayList<>();
    // Holds each helper until the next hand-off, which may be in the next call: a helper
    // handed out by one call then runs during the next.
    Executor late = task -> {
      List<Runnable> earlier = new ArrayList<>(held);
      held.clear();
      held.add(task);
      earlier.forEach(Runnable::run);
    };
    try (LinearOp op = LinearOp.create(w, ROWS, COLS, bias, Epilogue.RELU, method,
        Kernels.best(), 3, late)) {
      for (int call = 0; call < 6; call++) {
        float[] y = new float[ROWS];
        op.run(x, y);
        assertArrayEquals(expected, y, method + " call " + call);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(LayerMethod.class)
  void aRejectingExecutorLeavesTheWorkToTheCaller(LayerMethod method) {
    float[] w = weights();
    float[] x = RandomWeights.vector(COLS, 10);
    float[] expected = expected(method, w, null, x, 4);
    Executor rejecting = task -> {
      throw new RejectedExecutionException("full");
    };
    try (LinearOp op = LinearOp.create(w, ROWS, COLS, null, Epilogue.RELU, method,
        Kernels.best(), 4, rejecting)) {
      float[] y = new float[ROWS];
      op.run(x, y);
      assertArrayEquals(expected, y, method.toString());
    }
  }
}
