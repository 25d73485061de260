package org.sparsenn.sparse;

import java.util.Objects;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.CsrOperand;
import org.sparsenn.kernel.IndexWidth;

/**
 * An fp32 matrix in compressed sparse row form, held off-heap and owned.
 *
 * <h2>Invariants</h2>
 * Checked once, when the matrix is built, so that kernels can trust them:
 * <ul>
 *   <li>{@code rowPointers} has {@code rows + 1} int32 entries, starts at 0, never decreases,
 *       and ends at {@code nnz};
 *   <li>{@code columnIndices} has {@code nnz} entries in {@code [0, cols)}, strictly increasing
 *       within each row; int32, or uint16 when {@code cols <= 65536} ({@link IndexWidth#UINT16},
 *       6 bytes per nonzero instead of 8);
 *   <li>{@code values} has {@code nnz} fp32 entries, parallel to the column indices;
 *   <li>all three arrays are 64-byte aligned, sealed (read-only views) and freed by
 *       {@link #close()}, or by a cleaner if the owner forgets; {@linkplain #wrap wrapped}
 *       arrays (a mapped file's sections) are borrowed, and close only detaches them. Use after
 *       close throws {@link IllegalStateException}.
 * </ul>
 * Explicit zeros are allowed (a mask may keep a weight that happens to be 0).
 */
public final class CsrMatrix implements CsrOperand, WeightMatrix {
  private final int rows;
  private final int cols;
  private final int nnz;
  private final IndexWidth indexWidth;
  private final AlignedBuffer rowPointers;
  private final AlignedBuffer columnIndices;
  private final AlignedBuffer values;

  private CsrMatrix(int rows, int cols, int[] rowPtr, int[] colIdx, float[] vals,
      IndexWidth indexWidth) {
    this.rows = rows;
    this.cols = cols;
    this.nnz = rowPtr[rows];
    this.indexWidth = indexWidth;
    AlignedBuffer rp = null;
    AlignedBuffer ci = null;
    AlignedBuffer vs = null;
    try {
      rp = AlignedBuffer.copyOf(rowPtr).seal();
      ci = indexWidth == IndexWidth.INT32 ? AlignedBuffer.copyOf(colIdx) : narrow(colIdx, nnz);
      ci.seal();
      vs = AlignedBuffer.allocateFloats(nnz);
      vs.putFloats(0, vals, 0, nnz);
      vs.seal();
    } catch (RuntimeException | Error e) {
      closeAll(rp, ci, vs);
      throw e;
    }
    this.rowPointers = rp;
    this.columnIndices = ci;
    this.values = vs;
  }

  private CsrMatrix(int rows, int cols, int nnz, IndexWidth indexWidth,
      AlignedBuffer rowPointers, AlignedBuffer columnIndices, AlignedBuffer values) {
    this.rows = rows;
    this.cols = cols;
    this.nnz = nnz;
    this.indexWidth = indexWidth;
    this.rowPointers = rowPointers;
    this.columnIndices = columnIndices;
    this.values = values;
  }

  private static AlignedBuffer narrow(int[] colIdx, int nnz) {
    short[] narrow = new short[nnz];
    for (int k = 0; k < nnz; k++) {
      narrow[k] = (short) colIdx[k];
    }
    return AlignedBuffer.copyOf(narrow);
  }

  /**
   * A matrix from raw CSR arrays, validated first (the arrays are copied, so the caller may
   * reuse them).
   *
   * @throws IllegalArgumentException naming the row and index of the first broken invariant
   */
  public static CsrMatrix of(int rows, int cols, int[] rowPointers, int[] columnIndices,
      float[] values, IndexWidth indexWidth) {
    Objects.requireNonNull(rowPointers, "rowPointers");
    Objects.requireNonNull(columnIndices, "columnIndices");
    Objects.requireNonNull(values, "values");
    Objects.requireNonNull(indexWidth, "indexWidth");
    validate(rows, cols, rowPointers, columnIndices, values, indexWidth);
    return new CsrMatrix(rows, cols, rowPointers, columnIndices, values, indexWidth);
  }

