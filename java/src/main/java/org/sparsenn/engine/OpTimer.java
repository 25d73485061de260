package org.sparsenn.engine;

import java.util.Arrays;
import org.sparsenn.kernel.AlignedBuffer;

/** Times a {@link LinearOp} on given buffers: the median of repeated runs after a warm-up. */
final class OpTimer {
  // A timed sample spans at least this long, so a sub-microsecond call is timed in a loop.
  private static final long MIN_SAMPLE_NANOS = 20_000;

  private OpTimer() {}

  /**
   * Median microseconds of one run, from up to {@code samples} samples after one warm-up run,
   * stopping early once {@code budgetNanos} is spent (at least one sample is always taken).
   */
  static double medianMicros(LinearOp op, AlignedBuffer x, int batch, AlignedBuffer y,
      int samples, long budgetNanos) {
    long start = System.nanoTime();
    op.run(x, batch, y);
    long single = Math.max(1, System.nanoTime() - start);
    int loops = (int) Math.max(1, Math.min(100_000, MIN_SAMPLE_NANOS / single));
    double[] micros = new double[samples];
    int taken = 0;
    while (taken < samples && (taken < 1 || System.nanoTime() - start < budgetNanos)) {
      long t0 = System.nanoTime();
      for (int i = 0; i < loops; i++) {
        op.run(x, batch, y);
      }
      micros[taken++] = (System.nanoTime() - t0) / 1000.0 / loops;
    }
    double[] sorted = Arrays.copyOf(micros, taken);
    Arrays.sort(sorted);
    return sorted[taken / 2];
  }
}
