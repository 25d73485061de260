package org.sparsenn.kernel;

/**
 * A sparse fp32 matrix in the csc16 layout of the native header: rows in panels of
 * {@link #panelRows()}, each panel stored column by column, so that a kernel walks only the
 * columns whose input is nonzero. The nonzeros of column {@code c} within panel {@code p} are
 * entries {@code [colPointers[p * cols + c], colPointers[p * cols + c + 1])}; each has a uint16
 * row offset from the panel's first row ({@code p * panelRows}) and a value.
 */
public interface CscOperand {
  /** The most rows a panel may have: its row offsets are uint16. */
  int MAX_PANEL_ROWS = 1 << 16;

  /** Number of rows. */
  int rows();

  /** Number of columns. */
  int cols();

  /** Rows per panel (the last panel may have fewer), 1 to {@link #MAX_PANEL_ROWS}. */
  int panelRows();

  /** Number of panels: {@code ceil(rows / panelRows)}. */
  default int panels() {
    return (rows() + panelRows() - 1) / panelRows();
  }

  /** {@code panels * cols + 1} int32 entry offsets, non-decreasing from 0. */
  AlignedBuffer colPointers();

  /** Row offsets within the panel, uint16, strictly increasing within a panel column. */
  AlignedBuffer rowOffsets();

  /** Nonzero values, fp32, parallel to {@link #rowOffsets()}. */
  AlignedBuffer values();
}
