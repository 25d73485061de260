package org.sparsenn.prune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

/**
 * Semi-structured N:M pruning: in every row, each group of {@code M} consecutive inputs
 * (columns {@code g*M .. g*M + M - 1}) keeps its {@code N} weights of largest magnitude; ties
 * are broken by the lower index being pruned first, and weights already zero are pruned first.
 * 2:4 is the pattern that sparse tensor cores run.
 *
 * <p>When the row length is not a multiple of {@code M}, the last group of {@code r < M}
 * columns keeps {@code ceil(N * r / M)} weights: the same proportion, rounded towards keeping,
 * so a short tail is never pruned harder than a full group. Every layer is pruned.
 */
public final class NmPruner implements Pruner {
  private final int n;
  private final int m;

  /**
   * Keeps {@code n} of every {@code m}.
   *
   * @throws IllegalArgumentException unless {@code 1 <= n < m}
   */
  public NmPruner(int n, int m) {
    if (n < 1 || n >= m) {
      throw new IllegalArgumentException("N:M needs 1 <= N < M, got " + n + ":" + m);
    }
    this.n = n;
    this.m = m;
  }

  /** N, the weights kept per full group. */
  public int n() {
    return n;
  }

  /** M, the group length. */
  public int m() {
    return m;
  }

  /** Weights a group of {@code size} columns keeps: {@code ceil(N * size / M)}. */
  public int keptInGroup(int size) {
    return (int) (((long) n * size + m - 1) / m);
  }

  /** {@inheritDoc} */
  @Override
  public PruneResult prune(Network network) {
    Objects.requireNonNull(network, "network");
    network.requireFeedForward("pruning");
    List<boolean[]> keep = new ArrayList<>();
    long[] keys = new long[m];
    for (DenseLayer layer : network.layers()) {
      var weights = layer.weightView();
      int inputs = layer.inputs();
      boolean[] flags = new boolean[weights.limit()];
      Arrays.fill(flags, true);
      for (int row = 0; row < layer.outputs(); row++) {
        int base = row * inputs;
        for (int start = 0; start < inputs; start += m) {
          int size = Math.min(m, inputs - start);
          for (int i = 0; i < size; i++) {
            keys[i] = (long) Selection.scoreBits(weights.get(base + start + i)) << 32 | i;
          }
          Arrays.sort(keys, 0, size);
          for (int i = 0, prune = size - keptInGroup(size); i < prune; i++) {
            flags[base + start + (int) keys[i]] = false;
          }
        }
      }
      keep.add(flags);
    }
    return PruneResult.ofMasks(network, Masks.of(network, keep));
  }

  @Override
  public String toString() {
    return "NmPruner[" + n + ":" + m + "]";
  }
}
