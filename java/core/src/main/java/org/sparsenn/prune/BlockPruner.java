package org.sparsenn.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

/**
 * Semi-structured block pruning: each layer's weights are tiled into blocks of
 * {@code rows x cols} (1x4, 4x1, 4x4, ...) from the top-left corner, and whole blocks of
 * smallest L2 norm are pruned, ties by the lower block index (row-major over blocks).
 *
 * <p>The target is exact in blocks: {@code round(s * blocks)} blocks are pruned per layer
 * (or across layers in {@link Scope#GLOBAL}). When a dimension is not a multiple of the block
 * size, the blocks on the right and bottom edges are partial (smaller); they are ranked by the
 * norm of the weights they have, and the weight sparsity in the report can then differ
 * slightly from the block sparsity.
 */
public final class BlockPruner implements Pruner {
  private final int blockRows;
  private final int blockCols;
  private final Scope scope;
  private final double sparsity;
  private final Map<Integer, Double> overrides;

  private BlockPruner(Builder builder) {
    this.blockRows = builder.blockRows;
    this.blockCols = builder.blockCols;
    this.scope = builder.scope;
    this.sparsity = builder.requireSparsity();
    this.overrides = Map.copyOf(builder.overrides);
  }

  /** Builds a {@link BlockPruner}; see {@link Pruners#blocks(int, int)}. */
  public static final class Builder extends TargetBuilder<Builder> {
    private final int blockRows;
    private final int blockCols;

    Builder(int blockRows, int blockCols) {
      if (blockRows < 1 || blockCols < 1) {
        throw new IllegalArgumentException(
            "block shape must be positive, got " + blockRows + "x" + blockCols);
      }
      this.blockRows = blockRows;
      this.blockCols = blockCols;
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * The configured pruner.
     *
     * @throws IllegalStateException if no sparsity was set
     */
    public BlockPruner build() {
      return new BlockPruner(this);
    }
  }

  /** Block height (rows of W). */
  public int blockRows() {
    return blockRows;
  }

  /** Block width (columns of W). */
  public int blockCols() {
    return blockCols;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if an override names a layer the network lacks or a
   *     target would prune every block of a layer
   */
  @Override
  public PruneResult prune(Network network) {
    Objects.requireNonNull(network, "network");
    network.requireFeedForward("pruning");
    List<DenseLayer> layers = network.layers();
    Checks.overridesFit(overrides, layers.size(), layers.size(), "");
    long[] blockCounts = new long[layers.size()];
    for (int i = 0; i < blockCounts.length; i++) {
      blockCounts[i] = (long) blocksAcross(layers.get(i)) * blocksDown(layers.get(i));
    }
    Selection.checkTargets(blockCounts, scope, sparsity, overrides, "blocks");
    int[][] scores = new int[layers.size()][];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = blockNorms(layers.get(i));
    }
    boolean[][] pruned = Selection.pruneSmallest(scores, scope, sparsity, overrides, "blocks");
    List<boolean[]> keep = new ArrayList<>();
    for (int i = 0; i < scores.length; i++) {
      keep.add(expand(layers.get(i), pruned[i]));
    }
    return PruneResult.ofMasks(network, Masks.of(network, keep));
  }

  private int blocksAcross(DenseLayer layer) {
    return (layer.inputs() + blockCols - 1) / blockCols;
  }

  private int blocksDown(DenseLayer layer) {
    return (layer.outputs() + blockRows - 1) / blockRows;
  }

  private int[] blockNorms(DenseLayer layer) {
    var weights = layer.weightView();
    int across = blocksAcross(layer);
    int down = blocksDown(layer);
    double[] sums = new double[Math.multiplyExact(across, down)];
    for (int r = 0; r < layer.outputs(); r++) {
      int blockRowBase = r / blockRows * across;
      for (int c = 0; c < layer.inputs(); c++) {
        double w = weights.get(r * layer.inputs() + c);
        sums[blockRowBase + c / blockCols] += w * w;
      }
    }
    int[] scores = new int[sums.length];
    for (int b = 0; b < sums.length; b++) {
      scores[b] = Selection.scoreBits((float) Math.sqrt(sums[b]));
    }
    return scores;
  }

  private boolean[] expand(DenseLayer layer, boolean[] prunedBlocks) {
    int across = blocksAcross(layer);
    boolean[] keep = new boolean[layer.outputs() * layer.inputs()];
    for (int r = 0; r < layer.outputs(); r++) {
      int blockRowBase = r / blockRows * across;
      for (int c = 0; c < layer.inputs(); c++) {
        keep[r * layer.inputs() + c] = !prunedBlocks[blockRowBase + c / blockCols];
      }
    }
    return keep;
  }

  @Override
  public String toString() {
    return "BlockPruner[" + blockRows + "x" + blockCols + ", " + scope + ", sparsity "
        + sparsity + ", overrides " + overrides + "]";
  }
}
