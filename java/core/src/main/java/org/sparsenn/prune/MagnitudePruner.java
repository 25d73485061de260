package org.sparsenn.prune;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

/**
 * Unstructured magnitude pruning: the weights of smallest absolute value go first.
 *
 * <p>By target sparsity, exactly {@code round(s * n)} weights are pruned, ties broken by the
 * lower row-major index (so results are deterministic); in {@link Scope#LAYER} each layer is
 * ranked alone, in {@link Scope#GLOBAL} the layers share one ranking, which is one threshold
 * across the network. By absolute threshold, every weight with {@code |w| < t} is pruned
 * whatever the scope. Weights that are already zero count as pruned and are chosen first, so
 * pruning a pruned network further never revives a weight. Biases are never pruned.
 */
public final class MagnitudePruner implements Pruner {
  private final Scope scope;
  private final double sparsity;
  private final float threshold;
  private final Map<Integer, Double> overrides;

  private MagnitudePruner(Builder builder) {
    this.scope = builder.scope;
    this.threshold = builder.threshold;
    this.sparsity = Float.isNaN(threshold) ? builder.requireSparsity() : 0;
    this.overrides = Map.copyOf(builder.overrides);
  }

  /** Builds a {@link MagnitudePruner}; see {@link Pruners#magnitude()}. */
  public static final class Builder extends TargetBuilder<Builder> {
    private float threshold = Float.NaN;

    Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /**
     * Prunes every weight with {@code |w| < threshold} instead of ranking to a sparsity;
     * layers with an override are still pruned to their own sparsity.
     *
     * @throws IllegalArgumentException if the threshold is negative or not finite
     */
    public Builder threshold(double threshold) {
      if (!(threshold >= 0) || Double.isInfinite(threshold)) {
        throw new IllegalArgumentException(
            "threshold must be finite and >= 0, got " + threshold);
      }
      this.threshold = (float) threshold;
      return this;
    }

    /**
     * The configured pruner.
     *
     * @throws IllegalStateException if neither a sparsity nor a threshold was set
     */
    public MagnitudePruner build() {
      return new MagnitudePruner(this);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if an override names a layer the network lacks, a
   *     target would prune every weight of a layer, or the threshold prunes every weight of
   *     a layer (naming the layer's largest magnitude)
   */
  @Override
  public PruneResult prune(Network network) {
    Objects.requireNonNull(network, "network");
    network.requireFeedForward("pruning");
    List<DenseLayer> layers = network.layers();
    Checks.overridesFit(overrides, layers.size(), layers.size(), "");
    if (Float.isNaN(threshold)) {
      Selection.checkTargets(Selection.weightCounts(layers), scope, sparsity, overrides, "weights");
    } else {
      Selection.checkTargets(Selection.weightCounts(layers), Scope.LAYER, 0, overrides, "weights");
      requireSurvivors(layers);
    }
    int[][] scores = new int[layers.size()][];
    for (int i = 0; i < scores.length; i++) {
      var weights = layers.get(i).weightView();
      int[] layerScores = new int[weights.limit()];
      for (int j = 0; j < layerScores.length; j++) {
        layerScores[j] = Selection.scoreBits(weights.get(j));
      }
      scores[i] = layerScores;
    }
    boolean[][] pruned;
    if (Float.isNaN(threshold)) {
      pruned = Selection.pruneSmallest(scores, scope, sparsity, overrides, "weights");
    } else {
      // Layer scope at sparsity 0 ranks only the overridden layers; the threshold does the rest.
      pruned = Selection.pruneSmallest(scores, Scope.LAYER, 0, overrides, "weights");
      int bits = Selection.scoreBits(threshold);
      for (int i = 0; i < scores.length; i++) {
        if (!overrides.containsKey(i)) {
          for (int j = 0; j < scores[i].length; j++) {
            pruned[i][j] = scores[i][j] < bits || scores[i][j] == 0;
          }
        }
      }
    }
    return PruneResult.ofMasks(network, Masks.of(network, Selection.keepFlags(pruned)));
  }

  private void requireSurvivors(List<DenseLayer> layers) {
    for (int i = 0; i < layers.size(); i++) {
      if (overrides.containsKey(i)) {
        continue;
      }
      var weights = layers.get(i).weightView();
      float largest = 0;
      for (int j = 0; j < weights.limit(); j++) {
        largest = Math.max(largest, Math.abs(weights.get(j)));
      }
      if (!(largest >= threshold) || largest == 0) {
        throw new IllegalArgumentException("threshold " + threshold
            + " prunes every weight of layer " + i + " (largest |w| is " + largest + ")");
      }
    }
  }

  @Override
  public String toString() {
    String target = Float.isNaN(threshold) ? "sparsity " + sparsity : "threshold " + threshold;
    return "MagnitudePruner[" + scope + ", " + target + ", overrides " + overrides + "]";
  }
}
