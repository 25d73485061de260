package org.sparsenn.prune;

/** The norm that ranks a group of weights (a row, a column, a block). */
public enum Norm {
  /** Sum of absolute values. */
  L1,
  /** Square root of the sum of squares. */
  L2;

  /** The norm of {@code count} entries from {@code start}, {@code stride} apart. */
  double of(float[] values, int start, int count, int stride) {
    double sum = 0;
    for (int i = 0, at = start; i < count; i++, at += stride) {
      double v = values[at];
      sum += this == L1 ? Math.abs(v) : v * v;
    }
    return this == L1 ? sum : Math.sqrt(sum);
  }
}
