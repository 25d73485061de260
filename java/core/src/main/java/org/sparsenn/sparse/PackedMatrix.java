package org.sparsenn.sparse;

import java.util.Arrays;
import java.util.Objects;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.PackedOperand;

/**
 * An fp32 matrix stored densely in 16-row panels ({@link PackedOperand}), off-heap (64-byte
 * aligned, sealed) and owned: {@link #close()} frees it; use after close throws
 * {@link IllegalStateException}. The layout lets kernels vectorise over output rows, which keeps
 * small batches at full vector width.
 */
public final class PackedMatrix implements PackedOperand, WeightMatrix {
  private final int rows;
  private final int cols;
  private final AlignedBuffer panels;

  private PackedMatrix(int rows, int cols, AlignedBuffer panels) {
    this.rows = rows;
    this.cols = cols;
    this.panels = panels;
  }

  /**
   * Packs a row-major array.
   *
   * @throws IllegalArgumentException if the shape is negative, disagrees with the array, or the
   *     packed matrix would exceed {@link Integer#MAX_VALUE} floats
   */
  public static PackedMatrix of(float[] data, int rows, int cols) {
    Objects.requireNonNull(data, "data");
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException(
          "matrix shape must be non-negative, got " + rows + " x " + cols);
    }
    if ((long) rows * cols != data.length) {
      throw new IllegalArgumentException("dense matrix has " + data.length
          + " entries, expected rows * cols = " + rows + " * " + cols);
    }
    long floats = PackedOperand.packedFloats(rows, cols);
    if (floats > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("packed " + rows + " x " + cols + " matrix needs "
          + floats + " floats, more than " + Integer.MAX_VALUE);
    }
    // One panel at a time through the heap: the padding rows stay zero, and a large layer
    // never needs a second full-size copy.
    AlignedBuffer panels = AlignedBuffer.allocateFloats(floats);
    try {
      float[] panel = new float[PANEL_ROWS * cols];
      for (int r0 = 0; r0 < rows; r0 += PANEL_ROWS) {
        int n = Math.min(PANEL_ROWS, rows - r0);
        Arrays.fill(panel, 0f);
        for (int i = 0; i < n; i++) {
          int base = (r0 + i) * cols;
          for (int c = 0; c < cols; c++) {
            panel[c * PANEL_ROWS + i] = data[base + c];
          }
        }
        panels.putFloats(r0 * cols, panel, 0, panel.length);
      }
      return new PackedMatrix(rows, cols, panels.seal());
    } catch (RuntimeException | Error e) {
      panels.close();
      throw e;
    }
  }

  /** A copy of the weights, row-major (the padding left out). */
  public float[] toArray() {
    float[] packed = new float[(int) panels.floatCapacity()];
    panels.getFloats(0, packed);
    float[] out = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out[r * cols + c] = packed[(int) PackedOperand.index(r, c, cols)];
      }
    }
    return out;
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
  public AlignedBuffer panels() {
    return panels;
  }

  /**
   * Bytes of a packed {@code rows x cols} matrix, the zero rows that fill its last panel
   * included: what {@link #storageBytes()} reports.
   */
  public static long storageBytes(int rows, int cols) {
    return Float.BYTES * PackedOperand.packedFloats(rows, cols);
  }

  @Override
  public long storedWeights() {
    return (long) rows * cols;
  }

  @Override
  public long storageBytes() {
    return storageBytes(rows, cols);
  }

  @Override
  public boolean isClosed() {
    return panels.isClosed();
  }

  @Override
  public void close() {
    panels.close();
  }

  @Override
  public String toString() {
    return "PackedMatrix[" + rows + " x " + cols + "]";
  }
}
