package org.sparsenn.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * An n-dimensional float32 array read from or written to a NumPy {@code .npy} file, in C
 * (row-major) order. A transfer object: {@link #data()} is the array itself, not a copy, so
 * that a large data set is not held twice.
 */
public final class NpyArray {
  private final int[] shape;
  private final float[] data;
  private final String sourceDtype;

  /**
   * @param shape the dimensions, each non-negative; {@code []} for a scalar
   * @param data the elements in C order; the array is kept, not copied
   * @param sourceDtype the NumPy dtype it was read as (e.g. {@code <f8}); {@code <f4} if none
   * @throws IllegalArgumentException if the shape is negative or disagrees with the data length
   */
  public NpyArray(int[] shape, float[] data, String sourceDtype) {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(data, "data");
    long count = 1;
    for (int dim : shape) {
      if (dim < 0) {
        throw new IllegalArgumentException("negative dimension in shape "
            + Arrays.toString(shape));
      }
      count *= dim;
    }
    if (count != data.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + count
          + " elements, data has " + data.length);
    }
    this.shape = shape.clone();
    this.data = data;
    this.sourceDtype = sourceDtype == null ? "<f4" : sourceDtype;
  }

  /**
   * A {@code [rows, columns]} array, e.g. a batch of feature vectors.
   *
   * @throws IllegalArgumentException if {@code data.length != rows * columns}
   */
  public static NpyArray matrix(int rows, int columns, float[] data) {
    return new NpyArray(new int[] {rows, columns}, data, "<f4");
  }

  /** A copy of the dimensions. */
  public int[] shape() {
    return shape.clone();
  }

  /** Number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** The elements in C order: the array itself, not a copy. */
  public float[] data() {
    return data;
  }

  /** The dtype in the file ({@code <f4}, {@code <f8}, {@code >f4} …) before conversion. */
  public String sourceDtype() {
    return sourceDtype;
  }

  /** Whether the values were converted to little-endian float32 while reading. */
  public boolean converted() {
    return !sourceDtype.equals("<f4");
  }

  /**
   * Rows of a 2-D array.
   *
   * @throws IllegalStateException if the array is not 2-D
   */
  public int rows() {
    requireMatrix();
    return shape[0];
  }

  /**
   * Columns of a 2-D array.
   *
   * @throws IllegalStateException if the array is not 2-D
   */
  public int columns() {
    requireMatrix();
    return shape[1];
  }

  private void requireMatrix() {
    if (shape.length != 2) {
      throw new IllegalStateException("array of shape " + Arrays.toString(shape)
          + " is not 2-D");
    }
  }

  @Override
  public String toString() {
    return "NpyArray" + Arrays.toString(shape) + " (" + sourceDtype + ")";
  }
}
