package org.sparsenn.train;

import java.util.List;
import java.util.Objects;
import org.sparsenn.model.Network;
import org.sparsenn.prune.Masks;

/**
 * What {@link Trainer#train} returns.
 *
 * @param network the trained network (pruned weights exactly zero)
 * @param masks the masks in force at the end (a step listener may have changed them)
 * @param history one entry per epoch run
 * @param bestEpoch the 1-based epoch whose weights {@code network} holds
 * @param stoppedEarly whether early stopping ended training before the last epoch
 */
public record TrainingResult(Network network, Masks masks, List<EpochStats> history,
    int bestEpoch, boolean stoppedEarly) {
  /** @throws NullPointerException if an argument is null */
  public TrainingResult {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(masks, "masks");
    history = List.copyOf(history);
  }

  /** The last epoch's statistics. */
  public EpochStats last() {
    return history.get(history.size() - 1);
  }
}
