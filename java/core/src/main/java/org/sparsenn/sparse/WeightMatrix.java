package org.sparsenn.sparse;

/**
 * A layer's weights in one of the storages the kernels read, off-heap and owned (or borrowed,
 * for a matrix wrapped over a mapped file). Sealed: every storage is one of the permitted
 * classes, and which kernels run it is the business of the layer method that built it
 * ({@code engine.LayerMethod}), not of code that switches over the classes.
 */
public sealed interface WeightMatrix extends AutoCloseable
    permits CsrMatrix, DenseMatrix, PackedMatrix, CscMatrix, Bf16CsrMatrix, BlockMatrix,
        NmMatrix, SellMatrix {
  /** Output size. */
  int rows();

  /** Input size. */
  int cols();

  /** Weights stored: the nonzeros kept for sparse storage, every weight for dense. */
  long storedWeights();

  /** Bytes the kernels read for one pass over the matrix. */
  long storageBytes();

  /** Whether {@link #close()} was called. */
  boolean isClosed();

  /** Frees the storage it owns. Idempotent. */
  @Override
  void close();
}
