package org.sparsenn.sparse;

import java.util.Objects;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.BlockOperand;

/**
 * An fp32 matrix in 16x1 blocks ({@link BlockOperand}, the bsr16 layout), off-heap (64-byte
 * aligned, sealed) and owned: {@link #close()} frees it; use after close throws
 * {@link IllegalStateException}. A panel of 16 rows keeps a block for every column that any of
 * its rows uses; zeros inside a kept block are stored. It pays for weights pruned in 16x1 blocks
 * ({@code prune.BlockPruner}), where one index serves 16 values and a nonzero costs a vector
 * lane instead of CSR's scalar load of x.
 */
public final class BlockMatrix implements BlockOperand, WeightMatrix {
  /** Most columns a block column index (uint16) addresses. */
  public static final int MAX_COLUMNS = 1 << 16;

  private final int rows;
  private final int cols;
  private final int blocks;
  private final AlignedBuffer panelPointers;
  private final AlignedBuffer blockColumns;
  private final AlignedBuffer values;

  private BlockMatrix(int rows, int cols, int blocks, AlignedBuffer panelPointers,
      AlignedBuffer blockColumns, AlignedBuffer values) {
    this.rows = rows;
    this.cols = cols;
    this.blocks = blocks;
    this.panelPointers = panelPointers;
    this.blockColumns = blockColumns;
    this.values = values;
  }

  /**
   * The blocks of a row-major array: a block wherever a panel's column holds a weight that is
   * not zero.
   *
   * @throws IllegalArgumentException if the shape is negative, disagrees with the array, has
   *     more than {@link #MAX_COLUMNS} columns, or the blocks would exceed
   *     {@link Integer#MAX_VALUE} floats
   */
  public static BlockMatrix of(float[] data, int rows, int cols) {
    int blocks = countBlocks(data, rows, cols);
    if ((long) blocks * PANEL_ROWS > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(rows + " x " + cols + " matrix has " + blocks
          + " blocks of 16, more than " + Integer.MAX_VALUE + " floats");
    }
    int panels = BlockOperand.panels(rows);
    int[] panelPtr = new int[panels + 1];
    short[] blockCols = new short[blocks];
    float[] blockValues = new float[blocks * PANEL_ROWS];
    int k = 0;
    for (int p = 0; p < panels; p++) {
      int r0 = p * PANEL_ROWS;
      int n = Math.min(PANEL_ROWS, rows - r0);
      for (int c = 0; c < cols; c++) {
        if (!panelColumnUsed(data, cols, r0, n, c)) {
          continue;
        }
        blockCols[k] = (short) c;
        for (int i = 0; i < n; i++) {
          blockValues[k * PANEL_ROWS + i] = data[(r0 + i) * cols + c];
        }
        k++;
      }
      panelPtr[p + 1] = k;
    }
    AlignedBuffer ptr = null;
    AlignedBuffer col = null;
    AlignedBuffer val = null;
    try {
      ptr = AlignedBuffer.copyOf(panelPtr).seal();
      col = AlignedBuffer.copyOf(blockCols).seal();
      val = AlignedBuffer.copyOf(blockValues).seal();
      return new BlockMatrix(rows, cols, blocks, ptr, col, val);
    } catch (RuntimeException | Error e) {
      for (AlignedBuffer b : new AlignedBuffer[] {ptr, col, val}) {
        if (b != null) {
          b.close();
        }
      }
      throw e;
    }
  }