  /**
   * A matrix over sealed buffers that already hold its arrays in the layout above (such as the
   * sections of a memory-mapped {@code .snn} file), without copying: the invariants are checked
   * here, once, by reading the buffers, and the matrix then owns the buffers ({@link #close()}
   * closes them). The memory must not change afterwards: kernels trust it.
   *
   * @throws IllegalArgumentException if a buffer is not sealed or not of the size the shape and
   *     {@code rowPointers[rows]} give, naming the row and index of the first broken invariant
   * @throws IllegalStateException if a buffer is closed
   */
  public static CsrMatrix wrap(int rows, int cols, AlignedBuffer rowPointers,
      AlignedBuffer columnIndices, AlignedBuffer values, IndexWidth indexWidth) {
    Objects.requireNonNull(rowPointers, "rowPointers");
    Objects.requireNonNull(columnIndices, "columnIndices");
    Objects.requireNonNull(values, "values");
    Objects.requireNonNull(indexWidth, "indexWidth");
    checkShape(rows, cols, indexWidth);
    if (!rowPointers.isSealed() || !columnIndices.isSealed() || !values.isSealed()) {
      throw new IllegalArgumentException("wrapped buffers must be sealed (read-only)");
    }
    if (rowPointers.byteSize() != 4L * (rows + 1L)) {
      throw new IllegalArgumentException("rowPointers has " + rowPointers.byteSize()
          + " bytes, expected 4 * (rows + 1) = " + 4L * (rows + 1L));
    }
    int[] rowPtr = new int[rows + 1];
    rowPointers.getInts(0, rowPtr);
    int nnz = rowPtr[rows];
    long indexBytes = indexWidth.bytes();
    if (nnz < 0 || columnIndices.byteSize() != indexBytes * nnz
        || values.byteSize() != 4L * nnz) {
      throw new IllegalArgumentException("rowPointers[" + rows + "] = " + nnz
          + " but columnIndices has " + columnIndices.byteSize() + " bytes and values "
          + values.byteSize() + " (" + indexBytes + " and 4 per entry)");
    }
    checkRowPointers(rows, rowPtr, nnz);
    checkColumnIndices(cols, rowPtr, columnIndices, indexWidth);
    return new CsrMatrix(rows, cols, nnz, indexWidth, rowPointers, columnIndices, values);
  }

  /** Checks the column indices in chunks, so that a large mapped array is never copied whole. */
  private static void checkColumnIndices(int cols, int[] rowPtr, AlignedBuffer columnIndices,
      IndexWidth indexWidth) {
    int nnz = rowPtr[rowPtr.length - 1];
    int chunk = 1 << 14;
    int row = 0;
    int previous = -1;
    for (int base = 0; base < nnz; base += chunk) {
      int n = Math.min(chunk, nnz - base);
      int[] indices = new int[n];
      if (indexWidth == IndexWidth.INT32) {
        columnIndices.getInts(base, indices);
      } else {
        short[] narrow = new short[n];
        columnIndices.getShorts(base, narrow);
        for (int j = 0; j < n; j++) {
          indices[j] = Short.toUnsignedInt(narrow[j]);
        }
      }
      for (int j = 0; j < n; j++) {
        int k = base + j;
        while (k >= rowPtr[row + 1]) {
          row++;
          previous = -1;
        }
        checkIndex(row, k, indices[j], previous, cols);
        previous = indices[j];
      }
    }
  }

  /**
   * The entries of a dense row-major matrix whose magnitude is above {@code threshold}
   * ({@code |w| > threshold}; 0 keeps every nonzero). NaN weights are always kept, so a NaN in
   * the weights shows in the outputs as it would with dense storage.
   *
   * @throws IllegalArgumentException if the sizes disagree, the threshold is negative or NaN,
   *     or the width cannot address {@code cols}
   */
  public static CsrMatrix fromDense(float[] dense, int rows, int cols, float threshold,
      IndexWidth indexWidth) {
    if (!(threshold >= 0f)) {
      throw new IllegalArgumentException("threshold must be >= 0, got " + threshold);
    }
    checkDense(dense, rows, cols, indexWidth);
    return build(dense, rows, cols, i -> !(Math.abs(dense[i]) <= threshold), indexWidth);
  }

