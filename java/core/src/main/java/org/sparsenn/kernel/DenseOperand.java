package org.sparsenn.kernel;

/** A dense fp32 matrix as the kernels see it: row-major, leading dimension {@link #cols()}. */
public interface DenseOperand {
  /** Number of rows. */
  int rows();

  /** Number of columns. */
  int cols();

  /** {@code rows * cols} fp32 weights, row-major. */
  AlignedBuffer weights();
}