  /**
   * A matrix of its stored arrays (e.g. read from a file), checked by {@link #check} and copied
   * off-heap.
   *
   * @throws IllegalArgumentException as {@link #check}
   */
  public static BlockMatrix of(int rows, int cols, int[] panelPointers, int[] blockColumns,
      float[] values) {
    check(rows, cols, panelPointers, blockColumns, values);
    short[] narrow = new short[blockColumns.length];
    for (int k = 0; k < narrow.length; k++) {
      narrow[k] = (short) blockColumns[k];
    }
    AlignedBuffer ptr = null;
    AlignedBuffer col = null;
    try {
      ptr = AlignedBuffer.copyOf(panelPointers).seal();
      col = AlignedBuffer.copyOf(narrow).seal();
      AlignedBuffer val = AlignedBuffer.copyOf(values).seal();
      return new BlockMatrix(rows, cols, blockColumns.length, ptr, col, val);
    } catch (RuntimeException | Error e) {
      if (ptr != null) {
        ptr.close();
      }
      if (col != null) {
        col.close();
      }
      throw e;
    }
  }

  /**
   * Checks the arrays of a {@code rows x cols} matrix in 16x1 blocks, what the kernels rely on:
   * {@code panelPointers} has {@code panels(rows) + 1} entries, starts at 0, never decreases and
   * ends at the number of blocks; {@code blockColumns} has one column per block, in
   * {@code [0, cols)} and increasing within a panel; {@code values} has 16 per block (row
   * {@code i} of a panel at {@code 16 k + i}), zero (+0.0) in the rows of the last panel past
   * {@code rows}, so that every stored value is a weight.
   *
   * @throws IllegalArgumentException naming the first entry that breaks a rule
   */
  public static void check(int rows, int cols, int[] panelPointers, int[] blockColumns,
      float[] values) {
    Objects.requireNonNull(panelPointers, "panelPointers");
    Objects.requireNonNull(blockColumns, "blockColumns");
    Objects.requireNonNull(values, "values");
    if (rows < 0 || cols < 0 || cols > MAX_COLUMNS) {
      throw new IllegalArgumentException("block matrix shape must be non-negative with at most "
          + MAX_COLUMNS + " columns, got " + rows + " x " + cols);
    }
    int panels = BlockOperand.panels(rows);
    int blocks = blockColumns.length;
    if (panelPointers.length != panels + 1) {
      throw new IllegalArgumentException("panelPointers has " + panelPointers.length
          + " entries, expected " + (panels + 1) + " (one per panel of 16 rows, plus one)");
    }
    if ((long) blocks * PANEL_ROWS != values.length) {
      throw new IllegalArgumentException("values has " + values.length + " entries, expected "
          + PANEL_ROWS + " per block: " + (long) blocks * PANEL_ROWS);
    }
    if (panelPointers[0] != 0 || panelPointers[panels] != blocks) {
      throw new IllegalArgumentException("panelPointers must run from 0 to the " + blocks
          + " blocks, got " + panelPointers[0] + " to " + panelPointers[panels]);
    }
    for (int p = 0; p < panels; p++) {
      int begin = panelPointers[p];
      int end = panelPointers[p + 1];
      if (end < begin || end > blocks) {
        throw new IllegalArgumentException("panel " + p + ": panelPointers[" + (p + 1) + "] = "
            + end + " is not in [panelPointers[" + p + "] = " + begin + ", " + blocks + "]");
      }
      int previous = -1;
      for (int k = begin; k < end; k++) {
        int c = blockColumns[k];
        if (c < 0 || c >= cols) {
          throw new IllegalArgumentException("panel " + p + ": blockColumns[" + k + "] = " + c
              + " is outside [0, " + cols + ")");
        }
        if (c <= previous) {
          throw new IllegalArgumentException("panel " + p + ": blockColumns[" + k + "] = " + c
              + " is not greater than the previous column " + previous
              + " (columns must be sorted and unique within a panel)");
        }
        previous = c;
      }
    }
    int tail = rows % PANEL_ROWS;
    if (tail != 0) {
      for (int k = panelPointers[panels - 1]; k < blocks; k++) {
        for (int i = tail; i < PANEL_ROWS; i++) {
          if (Float.floatToRawIntBits(values[k * PANEL_ROWS + i]) != 0) {
            throw new IllegalArgumentException("values[" + (k * PANEL_ROWS + i) + "], row "
                + (rows - tail + i) + " of the last panel, is past the " + rows
                + " rows and must be zero");
          }
        }
      }
    }
  }