  /**
   * The entries of a dense row-major matrix where {@code mask} is true (kept even if the value
   * is 0, so the pattern is exactly the mask's).
   *
   * @throws IllegalArgumentException if the sizes disagree or the width cannot address
   *     {@code cols}
   */
  public static CsrMatrix fromDense(float[] dense, boolean[] mask, int rows, int cols,
      IndexWidth indexWidth) {
    checkDense(dense, rows, cols, indexWidth);
    Objects.requireNonNull(mask, "mask");
    if (mask.length != dense.length) {
      throw new IllegalArgumentException(
          "mask has " + mask.length + " entries, matrix has " + dense.length);
    }
    return build(dense, rows, cols, i -> mask[i], indexWidth);
  }

  private interface Keep {
    boolean at(int index);
  }

  private static CsrMatrix build(float[] dense, int rows, int cols, Keep keep,
      IndexWidth indexWidth) {
    int[] rowPtr = new int[rows + 1];
    int count = 0;
    for (int i = 0; i < dense.length; i++) {
      if (keep.at(i)) {
        count++;
      }
    }
    int[] colIdx = new int[count];
    float[] vals = new float[count];
    int k = 0;
    for (int r = 0; r < rows; r++) {
      int base = r * cols;
      for (int c = 0; c < cols; c++) {
        if (keep.at(base + c)) {
          colIdx[k] = c;
          vals[k] = dense[base + c];
          k++;
        }
      }
      rowPtr[r + 1] = k;
    }
    return new CsrMatrix(rows, cols, rowPtr, colIdx, vals, indexWidth);
  }

  private static void checkDense(float[] dense, int rows, int cols, IndexWidth indexWidth) {
    Objects.requireNonNull(dense, "dense");
    Objects.requireNonNull(indexWidth, "indexWidth");
    checkShape(rows, cols, indexWidth);
    if ((long) rows * cols != dense.length) {
      throw new IllegalArgumentException("dense matrix has " + dense.length
          + " entries, expected rows * cols = " + rows + " * " + cols);
    }
  }

