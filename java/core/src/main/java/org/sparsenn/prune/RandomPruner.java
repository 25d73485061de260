package org.sparsenn.prune;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

/**
 * Unstructured random pruning, the baseline that other methods should beat: exactly
 * {@code round(s * n)} weights, drawn with a seed so that a run can be repeated. Weights that
 * are already zero are chosen first (so the target is exact and nothing is revived); the
 * rest in a random order drawn layer after layer from one generator. In {@link Scope#GLOBAL}
 * the layers share one draw, so per-layer sparsities vary around the target.
 */
public final class RandomPruner implements Pruner {
  private final Scope scope;
  private final double sparsity;
  private final long seed;
  private final Map<Integer, Double> overrides;

  private RandomPruner(Builder builder) {
    this.scope = builder.scope;
    this.sparsity = builder.requireSparsity();
    this.seed = builder.seed;
    this.overrides = Map.copyOf(builder.overrides);
  }

  /** Builds a {@link RandomPruner}; see {@link Pruners#random(long)}. */
  public static final class Builder extends TargetBuilder<Builder> {
    private long seed;

    Builder(long seed) {
      this.seed = seed;
    }

    @Override
    Builder self() {
      return this;
    }

    /** The seed of the draw. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * The configured pruner.
     *
     * @throws IllegalStateException if no sparsity was set
     */
    public RandomPruner build() {
      return new RandomPruner(this);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if an override names a layer the network lacks or a
   *     target would prune every weight of a layer
   */
  @Override
  public PruneResult prune(Network network) {
    Objects.requireNonNull(network, "network");
    network.requireFeedForward("pruning");
    List<DenseLayer> layers = network.layers();
    Checks.overridesFit(overrides, layers.size(), layers.size(), "");
    Selection.checkTargets(Selection.weightCounts(layers), scope, sparsity, overrides,
        "weights");
    SplittableRandom random = new SplittableRandom(seed);
    int[][] scores = new int[layers.size()][];
    for (int i = 0; i < scores.length; i++) {
      var weights = layers.get(i).weightView();
      int[] layerScores = new int[weights.limit()];
      for (int j = 0; j < layerScores.length; j++) {
        int draw = random.nextInt(1, Integer.MAX_VALUE);
        layerScores[j] = weights.get(j) == 0f ? 0 : draw;
      }
      scores[i] = layerScores;
    }
    boolean[][] pruned = Selection.pruneSmallest(scores, scope, sparsity, overrides, "weights");
    return PruneResult.ofMasks(network, Masks.of(network, Selection.keepFlags(pruned)));
  }

  @Override
  public String toString() {
    return "RandomPruner[" + scope + ", sparsity " + sparsity + ", seed " + seed
        + ", overrides " + overrides + "]";
  }
}