  /**
   * Blocks of 16x1 that {@link #of} keeps for a row-major {@code rows x cols} array: the
   * planner's input for this format (its cost is per block, not per nonzero).
   *
   * @throws IllegalArgumentException if the shape is negative, disagrees with the array or has
   *     more than {@link #MAX_COLUMNS} columns
   */
  public static int countBlocks(float[] data, int rows, int cols) {
    Objects.requireNonNull(data, "data");
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException(
          "matrix shape must be non-negative, got " + rows + " x " + cols);
    }
    if ((long) rows * cols != data.length) {
      throw new IllegalArgumentException("dense matrix has " + data.length
          + " entries, expected rows * cols = " + rows + " * " + cols);
    }
    if (cols > MAX_COLUMNS) {
      throw new IllegalArgumentException(
          "block matrix takes at most " + MAX_COLUMNS + " columns, got " + cols);
    }
    long blocks = 0;
    for (int r0 = 0; r0 < rows; r0 += PANEL_ROWS) {
      int n = Math.min(PANEL_ROWS, rows - r0);
      for (int c = 0; c < cols; c++) {
        if (panelColumnUsed(data, cols, r0, n, c)) {
          blocks++;
        }
      }
    }
    return (int) Math.min(blocks, Integer.MAX_VALUE);
  }

  private static boolean panelColumnUsed(float[] data, int cols, int r0, int n, int c) {
    for (int i = 0; i < n; i++) {
      if (data[(r0 + i) * cols + c] != 0f) {
        return true;
      }
    }
    return false;
  }

  /** A copy of the weights, row-major (the padding left out). */
  public float[] toArray() {
    int[] ptr = new int[BlockOperand.panels(rows) + 1];
    panelPointers.getInts(0, ptr);
    short[] col = new short[blocks];
    blockColumns.getShorts(0, col);
    float[] val = new float[blocks * PANEL_ROWS];
    values.getFloats(0, val);
    float[] out = new float[rows * cols];
    for (int p = 0; p + 1 < ptr.length; p++) {
      for (int k = ptr[p]; k < ptr[p + 1]; k++) {
        for (int i = 0; i < PANEL_ROWS && p * PANEL_ROWS + i < rows; i++) {
          out[(p * PANEL_ROWS + i) * cols + Short.toUnsignedInt(col[k])] = val[k * PANEL_ROWS + i];
        }
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
  public int blocks() {
    return blocks;
  }

  @Override
  public AlignedBuffer panelPointers() {
    return panelPointers;
  }

  @Override
  public AlignedBuffer blockColumns() {
    return blockColumns;
  }

  @Override
  public AlignedBuffer values() {
    return values;
  }

  /**
   * Bytes of a matrix of {@code rows} rows and {@code blocks} blocks: the values, the block
   * columns and the panel pointers, what {@link #storageBytes()} reports.
   */
  public static long storageBytes(int rows, long blocks) {
    return blocks * (PANEL_ROWS * (long) Float.BYTES + Short.BYTES)
        + (BlockOperand.panels(rows) + 1L) * Integer.BYTES;
  }

  /** Values stored, the zeros inside kept blocks included. */
  @Override
  public long storedWeights() {
    return (long) blocks * PANEL_ROWS;
  }

  @Override
  public long storageBytes() {
    return storageBytes(rows, blocks);
  }

  @Override
  public boolean isClosed() {
    return values.isClosed();
  }

  @Override
  public void close() {
    panelPointers.close();
    blockColumns.close();
    values.close();
  }

  @Override
  public String toString() {
    return "BlockMatrix[" + rows + " x " + cols + ", " + blocks + " blocks of 16x1]";
  }
}
