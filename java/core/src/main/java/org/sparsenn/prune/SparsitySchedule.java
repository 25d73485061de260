package org.sparsenn.prune;

import java.util.List;

/**
 * When to prune during training, and to which sparsity: a pure function of the training step
 * (an optimizer step, counted from 0). {@link GradualPruning} applies one.
 */
public interface SparsitySchedule {
  /** The sparsity the model should have after pruning at {@code step} (0 before any pruning). */
  double targetAt(long step);

  /** Whether the trainer should prune at {@code step}. */
  boolean isPruningStep(long step);

  /** The step after which the schedule prunes no more. */
  long lastPruningStep();

  /**
   * Prune once, at step 0, to {@code sparsity}.
   *
   * @throws IllegalArgumentException naming the value if it is outside [0, 1)
   */
  static SparsitySchedule oneShot(double sparsity) {
    return new OneShotSchedule(0, sparsity);
  }

  /**
   * Han et al. 2015: prune to each sparsity in turn, {@code interval} steps of fine-tuning
   * apart, the first at {@code start}.
   *
   * @throws IllegalArgumentException see {@link IterativeSchedule}
   */
  static SparsitySchedule iterative(List<Double> sparsities, long start, long interval) {
    return new IterativeSchedule(sparsities, start, interval);
  }

  /**
   * Zhu and Gupta 2017, gradual cubic: from {@code initial} at step {@code start} to
   * {@code target} after {@code prunings} intervals of {@code interval} steps.
   *
   * @throws IllegalArgumentException see {@link CubicSchedule}
   */
  static SparsitySchedule cubic(double initial, double target, long start, int prunings,
      long interval) {
    return new CubicSchedule(initial, target, start, prunings, interval);
  }
}
