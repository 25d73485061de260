package org.sparsenn.cli.sweep;

import java.util.Arrays;
import org.sparsenn.engine.Session;

/**
 * The median latency of a session at one batch size: a warm-up, then timed samples of enough
 * calls to last about a millisecond each, within a time budget. A quick demonstration figure,
 * not a benchmark: quotable numbers come from JMH (bench/).
 */
final class LatencyMeter {
  private static final long SAMPLE_NANOS = 1_000_000;
  private static final int MAX_SAMPLES = 31;

  private LatencyMeter() {}

  /**
   * Median µs per call of {@code session} on {@code batch} rows of {@code inputs}; a session that
   * reads sequences gets {@code batch} sequences of {@code inputs.length / rows} values each.
   */
  static double medianMicros(Session session, float[] inputs, int rows, int batch,
      long budgetNanos) {
    int width = inputs.length / rows;
    int steps = session.readsSequences() ? width / session.inputs() : 0;
    float[] x = Arrays.copyOf(inputs, batch * width);
    float[] y = new float[batch * session.outputs()];
    long start = System.nanoTime();
    // Warm-up: half the budget (the JIT compiles each new session's path), at least 5 calls.
    int calls = 0;
    while (calls < 5 || System.nanoTime() - start < budgetNanos / 2) {
      run(session, x, batch, steps, y);
      calls++;
    }
    double perCall = (System.nanoTime() - start) / (double) calls;
    int loops = (int) Math.max(1, Math.min(1_000_000, SAMPLE_NANOS / perCall));
    double[] samples = new double[MAX_SAMPLES];
    int taken = 0;
    while (taken < MAX_SAMPLES && (taken < 3 || System.nanoTime() - start < budgetNanos)) {
      long t0 = System.nanoTime();
      for (int i = 0; i < loops; i++) {
        run(session, x, batch, steps, y);
      }
      samples[taken++] = (System.nanoTime() - t0) / 1000.0 / loops;
    }
    double[] sorted = Arrays.copyOf(samples, taken);
    Arrays.sort(sorted);
    return sorted[taken / 2];
  }

  private static void run(Session session, float[] x, int batch, int steps, float[] y) {
    if (steps > 0) {
      session.runSequences(x, batch, steps, y);
    } else {
      session.run(x, batch, y);
    }
  }
}
