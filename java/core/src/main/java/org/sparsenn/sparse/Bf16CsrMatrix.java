package org.sparsenn.sparse;

import java.util.Objects;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.CsrOperand;
import org.sparsenn.kernel.IndexWidth;
import org.sparsenn.kernel.ValueType;

/**
 * A CSR matrix with uint16 column indices and bf16 values: 4 bytes per nonzero instead of the 6
 * of fp32 {@link CsrMatrix} with uint16 indices, for layers whose weights stream from memory.
 * Lossy: each value is rounded to bf16 (nearest, ties to even; {@link BFloat16}) when the matrix
 * is built, and the kernels compute in fp32 with the rounded values.
 *
 * <h2>Invariants</h2>
 * The structure is a uint16 {@link CsrMatrix}'s (row pointers from 0, never decreasing, ending at
 * {@code nnz}; indices in {@code [0, cols)} strictly increasing within a row; at most 65,536
 * columns), checked when the matrix is built; {@code values} holds {@code nnz} bf16 (16-bit)
 * entries. The three arrays are 64-byte aligned, sealed, owned and freed by {@link #close()};
 * use after close throws {@link IllegalStateException}.
 */
public final class Bf16CsrMatrix implements CsrOperand, WeightMatrix {
  private final int rows;
  private final int cols;
  private final int nnz;
  private final AlignedBuffer rowPointers;
  private final AlignedBuffer columnIndices;
  private final AlignedBuffer values;

  private Bf16CsrMatrix(int rows, int cols, int[] rowPtr, short[] colIdx, short[] bf16) {
    this.rows = rows;
    this.cols = cols;
    this.nnz = rowPtr[rows];
    AlignedBuffer rp = null;
    AlignedBuffer ci = null;
    AlignedBuffer vs = null;
    try {
      rp = AlignedBuffer.copyOf(rowPtr).seal();
      ci = AlignedBuffer.copyOf(colIdx).seal();
      vs = AlignedBuffer.copyOf(bf16).seal();
    } catch (RuntimeException | Error e) {
      for (AlignedBuffer b : new AlignedBuffer[] {rp, ci, vs}) {
        if (b != null) {
          b.close();
        }
      }
      throw e;
    }
    this.rowPointers = rp;
    this.columnIndices = ci;
    this.values = vs;
  }

  /**
   * The entries of a dense row-major matrix that are not zero (NaN kept), values rounded to
   * bf16. A value that rounds to zero (below bf16's smallest subnormal) is kept as an explicit
   * zero, so the pattern is the fp32 matrix's.
   *
   * @throws IllegalArgumentException if the sizes disagree or {@code cols > 65536}
   */
  public static Bf16CsrMatrix fromDense(float[] dense, int rows, int cols) {
    Objects.requireNonNull(dense, "dense");
    try (CsrMatrix exact = CsrMatrix.fromDense(dense, rows, cols, 0f, IndexWidth.UINT16)) {
      return of(exact);
    }
  }

  /**
   * The same pattern as {@code exact} (whose index width may be either), values rounded to
   * bf16.
   *
   * @throws IllegalArgumentException if {@code exact} has more than 65,536 columns
   * @throws IllegalStateException if {@code exact} is closed
   */
  public static Bf16CsrMatrix of(CsrMatrix exact) {
    Objects.requireNonNull(exact, "exact");
    if (exact.cols() > IndexWidth.UINT16.maxColumns()) {
      throw new IllegalArgumentException("bf16 CSR has uint16 indices: at most "
          + IndexWidth.UINT16.maxColumns() + " columns, got " + exact.cols());
    }
    int[] colIdx = exact.columnIndexArray();
    float[] vals = exact.valueArray();
    short[] narrow = new short[colIdx.length];
    short[] bf16 = new short[vals.length];
    for (int k = 0; k < colIdx.length; k++) {
      narrow[k] = (short) colIdx[k];
      bf16[k] = BFloat16.fromFloat(vals[k]);
    }
    return new Bf16CsrMatrix(exact.rows(), exact.cols(), exact.rowPointerArray(), narrow, bf16);
  }

  /**
   * Bytes of a bf16 CSR matrix with {@code rows} rows and {@code nnz} stored entries (row
   * pointers, uint16 indices, bf16 values): what {@link #storageBytes()} reports.
   */
  public static long storageBytes(int rows, long nnz) {
    return (long) Integer.BYTES * (rows + 1)
        + (long) (IndexWidth.UINT16.bytes() + ValueType.BF16.bytes()) * nnz;
  }

  /** The values widened to fp32 (the rounded weights the kernels multiply with). */
  public float[] valueArray() {
    short[] bf16 = new short[nnz];
    values.getShorts(0, bf16);
    float[] out = new float[nnz];
    for (int k = 0; k < nnz; k++) {
      out[k] = BFloat16.toFloat(bf16[k]);
    }
    return out;
  }

  @Override
  public ValueType valueType() {
    return ValueType.BF16;
  }

  @Override
  public long storedWeights() {
    return nnz;
  }

  @Override
  public long storageBytes() {
    return storageBytes(rows, nnz);
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
    return IndexWidth.UINT16;
  }

  @Override
  public AlignedBuffer rowPointers() {
    return rowPointers;
  }

  @Override
  public AlignedBuffer columnIndices() {
    return columnIndices;
  }

  /** {@code nnz} bf16 values (16 bits each). */
  @Override
  public AlignedBuffer values() {
    return values;
  }

  @Override
  public boolean isClosed() {
    return values.isClosed();
  }

  /** Frees the off-heap arrays. Idempotent. */
  @Override
  public void close() {
    rowPointers.close();
    columnIndices.close();
    values.close();
  }

  @Override
  public String toString() {
    return "Bf16CsrMatrix[" + rows + " x " + cols + ", nnz " + nnz + "]";
  }
}
