package org.sparsenn.train;

import org.sparsenn.model.Network;
import org.sparsenn.prune.Masks;

/**
 * Called by {@link Trainer} every N optimizer steps (see {@link Trainer#withStepListener}):
 * the hook for gradual pruning. Whatever masks it returns take effect at once: weights they
 * prune are set to zero, and so is their optimizer state, so they stay zero from then on.
 * {@code org.sparsenn.prune.GradualPruning#update} has this shape, so
 * {@code trainer.withStepListener(1, pruning::update)} prunes on its schedule.
 */
@FunctionalInterface
public interface StepListener {
  /**
   * @param step the 0-based index of the optimizer step just taken (every N steps: N - 1,
   *     2N - 1, ...)
   * @param current the network as it is now (pruned weights are zero)
   * @param masks the masks in force
   * @return the masks to train with from now on: {@code masks} itself (or null) for no change
   */
  Masks onStep(long step, Network current, Masks masks);
}
