package org.sparsenn.train;

/**
 * How the learning rate changes over training, as a factor of {@link
 * TrainerOptions#learningRate()} at each optimizer step, after the warm-up.
 */
public enum LearningRateSchedule {
  /** The same rate throughout. */
  CONSTANT,
  /**
   * Cosine decay to zero (Loshchilov and Hutter 2017, without restarts):
   * {@code 0.5 (1 + cos(pi t / T))} over the {@code T} steps after the warm-up.
   */
  COSINE;

  /**
   * The factor for 0-based step {@code step} of {@code total}, with a linear warm-up over the
   * first {@code warmupSteps}: {@code (step + 1) / warmupSteps} there.
   */
  double factor(long step, long total, long warmupSteps) {
    if (step < warmupSteps) {
      return (double) (step + 1) / warmupSteps;
    }
    if (this == CONSTANT) {
      return 1;
    }
    long decaySteps = Math.max(1, total - warmupSteps);
    double progress = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
    return 0.5 * (1 + Math.cos(Math.PI * progress));
  }
}
