package org.sparsenn.kernel;

/**
 * A CSR matrix as the kernels see it: three off-heap arrays whose invariants (see the native
 * header and {@code sparse.CsrMatrix}) were checked when the matrix was built. Kernels trust
 * them.
 */
public interface CsrOperand {
  /** Number of rows. */
  int rows();

  /** Number of columns. */
  int cols();

  /** Number of stored entries. */
  int nnz();

  /** Width of the column indices. */
  IndexWidth indexWidth();

  /** {@code rows + 1} int32 row pointers. */
  AlignedBuffer rowPointers();

  /** {@code nnz} column indices, int32 or uint16 per {@link #indexWidth()}. */
  AlignedBuffer columnIndices();

  /** {@code nnz} values, of {@link #valueType()}. */
  AlignedBuffer values();

  /** The element type of {@link #values()}: fp32 unless the matrix says otherwise. */
  default ValueType valueType() {
    return ValueType.FP32;
  }
}