  private static void checkShape(int rows, int cols, IndexWidth indexWidth) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException(
          "matrix shape must be non-negative, got " + rows + " x " + cols);
    }
    if (cols > indexWidth.maxColumns()) {
      throw new IllegalArgumentException(indexWidth + " column indices address at most "
          + indexWidth.maxColumns() + " columns, matrix has " + cols);
    }
  }

  /** Checks every invariant listed in the class comment. */
  static void validate(int rows, int cols, int[] rowPtr, int[] colIdx, float[] values,
      IndexWidth indexWidth) {
    checkShape(rows, cols, indexWidth);
    if (rowPtr.length != rows + 1) {
      throw new IllegalArgumentException(
          "rowPointers has " + rowPtr.length + " entries, expected rows + 1 = " + (rows + 1));
    }
    if (rowPtr[0] != 0) {
      throw new IllegalArgumentException("rowPointers[0] must be 0, got " + rowPtr[0]);
    }
    int nnz = rowPtr[rows];
    if (nnz != colIdx.length || nnz != values.length) {
      throw new IllegalArgumentException("rowPointers[" + rows + "] = " + nnz
          + " but columnIndices has " + colIdx.length + " and values " + values.length
          + " entries");
    }
    checkRowPointers(rows, rowPtr, nnz);
    for (int r = 0; r < rows; r++) {
      int previous = -1;
      for (int k = rowPtr[r]; k < rowPtr[r + 1]; k++) {
        checkIndex(r, k, colIdx[k], previous, cols);
        previous = colIdx[k];
      }
    }
  }

  private static void checkRowPointers(int rows, int[] rowPtr, int nnz) {
    if (rowPtr[0] != 0) {
      throw new IllegalArgumentException("rowPointers[0] must be 0, got " + rowPtr[0]);
    }
    for (int r = 0; r < rows; r++) {
      int begin = rowPtr[r];
      int end = rowPtr[r + 1];
      if (end < begin || end > nnz) {
        throw new IllegalArgumentException("row " + r + ": rowPointers[" + (r + 1) + "] = " + end
            + " is not in [rowPointers[" + r + "] = " + begin + ", nnz = " + nnz + "]");
      }
    }
  }

  private static void checkIndex(int row, int k, int c, int previous, int cols) {
    if (c < 0 || c >= cols) {
      throw new IllegalArgumentException("row " + row + ": columnIndices[" + k + "] = " + c
          + " is outside [0, " + cols + ")");
    }
    if (c <= previous) {
      throw new IllegalArgumentException("row " + row + ": columnIndices[" + k + "] = " + c
          + " is not greater than the previous index " + previous
          + " (indices must be sorted and unique within a row)");
    }
  }

  /** The same entries with the other index width. */
  public CsrMatrix withIndexWidth(IndexWidth width) {
    Objects.requireNonNull(width, "width");
    checkShape(rows, cols, width);
    return new CsrMatrix(rows, cols, rowPointerArray(), columnIndexArray(), valueArray(), width);
  }

  /** A copy of the row pointers. */
  public int[] rowPointerArray() {
    int[] out = new int[rows + 1];
    rowPointers.getInts(0, out);
    return out;
  }

  /** A copy of the column indices, widened to int. */
  public int[] columnIndexArray() {
    int[] out = new int[nnz];
    if (indexWidth == IndexWidth.INT32) {
      columnIndices.getInts(0, out);
    } else {
      short[] narrow = new short[nnz];
      columnIndices.getShorts(0, narrow);
      for (int k = 0; k < nnz; k++) {
        out[k] = Short.toUnsignedInt(narrow[k]);
      }
    }
    return out;
  }

  /** A copy of the values. */
  public float[] valueArray() {
    float[] out = new float[nnz];
    values.getFloats(0, out);
    return out;
  }

  /** The matrix as a dense row-major array (zeros where nothing is stored). */
  public float[] toDense() {
    if ((long) rows * cols > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException(rows + " x " + cols + " is too large for a dense array");
    }
    float[] dense = new float[rows * cols];
    int[] rp = rowPointerArray();
    int[] ci = columnIndexArray();
    float[] vs = valueArray();
    for (int r = 0; r < rows; r++) {
      for (int k = rp[r]; k < rp[r + 1]; k++) {
        dense[r * cols + ci[k]] = vs[k];
      }
    }
    return dense;
  }

  /** Stored entries over all entries; 0 for an empty shape. */
  public double density() {
    long size = (long) rows * cols;
    return size == 0 ? 0.0 : (double) nnz / size;
  }

  /**
   * Bytes of a CSR matrix with {@code rows} rows and {@code nnz} stored entries (row pointers,
   * indices, values): what {@link #storageBytes()} reports.
   */
  public static long storageBytes(int rows, long nnz, IndexWidth indexWidth) {
    return (long) Integer.BYTES * (rows + 1) + (indexWidth.bytes() + (long) Float.BYTES) * nnz;
  }

  @Override
  public long storedWeights() {
    return nnz;
  }

  @Override
  public long storageBytes() {
    return storageBytes(rows, nnz, indexWidth);
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
  public int nnz() {
    return nnz;
  }

  @Override
  public IndexWidth indexWidth() {
    return indexWidth;
  }

  @Override
  public AlignedBuffer rowPointers() {
    return rowPointers;
  }

  @Override
  public AlignedBuffer columnIndices() {
    return columnIndices;
  }

  @Override
  public AlignedBuffer values() {
    return values;
  }

  @Override
  public boolean isClosed() {
    return values.isClosed();
  }

  /** Frees the off-heap arrays (detaches wrapped ones). Idempotent. */
  @Override
  public void close() {
    closeAll(rowPointers, columnIndices, values);
  }

  private static void closeAll(AlignedBuffer... buffers) {
    for (AlignedBuffer buffer : buffers) {
      if (buffer != null) {
        buffer.close();
      }
    }
  }

  @Override
  public String toString() {
    return "CsrMatrix[" + rows + " x " + cols + ", nnz " + nnz + ", " + indexWidth + "]";
  }
}
