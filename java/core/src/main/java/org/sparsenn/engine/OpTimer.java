package org.sparsenn.engine;

import java.util.Arrays;
import java.util.List;
import org.sparsenn.kernel.AlignedBuffer;

/**
 * Times {@link LinearOp}s on given buffers: medians (or minima) of repeated runs after a
 * warm-up. Every row range runs on the calling thread: this ranks kernels, and handing ranges
 * to other threads while the JVM is still compiling (at session creation, on a small machine)
 * made the same kernel's samples vary threefold.
 */
final class OpTimer {
  // A timed sample spans at least this long, so a sub-microsecond call is timed in a loop.
  private static final long MIN_SAMPLE_NANOS = 20_000;
  // Ops faster than this get an untimed run before each sample (see sample).
  private static final long WARM_BELOW_NANOS = 1_000_000;

  private OpTimer() {}

  /**
   * Median microseconds of one run, from up to {@code samples} samples after one warm-up run,
   * stopping early once {@code budgetNanos} is spent (at least one sample is always taken).
   */
  static double medianMicros(LinearOp op, AlignedBuffer x, int batch, AlignedBuffer y,
      int samples, long budgetNanos) {
    return medianMicros(List.of(op), x, batch, y, samples, budgetNanos)[0];
  }

  /** Median microseconds of one run of each op, from the samples of {@link #sample}. */
  static double[] medianMicros(List<LinearOp> ops, AlignedBuffer x, int batch, AlignedBuffer y,
      int samples, long budgetNanos) {
    double[][] micros = sample(ops, List.of(x), batch, y, samples, budgetNanos);
    double[] medians = new double[ops.size()];
    for (int i = 0; i < ops.size(); i++) {
      double[] sorted = micros[i].clone();
      Arrays.sort(sorted);
      medians[i] = sorted[sorted.length / 2];
    }
    return medians;
  }

  /**
   * Fastest microseconds of one run of each op, from the samples of {@link #sample}: for
   * ranking ops by a few samples, where a disturbance (the JVM compiling, another process)
   * only ever adds time and can spoil most of them.
   */
  static double[] fastestMicros(List<LinearOp> ops, AlignedBuffer x, int batch,
      AlignedBuffer y, int samples, long budgetNanos) {
    return fastestMicros(ops, List.of(x), batch, y, samples, budgetNanos);
  }

  /**
   * As {@link #fastestMicros(List, AlignedBuffer, int, AlignedBuffer, int, long)}, each op's
   * runs cycling through the inputs {@code xs} (real inputs differ, and some kernels' speed
   * depends on them): one run's time is the mean over the inputs.
   */
  static double[] fastestMicros(List<LinearOp> ops, List<AlignedBuffer> xs, int batch,
      AlignedBuffer y, int samples, long budgetNanos) {
    double[][] micros = sample(ops, xs, batch, y, samples, budgetNanos);
    double[] fastest = new double[ops.size()];
    for (int i = 0; i < ops.size(); i++) {
      fastest[i] = Arrays.stream(micros[i]).min().orElseThrow();
    }
    return fastest;
  }

  /**
   * Microseconds of one run of each op per sample, sampled in rounds (every op once per round,
   * after one warm-up run each) so that a disturbance of a busy machine falls on all of them
   * alike rather than on whichever was being timed in a block; up to {@code samples} rounds,
   * stopping early once {@code budgetNanos} is spent (at least one round is always taken).
   * Between two samples of one op the others evict its weights from the caches, so a cheap
   * op (under a millisecond) runs once untimed before each sample: it is timed warm, as it
   * runs in a model whose layers fit the caches, not from the next cache level down.
   */
  private static double[][] sample(List<LinearOp> ops, List<AlignedBuffer> xs, int batch,
      AlignedBuffer y, int samples, long budgetNanos) {
    long start = System.nanoTime();
    int[] loops = new int[ops.size()];
    boolean[] warm = new boolean[ops.size()];
    AlignedBuffer x = xs.get(0);
    for (int i = 0; i < ops.size(); i++) {
      long t0 = System.nanoTime();
      ops.get(i).runOnCaller(x, batch, y);
      long single = Math.max(1, System.nanoTime() - t0);
      loops[i] = (int) Math.max(1, Math.min(100_000, MIN_SAMPLE_NANOS / single));
      // every input once per sample at least
      loops[i] = (loops[i] + xs.size() - 1) / xs.size() * xs.size();
      warm[i] = ops.size() > 1 && single < WARM_BELOW_NANOS;
    }
    double[][] micros = new double[ops.size()][samples];
    int taken = 0;
    while (taken < samples && (taken < 1 || System.nanoTime() - start < budgetNanos)) {
      for (int i = 0; i < ops.size(); i++) {
        LinearOp op = ops.get(i);
        if (warm[i]) {
          op.runOnCaller(x, batch, y);
        }
        long t0 = System.nanoTime();
        for (int j = 0; j < loops[i]; j++) {
          op.runOnCaller(xs.get(j % xs.size()), batch, y);
        }
        micros[i][taken] = (System.nanoTime() - t0) / 1000.0 / loops[i];
      }
      taken++;
    }
    double[][] result = new double[ops.size()][];
    for (int i = 0; i < ops.size(); i++) {
      result[i] = Arrays.copyOf(micros[i], taken);
    }
    return result;
  }
}
