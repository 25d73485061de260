package org.sparsenn.prune;

/**
 * Prune once, at {@code step}, to {@code sparsity}; then only fine-tune.
 *
 * @param step the step at which to prune
 * @param sparsity the sparsity from then on
 */
public record OneShotSchedule(long step, double sparsity) implements SparsitySchedule {
  /** @throws IllegalArgumentException if the step is negative or the sparsity outside [0, 1) */
  public OneShotSchedule {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, got " + step);
    }
    Checks.fraction("sparsity", sparsity);
  }

  /** {@inheritDoc} */
  @Override
  public double targetAt(long at) {
    return at >= step ? sparsity : 0;
  }

  /** {@inheritDoc} */
  @Override
  public boolean isPruningStep(long at) {
    return at == step;
  }

  /** {@inheritDoc} */
  @Override
  public long lastPruningStep() {
    return step;
  }
}
