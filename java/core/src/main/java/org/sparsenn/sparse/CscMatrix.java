package org.sparsenn.sparse;

import java.util.Objects;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.CscOperand;

/**
 * A sparse fp32 matrix in column panels ({@link CscOperand}), off-heap (64-byte aligned,
 * sealed) and owned: {@link #close()} frees it; use after close throws
 * {@link IllegalStateException}. Built from dense weights when a session starts; its kernels
 * read only the columns whose input is nonzero, which pays when a layer's inputs are mostly
 * exact zeros (after ReLU).
 */
public final class CscMatrix implements CscOperand, WeightMatrix {
  private final int rows;
  private final int cols;
  private final int panelRows;
  private final long nonzeros;
  private final AlignedBuffer colPointers;
  private final AlignedBuffer rowOffsets;
  private final AlignedBuffer values;

  private CscMatrix(int rows, int cols, int panelRows, long nonzeros, AlignedBuffer colPointers,
      AlignedBuffer rowOffsets, AlignedBuffer values) {
    this.rows = rows;
    this.cols = cols;
    this.panelRows = panelRows;
    this.nonzeros = nonzeros;
    this.colPointers = colPointers;
    this.rowOffsets = rowOffsets;
    this.values = values;
  }

  /**
   * The entries of a dense row-major matrix that are not zero (NaN is kept), in panels of
   * {@code panelRows} rows.
   *
   * @throws IllegalArgumentException if the shape is negative or disagrees with the array,
   *     {@code panelRows} is outside 1 to {@link #MAX_PANEL_ROWS}, or the column pointers
   *     would exceed {@link AlignedBuffer#MAX_BYTES}
   */
  public static CscMatrix fromDense(float[] dense, int rows, int cols, int panelRows) {
    Objects.requireNonNull(dense, "dense");
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException(
          "matrix shape must be non-negative, got " + rows + " x " + cols);
    }
    if ((long) rows * cols != dense.length) {
      throw new IllegalArgumentException("dense matrix has " + dense.length
          + " entries, expected rows * cols = " + rows + " * " + cols);
    }
    if (panelRows < 1 || panelRows > MAX_PANEL_ROWS) {
      throw new IllegalArgumentException(
          "panel rows must be in [1, " + MAX_PANEL_ROWS + "], got " + panelRows);
    }
    int panels = (rows + panelRows - 1) / panelRows;
    long pointers = (long) panels * cols + 1;
    if (pointers * Integer.BYTES > AlignedBuffer.MAX_BYTES) {
      throw new IllegalArgumentException(rows + " x " + cols + " in panels of " + panelRows
          + " rows needs " + pointers + " column pointers, more than a buffer holds");
    }
    int count = 0;
    for (float v : dense) {
      if (v != 0f) {
        count++;
      }
    }
    int[] colPtr = new int[(int) pointers];
    short[] offsets = new short[count];
    float[] vals = new float[count];
    int k = 0;
    for (int p = 0; p < panels; p++) {
      int first = p * panelRows;
      int last = Math.min(rows, first + panelRows);
      for (int c = 0; c < cols; c++) {
        for (int r = first; r < last; r++) {
          float v = dense[r * cols + c];
          if (v != 0f) {
            offsets[k] = (short) (r - first);
            vals[k] = v;
            k++;
          }
        }
        colPtr[p * cols + c + 1] = k;
      }
    }
    AlignedBuffer colBuffer = null;
    AlignedBuffer offsetBuffer = null;
    try {
      colBuffer = AlignedBuffer.copyOf(colPtr).seal();
      offsetBuffer = AlignedBuffer.copyOf(offsets).seal();
      AlignedBuffer valueBuffer = AlignedBuffer.copyOf(vals).seal();
      return new CscMatrix(rows, cols, panelRows, count, colBuffer, offsetBuffer, valueBuffer);
    } catch (RuntimeException | Error e) {
      if (colBuffer != null) {
        colBuffer.close();
      }
      if (offsetBuffer != null) {
        offsetBuffer.close();
      }
      throw e;
    }
  }

  /**
   * Bytes of a {@code rows x cols} matrix with {@code nonzeros} nonzeros in panels of
   * {@code panelRows} rows: 4-byte values, 2-byte row offsets, 4-byte column pointers per
   * panel column. What {@link #storageBytes()} reports.
   */
  public static long storageBytes(int rows, int cols, long nonzeros, int panelRows) {
    long panels = (rows + (long) panelRows - 1) / panelRows;
    return nonzeros * (Float.BYTES + Short.BYTES) + (panels * cols + 1) * Integer.BYTES;
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public int cols() {
    return cols;
  }

  @Override
  public int panelRows() {
    return panelRows;
  }

  @Override
  public AlignedBuffer colPointers() {
    return colPointers;
  }

  @Override
  public AlignedBuffer rowOffsets() {
    return rowOffsets;
  }

  @Override
  public AlignedBuffer values() {
    return values;
  }

  @Override
  public long storedWeights() {
    return nonzeros;
  }

  @Override
  public long storageBytes() {
    return storageBytes(rows, cols, nonzeros, panelRows);
  }

  @Override
  public boolean isClosed() {
    return values.isClosed();
  }

  @Override
  public void close() {
    colPointers.close();
    rowOffsets.close();
    values.close();
  }

  @Override
  public String toString() {
    return "CscMatrix[" + rows + " x " + cols + ", " + nonzeros + " nonzeros, panels of "
        + panelRows + " rows]";
  }
}
