package org.sparsenn.prune;

import java.util.Objects;
import org.sparsenn.model.Network;

/**
 * What a {@link Pruner} returns.
 *
 * @param network the pruned network: pruned weights are exactly zero, and structured methods
 *     give smaller layers
 * @param masks the keep-masks for {@code network}'s layer shapes, which fine-tuning must keep
 * @param report per-layer and total sparsity against the network before pruning
 */
public record PruneResult(Network network, Masks masks, SparsityReport report) {
  /**
   * @throws NullPointerException if any part is null
   * @throws IllegalArgumentException if the masks do not fit the network's shapes
   */
  public PruneResult {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(masks, "masks");
    Objects.requireNonNull(report, "report");
    masks.requireMatches(network);
  }

  /** The result of an unstructured method: {@code masks} applied to {@code original}. */
  static PruneResult ofMasks(Network original, Masks masks) {
    Network pruned = masks.apply(original);
    return new PruneResult(pruned, masks, SparsityReport.of(original, pruned, masks));
  }
}
