package org.sparsenn.prune;

/**
 * Gradual pruning with a cubic ramp (Zhu and Gupta 2017, "To prune, or not to prune"):
 * {@code s_t = s_f + (s_i - s_f) (1 - (t - t0) / (n dt))^3} for {@code t} in
 * {@code [t0, t0 + n dt]}, pruning every {@code dt} steps: fast at first, while there are many
 * redundant weights, then slower. Before {@code t0} the target is 0 (nothing pruned yet);
 * after the ramp it stays {@code s_f}.
 *
 * @param initial {@code s_i}, the sparsity at {@code t0}
 * @param target {@code s_f}, the final sparsity
 * @param start {@code t0}, the first pruning step
 * @param prunings {@code n}, the number of intervals of the ramp ({@code n + 1} prunings)
 * @param interval {@code dt}, steps between prunings
 */
public record CubicSchedule(double initial, double target, long start, int prunings,
    long interval) implements SparsitySchedule {
  /**
   * @throws IllegalArgumentException if a sparsity is outside [0, 1), {@code initial >
   *     target}, {@code start} is negative, or {@code prunings} or {@code interval} is not
   *     positive
   */
  public CubicSchedule {
    Checks.fraction("initial sparsity", initial);
    Checks.fraction("final sparsity", target);
    if (initial > target) {
      throw new IllegalArgumentException(
          "initial sparsity " + initial + " is above final sparsity " + target);
    }
    if (start < 0 || prunings < 1 || interval < 1) {
      throw new IllegalArgumentException("need start >= 0, prunings >= 1 and interval >= 1,"
          + " got " + start + ", " + prunings + ", " + interval);
    }
  }

  /** {@inheritDoc} */
  @Override
  public double targetAt(long step) {
    if (step < start) {
      return 0;
    }
    double progress = Math.min(1.0, (double) (step - start) / ((double) prunings * interval));
    double remaining = 1 - progress;
    return target + (initial - target) * remaining * remaining * remaining;
  }

  /** {@inheritDoc} */
  @Override
  public boolean isPruningStep(long step) {
    return step >= start && step <= lastPruningStep() && (step - start) % interval == 0;
  }

  /** {@inheritDoc} */
  @Override
  public long lastPruningStep() {
    return start + prunings * interval;
  }
}
