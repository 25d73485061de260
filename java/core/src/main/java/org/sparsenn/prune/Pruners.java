package org.sparsenn.prune;

/**
 * Where every pruning method starts, as a fluent builder:
 *
 * <pre>{@code
 * PruneResult r = Pruners.magnitude().global().sparsity(0.9).override(2, 0.5).build().prune(net);
 * Network smaller = Pruners.neurons().l1().fraction(0.5).build().apply(net);
 * Network twoFour = Pruners.nm(2, 4).apply(net);
 * }</pre>
 */
public final class Pruners {
  private Pruners() {}

  /** Unstructured magnitude pruning, by sparsity or threshold; see {@link MagnitudePruner}. */
  public static MagnitudePruner.Builder magnitude() {
    return new MagnitudePruner.Builder();
  }

  /** Unstructured random pruning with {@code seed}; see {@link RandomPruner}. */
  public static RandomPruner.Builder random(long seed) {
    return new RandomPruner.Builder(seed);
  }

  /** Structured removal of hidden neurons; see {@link NeuronPruner}. */
  public static NeuronPruner.Builder neurons() {
    return new NeuronPruner.Builder();
  }

  /** Removal of input features; see {@link FeaturePruner}. */
  public static FeaturePruner.Builder features() {
    return new FeaturePruner.Builder();
  }

  /**
   * N:M semi-structured pruning; see {@link NmPruner}.
   *
   * @throws IllegalArgumentException unless {@code 1 <= n < m}
   */
  public static NmPruner nm(int n, int m) {
    return new NmPruner(n, m);
  }

  /**
   * Block pruning with {@code rows x cols} blocks; see {@link BlockPruner}.
   *
   * @throws IllegalArgumentException if a block dimension is not positive
   */
  public static BlockPruner.Builder blocks(int rows, int cols) {
    return new BlockPruner.Builder(rows, cols);
  }
}
