package org.sparsenn.prune;

import org.sparsenn.model.Network;

/**
 * One pruning method, configured and ready to apply. Implementations are immutable and
 * deterministic: the same network gives the same result. Build them with {@link Pruners}.
 */
public interface Pruner {
  /**
   * Prunes {@code network}; the network itself is left unchanged.
   *
   * @return the pruned network, its keep-masks and a sparsity report
   * @throws IllegalArgumentException if the configuration does not fit the network (a layer
   *     index that does not exist, calibration data of another width, a threshold that prunes
   *     every weight of a layer, a network with recurrent layers given to a method that does
   *     not handle them: magnitude and block pruning do); checked before any work is done
   * @throws NullPointerException if {@code network} is null
   */
  PruneResult prune(Network network);

  /**
   * Shortcut for {@code prune(network).network()}.
   *
   * @throws IllegalArgumentException as {@link #prune(Network)}
   */
  default Network apply(Network network) {
    return prune(network).network();
  }
}
