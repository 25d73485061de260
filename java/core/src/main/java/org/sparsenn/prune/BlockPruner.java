package org.sparsenn.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 *
 * <p>A network with recurrent layers is tiled matrix by matrix (each recurrent layer's
 * {@code W} and {@code R}, every direction's gate blocks stacked, then the dense layers; see
 * {@link Masks}). 16x1 blocks, 16 consecutive rows of one column, are the shape the
 * {@code bsr16} kernels run; with a hidden size that is a multiple of 16 no block straddles two
 * gates.
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
    List<WeightMatrices.Shape> shapes = WeightMatrices.shapes(network);
    List<float[]> weights = WeightMatrices.weights(network);
    Checks.overridesFit(overrides, shapes.size(), shapes.size(),
        network.isRecurrent() ? " (weight matrices: W and R of each recurrent layer, then the"
            + " dense layers)" : "");
    long[] blockCounts = new long[shapes.size()];
    for (int i = 0; i < blockCounts.length; i++) {
      blockCounts[i] = (long) blocksAcross(shapes.get(i)) * blocksDown(shapes.get(i));
    }
    Selection.checkTargets(blockCounts, scope, sparsity, overrides, "blocks");
    int[][] scores = new int[shapes.size()][];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = blockNorms(shapes.get(i), weights.get(i));
    }
    boolean[][] pruned = Selection.pruneSmallest(scores, scope, sparsity, overrides, "blocks");
    List<boolean[]> keep = new ArrayList<>();
    for (int i = 0; i < scores.length; i++) {
      keep.add(expand(shapes.get(i), pruned[i]));
    }
    return PruneResult.ofMasks(network, Masks.of(network, keep));
  }

  private int blocksAcross(WeightMatrices.Shape shape) {
    return (shape.cols() + blockCols - 1) / blockCols;
  }

  private int blocksDown(WeightMatrices.Shape shape) {
    return (shape.rows() + blockRows - 1) / blockRows;
  }

  private int[] blockNorms(WeightMatrices.Shape shape, float[] weights) {
    int across = blocksAcross(shape);
    int down = blocksDown(shape);
    int cols = shape.cols();
    double[] sums = new double[Math.multiplyExact(across, down)];
    for (int r = 0; r < shape.rows(); r++) {
      int blockRowBase = r / blockRows * across;
      for (int c = 0; c < cols; c++) {
        double w = weights[r * cols + c];
        sums[blockRowBase + c / blockCols] += w * w;
      }
    }
    int[] scores = new int[sums.length];
    for (int b = 0; b < sums.length; b++) {
      scores[b] = Selection.scoreBits((float) Math.sqrt(sums[b]));
    }
    return scores;
  }

  private boolean[] expand(WeightMatrices.Shape shape, boolean[] prunedBlocks) {
    int across = blocksAcross(shape);
    int cols = shape.cols();
    boolean[] keep = new boolean[Math.toIntExact(shape.size())];
    for (int r = 0; r < shape.rows(); r++) {
      int blockRowBase = r / blockRows * across;
      for (int c = 0; c < cols; c++) {
        keep[r * cols + c] = !prunedBlocks[blockRowBase + c / blockCols];
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
