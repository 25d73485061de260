package org.sparsenn.prune;

import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 *
 * <p>A network with recurrent layers is pruned over its weight matrices (each recurrent layer's
 * {@code W} and {@code R}, then the dense layers; see {@link Masks}): overrides and layer scope
 * address these matrices, global scope ranks them all together. Each weight is ranked on its
 * own by default; with {@link Builder#alignGates} a recurrent matrix is pruned in groups: the
 * weights at the same row within each gate block and the same column, one per gate, ranked by
 * their mean magnitude and pruned together, so that every gate of a cell loses the same
 * connections.
 * Exact counts are kept: the last group at the cut may be split. Weights already zero still go
 * first.
 */
public final class MagnitudePruner implements Pruner {
  private final Scope scope;
  private final double sparsity;
  private final float threshold;
  private final Map<Integer, Double> overrides;
  private final boolean alignGates;

  private MagnitudePruner(Builder builder) {
    this.alignGates = builder.alignGates;
    this.scope = builder.scope;
    this.threshold = builder.threshold;
    this.sparsity = Float.isNaN(threshold) ? builder.requireSparsity() : 0;
    this.overrides = Map.copyOf(builder.overrides);
  }

  /** Builds a {@link MagnitudePruner}; see {@link Pruners#magnitude()}. */
  public static final class Builder extends TargetBuilder<Builder> {
    private float threshold = Float.NaN;
    private boolean alignGates;

    Builder() {}

    /**
     * Whether a recurrent layer's gates are pruned at the same positions: the weights at one
     * (row within the gate, column) position of every gate block are ranked by their mean
     * magnitude and pruned as one group. False (the default) ranks every weight on its own,
     * which held accuracy better on an LSTM over row-by-row Fashion-MNIST, one-shot and
     * gradual (README, "Recurrent networks: pruning and fine-tuning";
     * {@code bench/recurrent/run-lstm-fashion.sh}). Dense layers are unaffected.
     */
    public Builder alignGates(boolean value) {
      this.alignGates = value;
      return this;
    }

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
    List<WeightMatrices.Shape> shapes = WeightMatrices.shapes(network);
    List<float[]> weights = WeightMatrices.weights(network);
    long[] counts = WeightMatrices.counts(network);
    Checks.overridesFit(overrides, shapes.size(), shapes.size(),
        network.isRecurrent() ? " (weight matrices: W and R of each recurrent layer, then the"
            + " dense layers)" : "");
    if (Float.isNaN(threshold)) {
      Selection.checkTargets(counts, scope, sparsity, overrides, "weights");
    } else {
      Selection.checkTargets(counts, Scope.LAYER, 0, overrides, "weights");
      requireSurvivors(shapes, weights);
    }
    int[][] scores = new int[shapes.size()][];
    int[][] orders = new int[shapes.size()][];
    for (int i = 0; i < scores.length; i++) {
      WeightMatrices.Shape shape = shapes.get(i);
      if (alignGates && shape.gated()) {
        orders[i] = gateAlignedOrder(shape);
        scores[i] = groupScores(weights.get(i), orders[i], shape.gates());
      } else {
        float[] w = weights.get(i);
        int[] layerScores = new int[w.length];
        for (int j = 0; j < layerScores.length; j++) {
          layerScores[j] = Selection.scoreBits(w[j]);
        }
        scores[i] = layerScores;
      }
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
    for (int i = 0; i < pruned.length; i++) {
      if (orders[i] != null) {
        boolean[] rowMajor = new boolean[pruned[i].length];
        for (int p = 0; p < rowMajor.length; p++) {
          rowMajor[orders[i][p]] = pruned[i][p];
        }
        pruned[i] = rowMajor;
      }
    }
    return PruneResult.ofMasks(network, Masks.of(network, Selection.keepFlags(pruned)));
  }

  /**
   * The row-major index of each position of the gate-aligned order, in which the weights of one
   * (direction, row within the gate, column) group, one per gate, are neighbours: position
   * {@code ((d * hidden + j) * cols + c) * gates + g} holds row {@code (d * gates + g) * hidden
   * + j}, column {@code c}. Ties in the ranking go to the lower position, so a group's weights
   * are pruned together.
   */
  static int[] gateAlignedOrder(WeightMatrices.Shape shape) {
    int gates = shape.gates();
    int hidden = shape.hidden();
    int cols = shape.cols();
    int dirs = shape.rows() / (gates * hidden);
    int[] order = new int[Math.toIntExact(shape.size())];
    int p = 0;
    for (int d = 0; d < dirs; d++) {
      for (int j = 0; j < hidden; j++) {
        for (int c = 0; c < cols; c++) {
          for (int g = 0; g < gates; g++) {
            order[p++] = ((d * gates + g) * hidden + j) * cols + c;
          }
        }
      }
    }
    return order;
  }

  /**
   * Scores in the aligned order: each weight its group's mean magnitude, except that a weight
   * already zero scores 0 (pruned first, so pruning again never revives it).
   */
  private static int[] groupScores(float[] weights, int[] order, int gates) {
    int[] scores = new int[order.length];
    for (int p = 0; p < order.length; p += gates) {
      double sum = 0;
      for (int g = 0; g < gates; g++) {
        sum += Math.abs(weights[order[p + g]]);
      }
      int bits = Selection.scoreBits((float) (sum / gates));
      for (int g = 0; g < gates; g++) {
        scores[p + g] = weights[order[p + g]] == 0f ? 0 : bits;
      }
    }
    return scores;
  }

  private void requireSurvivors(List<WeightMatrices.Shape> shapes, List<float[]> weights) {
    for (int i = 0; i < shapes.size(); i++) {
      if (overrides.containsKey(i)) {
        continue;
      }
      float largest = 0;
      for (float w : weights.get(i)) {
        largest = Math.max(largest, Math.abs(w));
      }
      if (!(largest >= threshold) || largest == 0) {
        throw new IllegalArgumentException("threshold " + threshold
            + " prunes every weight of " + shapes.get(i).name() + " (largest |w| is " + largest
            + ")");
      }
    }
  }

  @Override
  public String toString() {
    String target = Float.isNaN(threshold) ? "sparsity " + sparsity : "threshold " + threshold;
    return "MagnitudePruner[" + scope + ", " + target + ", overrides " + overrides
        + (alignGates ? ", gates aligned" : "") + "]";
  }
}
