package org.sparsenn.sparse;

import java.util.Arrays;
import org.sparsenn.kernel.CsrOperand;

/**
 * Splits the rows of a layer into contiguous ranges for parallel kernels: balanced by nonzeros
 * for sparse matrices (rows differ in length), by rows for dense ones. Range {@code i} is
 * {@code [bounds[i], bounds[i + 1])}; ranges may be empty when there are more parts than work.
 */
public final class RowPartition {
  private final int[] bounds;

  private RowPartition(int[] bounds) {
    this.bounds = bounds;
  }

  /**
   * Ranges of about equal nonzero counts (plus one unit of work per row, so long runs of empty
   * rows are split too).
   *
   * @throws IllegalArgumentException if {@code parts < 1}
   */
  public static RowPartition byNonzeros(CsrOperand matrix, int parts) {
    checkParts(parts);
    return byWorkBefore(matrix, parts, (total, p) -> total * p / parts);
  }

  /**
   * Ranges whose range {@code p - 1} ends at the first row where the work before it (nonzeros
   * plus one per row) reaches {@code workBefore(total, p)}.
   */
  private static RowPartition byWorkBefore(CsrOperand matrix, int parts,
      LongIntToLong workBefore) {
    int rows = matrix.rows();
    int[] rowPtr = new int[rows + 1];
    matrix.rowPointers().getInts(0, rowPtr);
    long total = (long) matrix.nnz() + rows;
    int[] bounds = new int[parts + 1];
    int row = 0;
    for (int p = 1; p < parts; p++) {
      long target = workBefore.apply(total, p);
      while (row < rows && (long) rowPtr[row] + row < target) {
        row++;
      }
      bounds[p] = row;
    }
    bounds[parts] = rows;
    return new RowPartition(bounds);
  }

  private interface LongIntToLong {
    long apply(long total, int part);
  }

  /**
   * Ranges of equal row counts.
   *
   * @throws IllegalArgumentException if {@code parts < 1} or {@code rows < 0}
   */
  public static RowPartition byRows(int rows, int parts) {
    return byRows(rows, parts, 1);
  }

  /**
   * Ranges of equal row counts that start on multiples of {@code align} (the last may be
   * shorter; trailing ranges are empty when there are fewer blocks than parts).
   *
   * @throws IllegalArgumentException if {@code parts < 1}, {@code rows < 0} or
   *     {@code align < 1}
   */
  public static RowPartition byRows(int rows, int parts, int align) {
    checkParts(parts);
    checkRowsAndAlign(rows, align);
    long blocks = (rows + (long) align - 1) / align;
    int[] bounds = new int[parts + 1];
    for (int p = 0; p <= parts; p++) {
      bounds[p] = (int) Math.min(rows, blocks * p / parts * align);
    }
    return new RowPartition(bounds);
  }

  /**
   * Ranges that end at the given fractions of the nonzero work (counted as in
   * {@link #byNonzeros(CsrOperand, int)}): range {@code i} ends near {@code cuts[i]} of it.
   *
   * @param cuts increasing fractions, the last 1
   * @throws IllegalArgumentException if {@code cuts} is empty, not increasing or does not end at 1
   */
  public static RowPartition byNonzeros(CsrOperand matrix, double[] cuts) {
    checkCuts(cuts);
    return byWorkBefore(matrix, cuts.length, (total, p) -> Math.round(total * cuts[p - 1]));
  }

  /**
   * Ranges that start on multiples of {@code align} and end near the given fractions of the
   * rows: range {@code i} ends near {@code cuts[i] * rows}.
   *
   * @param cuts increasing fractions, the last 1
   * @throws IllegalArgumentException if {@code cuts} is empty, not increasing or does not end
   *     at 1, {@code rows < 0} or {@code align < 1}
   */
  public static RowPartition byRows(int rows, double[] cuts, int align) {
    checkCuts(cuts);
    checkRowsAndAlign(rows, align);
    long blocks = (rows + (long) align - 1) / align;
    int[] bounds = new int[cuts.length + 1];
    for (int p = 1; p <= cuts.length; p++) {
      bounds[p] = (int) Math.min(rows, Math.round(blocks * cuts[p - 1]) * align);
    }
    return new RowPartition(bounds);
  }

  private static void checkRowsAndAlign(int rows, int align) {
    if (rows < 0) {
      throw new IllegalArgumentException("rows must be >= 0, got " + rows);
    }
    if (align < 1) {
      throw new IllegalArgumentException("align must be >= 1, got " + align);
    }
  }

  private static void checkCuts(double[] cuts) {
    if (cuts.length == 0 || cuts[cuts.length - 1] != 1.0) {
      throw new IllegalArgumentException("cuts must end at 1, got " + Arrays.toString(cuts));
    }
    double last = 0;
    for (double cut : cuts) {
      if (!(cut >= last)) {
        throw new IllegalArgumentException("cuts must increase from 0, got "
            + Arrays.toString(cuts));
      }
      last = cut;
    }
  }

  private static void checkParts(int parts) {
    if (parts < 1) {
      throw new IllegalArgumentException("parts must be >= 1, got " + parts);
    }
  }

  /** Number of ranges. */
  public int parts() {
    return bounds.length - 1;
  }

  /** First row of range {@code part}. */
  public int begin(int part) {
    return bounds[part];
  }

  /** One past the last row of range {@code part}. */
  public int end(int part) {
    return bounds[part + 1];
  }
}
