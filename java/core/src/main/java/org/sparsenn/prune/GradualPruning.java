package org.sparsenn.prune;

import java.util.Objects;
import java.util.function.DoubleFunction;
import org.sparsenn.model.Network;

/**
 * Drives pruning during training from a {@link SparsitySchedule}. A trainer calls
 * {@link #update} once per optimizer step, after the step:
 *
 * <pre>{@code
 * GradualPruning pruning = GradualPruning.magnitude(SparsitySchedule.cubic(0, 0.9, 0, 10, 100),
 *     Scope.GLOBAL);
 * Masks masks = Masks.keepAll(net);
 * for (long step = 0; step < steps; step++) {
 *   net = optimizerStep(net, batch, masks);   // masked update: masks.zeroPruned(...)
 *   masks = pruning.update(step, net, masks);
 *   net = masks.apply(net);                   // the newly pruned weights become zero
 * }
 * }</pre>
 *
 * <p>At a pruning step the current masks are applied first (so pruned weights are zero and a
 * magnitude pruner chooses them first), the pruner for {@code schedule.targetAt(step)} ranks
 * the network, and the new masks are the old AND the new: pruning never revives a weight.
 * Only pruners that keep layer shapes (magnitude, random, N:M, blocks) fit here.
 */
public final class GradualPruning {
  private final SparsitySchedule schedule;
  private final DoubleFunction<? extends Pruner> prunerForSparsity;

  /**
   * @param schedule when to prune and to which sparsity
   * @param prunerForSparsity the pruner for a target sparsity, e.g.
   *     {@code s -> Pruners.magnitude().global().sparsity(s).build()}
   * @throws NullPointerException if an argument is null
   */
  public GradualPruning(SparsitySchedule schedule,
      DoubleFunction<? extends Pruner> prunerForSparsity) {
    this.schedule = Objects.requireNonNull(schedule, "schedule");
    this.prunerForSparsity = Objects.requireNonNull(prunerForSparsity, "prunerForSparsity");
  }

  /**
   * Magnitude pruning in {@code scope} on {@code schedule}.
   *
   * @throws NullPointerException if an argument is null
   */
  public static GradualPruning magnitude(SparsitySchedule schedule, Scope scope) {
    Objects.requireNonNull(scope, "scope");
    return new GradualPruning(schedule,
        s -> Pruners.magnitude().scope(scope).sparsity(s).build());
  }

  /** The schedule. */
  public SparsitySchedule schedule() {
    return schedule;
  }

  /**
   * The masks to train with after {@code step}: {@code masks} itself when the schedule does
   * not prune at this step, otherwise {@code masks} AND the pruner's masks for the step's
   * target.
   *
   * @throws IllegalArgumentException if the masks do not fit the network, or the pruner
   *     changes layer shapes
   * @throws NullPointerException if an argument is null
   */
  public Masks update(long step, Network network, Masks masks) {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(masks, "masks");
    masks.requireMatches(network);
    if (!schedule.isPruningStep(step)) {
      return masks;
    }
    Pruner pruner = Objects.requireNonNull(
        prunerForSparsity.apply(schedule.targetAt(step)), "pruner");
    PruneResult result = pruner.prune(masks.apply(network));
    try {
      result.masks().requireMatches(network);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("gradual pruning needs a pruner that keeps layer"
          + " shapes; " + pruner + " changed them", e);
    }
    return masks.and(result.masks());
  }
}
