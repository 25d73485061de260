package org.sparsenn.sparse;

import java.util.List;
import java.util.Objects;
import org.sparsenn.kernel.NmOperand;

/**
 * An N:M sparsity pattern along a layer's inputs: in every row, each group of {@code m}
 * consecutive inputs (the last group may be shorter) holds at most {@code n} nonzero weights, as
 * {@code prune.NmPruner} leaves them. The patterns the N:M layout stores are those where
 * {@code n} divides 16 and {@code m <= 16 n}, so that a block of 16 slots covers a whole number
 * of groups, a window of {@code 16 m / n <= 256} inputs ({@link #window()}).
 *
 * @param n nonzeros kept per group
 * @param m inputs per group
 */
public record NmPattern(int n, int m) {
  /**
   * The patterns {@link #tightest} chooses among, sparsest first; among equal densities the
   * shorter group first. 16:16 holds every matrix (no group of 16 has more than 16 nonzeros).
   */
  public static final List<NmPattern> CANDIDATES = List.of(new NmPattern(1, 16),
      new NmPattern(1, 8), new NmPattern(2, 16), new NmPattern(1, 4), new NmPattern(2, 8),
      new NmPattern(4, 16), new NmPattern(2, 4), new NmPattern(4, 8), new NmPattern(8, 16),
      new NmPattern(16, 16));

  /** The pattern every matrix has: all weights stored, in groups of 16. */
  public static final NmPattern ALL = new NmPattern(16, 16);

  /**
   * A pattern.
   *
   * @throws IllegalArgumentException unless n is 1, 2, 4, 8 or 16 and {@code n <= m <= 16 n}
   */
  public NmPattern {
    if (n < 1 || 16 % n != 0 || m < n || m > 16 * n) {
      throw new IllegalArgumentException("an N:M layout needs N in {1, 2, 4, 8, 16} and "
          + "N <= M <= 16 N, got " + n + ":" + m);
    }
  }

  /**
   * The pattern written {@code "N:M"}, e.g. {@code "2:4"}.
   *
   * @throws IllegalArgumentException if the text is not two integers around a colon, or
   *     {@link #NmPattern the pattern} is not one the layout stores
   */
  public static NmPattern parse(String text) {
    Objects.requireNonNull(text, "text");
    int colon = text.indexOf(':');
    try {
      if (colon > 0) {
        return new NmPattern(Integer.parseInt(text.substring(0, colon).trim()),
            Integer.parseInt(text.substring(colon + 1).trim()));
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("expected an N:M pattern such as 2:4, got '" + text + "'");
  }

  /** Input columns one 16-slot block covers: {@code 16 m / n}. */
  public int window() {
    return NmOperand.BLOCK_SLOTS / n * m;
  }

  /** Whether the pattern drops weights ({@code n < m}). */
  public boolean isSparse() {
    return n < m;
  }

  /** Slots per row of a layer with {@code cols} inputs: n per group, rounded up to 16. */
  public long rowSlots(int cols) {
    long groups = ((long) cols + m - 1) / m;
    long slots = groups * n;
    return (slots + NmOperand.BLOCK_SLOTS - 1) / NmOperand.BLOCK_SLOTS * NmOperand.BLOCK_SLOTS;
  }

  /**
   * Whether every row of the row-major {@code rows x cols} {@code weights} has at most {@code n}
   * nonzeros in each group of {@code m} inputs.
   *
   * @throws IllegalArgumentException if the shape disagrees with the array
   */
  public boolean holds(float[] weights, int rows, int cols) {
    checkShape(weights, rows, cols);
    return maxPerGroup(weights, rows, cols, m) <= n;
  }

  /**
   * The sparsest of {@link #CANDIDATES} that holds {@code weights}; {@link #ALL} when no
   * sparse one does.
   *
   * @throws IllegalArgumentException if the shape disagrees with the array
   */
  public static NmPattern tightest(float[] weights, int rows, int cols) {
    checkShape(weights, rows, cols);
    int[] most = new int[17];
    for (int m : new int[] {4, 8, 16}) {
      most[m] = maxPerGroup(weights, rows, cols, m);
    }
    for (NmPattern p : CANDIDATES) {
      if (most[p.m] <= p.n) {
        return p;
      }
    }
    return ALL;
  }

  /**
   * The candidate pattern of least storage whose density is at least {@code density} (for a
   * layer known only by its count of nonzeros); {@link #ALL} above 1/2.
   */
  public static NmPattern atDensity(double density) {
    for (NmPattern p : CANDIDATES) {
      if ((double) p.n / p.m >= density) {
        return p;
      }
    }
    return ALL;
  }

  /** The most nonzeros any group of {@code m} inputs of any row holds. */
  private static int maxPerGroup(float[] weights, int rows, int cols, int m) {
    int most = 0;
    for (int r = 0; r < rows; r++) {
      int base = r * cols;
      for (int g = 0; g < cols; g += m) {
        int end = Math.min(cols, g + m);
        int count = 0;
        for (int c = g; c < end; c++) {
          if (weights[base + c] != 0f) {
            count++;
          }
        }
        most = Math.max(most, count);
      }
    }
    return most;
  }

  private static void checkShape(float[] weights, int rows, int cols) {
    Objects.requireNonNull(weights, "weights");
    if (rows < 0 || cols < 0 || (long) rows * cols != weights.length) {
      throw new IllegalArgumentException("dense matrix has " + weights.length
          + " entries, expected rows * cols = " + rows + " * " + cols);
    }
  }

  @Override
  public String toString() {
    return n + ":" + m;
  }
}
