package org.sparsenn.bench;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sparsenn.model.Network;
import org.sparsenn.prune.Pruner;
import org.sparsenn.prune.Pruners;

/**
 * How {@link ModelBenchmark}'s {@code pruning} parameter prunes a network, so that structured
 * formats can be measured beside unstructured ones on the same model:
 * <ul>
 *   <li>{@code magnitude}: global unstructured magnitude pruning (the default);
 *   <li>{@code blockRxC}, e.g. {@code block16x1}, {@code block8x1}, {@code block4x4}: whole
 *       blocks of R rows (outputs) by C columns (inputs) of smallest L2 norm, ranked globally
 *       ({@link Pruners#blocks});
 *   <li>{@code N:M}, e.g. {@code 2:4}: N of every M consecutive inputs kept in each row
 *       ({@link Pruners#nm}); its sparsity is fixed at {@code 1 - N/M}, so the benchmark's
 *       {@code sparsity} must equal it.
 * </ul>
 * Sparsity 0 leaves the network as it is under every method.
 */
final class BenchPruning {
  static final String MAGNITUDE = "magnitude";
  private static final Pattern BLOCK = Pattern.compile("block(\\d+)x(\\d+)");
  private static final Pattern N_OF_M = Pattern.compile("(\\d+):(\\d+)");

  private final String name;
  private final int blockRows;
  private final int blockCols;
  private final int n;
  private final int m;

  private BenchPruning(String name, int blockRows, int blockCols, int n, int m) {
    this.name = name;
    this.blockRows = blockRows;
    this.blockCols = blockCols;
    this.n = n;
    this.m = m;
  }

  /**
   * Reads a {@code pruning} parameter value.
   *
   * @throws IllegalArgumentException naming the value if it is none of the forms above
   */
  static BenchPruning parse(String pruning) {
    String name = pruning.trim().toLowerCase(Locale.ROOT);
    if (name.equals(MAGNITUDE)) {
      return new BenchPruning(name, 0, 0, 0, 0);
    }
    Matcher block = BLOCK.matcher(name);
    if (block.matches()) {
      return new BenchPruning(name, Integer.parseInt(block.group(1)),
          Integer.parseInt(block.group(2)), 0, 0);
    }
    Matcher nm = N_OF_M.matcher(name);
    if (nm.matches()) {
      return new BenchPruning(name, 0, 0, Integer.parseInt(nm.group(1)),
          Integer.parseInt(nm.group(2)));
    }
    throw new IllegalArgumentException("unknown pruning '" + pruning
        + "': expected magnitude, blockRxC (e.g. block16x1) or N:M (e.g. 2:4)");
  }

  boolean isMagnitude() {
    return name.equals(MAGNITUDE);
  }

  /**
   * {@code network} pruned to {@code sparsity} by this method.
   *
   * @throws IllegalArgumentException if an N:M pattern's own sparsity is not {@code sparsity}
   */
  Network apply(Network network, double sparsity) {
    if (sparsity == 0) {
      return network;
    }
    return pruner(sparsity).apply(network);
  }

  private Pruner pruner(double sparsity) {
    if (isMagnitude()) {
      return Pruners.magnitude().global().sparsity(sparsity).build();
    }
    if (blockRows > 0) {
      return Pruners.blocks(blockRows, blockCols).global().sparsity(sparsity).build();
    }
    double own = 1.0 - (double) n / m;
    if (Math.abs(own - sparsity) > 1e-9) {
      throw new IllegalArgumentException(name + " pruning gives sparsity " + own
          + ", but the benchmark asks for " + sparsity + ": run it with -p sparsity=" + own);
    }
    return Pruners.nm(n, m);
  }

  @Override
  public String toString() {
    return name;
  }
}
