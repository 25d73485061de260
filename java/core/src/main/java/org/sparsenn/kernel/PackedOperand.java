package org.sparsenn.kernel;

/**
 * A dense fp32 matrix in the packed layout of the native header: rows in panels of
 * {@link #PANEL_ROWS}, each panel column-major, so that one column of a panel is one vector of
 * consecutive output rows. {@code W[r][c]} is at
 * {@code (r / 16) * cols * 16 + c * 16 + r % 16}; the rows of the last panel beyond the matrix
 * are zero.
 */
public interface PackedOperand {
  /** Rows per panel. */
  int PANEL_ROWS = 16;

  /** Number of rows (without the padding of the last panel). */
  int rows();

  /** Number of columns. */
  int cols();

  /** {@code ceil(rows / 16) * 16 * cols} fp32 weights in panels, 64-byte aligned. */
  AlignedBuffer panels();

  /** Floats of the packed layout for a {@code rows x cols} matrix. */
  static long packedFloats(int rows, int cols) {
    return (rows + (long) PANEL_ROWS - 1) / PANEL_ROWS * PANEL_ROWS * cols;
  }

  /** Index of {@code W[row][col]} in the packed layout of a matrix with {@code cols} columns. */
  static long index(int row, int col, int cols) {
    return (long) (row / PANEL_ROWS) * cols * PANEL_ROWS + (long) col * PANEL_ROWS
        + row % PANEL_ROWS;
  }
}
