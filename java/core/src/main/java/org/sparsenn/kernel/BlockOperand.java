package org.sparsenn.kernel;

/**
 * A block-sparse matrix in 16x1 blocks as the kernels see it (the bsr16 layout of the native
 * header): the rows in panels of {@link #PANEL_ROWS}, each panel a list of blocks, one per
 * column the panel keeps. Block {@code k} holds {@code W[16p + i][blockColumns[k]]} at
 * {@code values[16k + i]}; zeros inside a kept block (and the rows of the last panel beyond the
 * matrix) are stored and multiplied. The invariants were checked when the matrix was built;
 * kernels trust them.
 */
public interface BlockOperand {
  /** Rows per panel, the height of a block. */
  int PANEL_ROWS = 16;

  /** Number of rows (without the padding of the last panel). */
  int rows();

  /** Number of columns (at most 65,536: the block columns are uint16). */
  int cols();

  /** Number of stored blocks. */
  int blocks();

  /** {@code ceil(rows / 16) + 1} int32 panel pointers into the blocks. */
  AlignedBuffer panelPointers();

  /** {@code blocks} uint16 block columns, increasing within a panel. */
  AlignedBuffer blockColumns();

  /** {@code blocks * 16} fp32 values, 64-byte aligned. */
  AlignedBuffer values();

  /** Panels of a matrix with {@code rows} rows. */
  static int panels(int rows) {
    return (rows + PANEL_ROWS - 1) / PANEL_ROWS;
  }
}
