package org.sparsenn.sparse;

import java.util.Objects;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.DenseOperand;

/**
 * An fp32 matrix stored densely, row-major, off-heap (64-byte aligned, sealed) and owned:
 * {@link #close()} frees it; use after close throws {@link IllegalStateException}.
 */
public final class DenseMatrix implements DenseOperand, WeightMatrix {
  private final int rows;
  private final int cols;
  private final AlignedBuffer weights;

  private DenseMatrix(int rows, int cols, AlignedBuffer weights) {
    this.rows = rows;
    this.cols = cols;
    this.weights = weights;
  }

  /**
   * A copy of a row-major array.
   *
   * @throws IllegalArgumentException if the shape is negative or disagrees with the array
   */
  public static DenseMatrix of(float[] data, int rows, int cols) {
    Objects.requireNonNull(data, "data");
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException(
          "matrix shape must be non-negative, got " + rows + " x " + cols);
    }
    if ((long) rows * cols != data.length) {
      throw new IllegalArgumentException("dense matrix has " + data.length
          + " entries, expected rows * cols = " + rows + " * " + cols);
    }
    return new DenseMatrix(rows, cols, AlignedBuffer.copyOf(data).seal());
  }

  /** A copy of the weights, row-major. */
  public float[] toArray() {
    float[] out = new float[rows * cols];
    weights.getFloats(0, out);
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
  public AlignedBuffer weights() {
    return weights;
  }

  /** Bytes of a dense {@code rows x cols} matrix: what {@link #storageBytes()} reports. */
  public static long storageBytes(int rows, int cols) {
    return (long) Float.BYTES * rows * cols;
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
    return weights.isClosed();
  }

  @Override
  public void close() {
    weights.close();
  }

  @Override
  public String toString() {
    return "DenseMatrix[" + rows + " x " + cols + "]";
  }
}
