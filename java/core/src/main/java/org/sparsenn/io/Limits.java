package org.sparsenn.io;

/**
 * Size checks shared by the readers: every size read from a file goes through here before any
 * arithmetic or allocation uses it, so that an overflow is a clear error, never a wrapped int.
 */
public final class Limits {
  /** The most elements one Java array can hold on common JVMs. */
  public static final long MAX_ARRAY_ELEMENTS = Integer.MAX_VALUE - 8;

  private Limits() {}

  /**
   * The number of elements of a tensor of this shape.
   *
   * @throws ModelFormatException naming {@code where} if a dimension is negative or the count
   *     does not fit one Java array
   */
  public static int elementCount(long[] shape, String where) {
    long count = 1;
    for (long dim : shape) {
      if (dim < 0) {
        throw new ModelFormatException(where + ": negative dimension " + dim + " in shape "
            + shapeText(shape));
      }
    }
    for (long dim : shape) {
      if (dim == 0) {
        return 0;
      }
      if (count > MAX_ARRAY_ELEMENTS / dim) {
        throw new ModelFormatException(where + ": shape " + shapeText(shape)
            + " has more elements than sparsenn can hold in one array (" + MAX_ARRAY_ELEMENTS
            + ")");
      }
      count *= dim;
    }
    return (int) count;
  }

  /**
   * Allocates a float array for a tensor whose size has already been checked against its file.
   *
   * @throws ModelFormatException if the JVM cannot hold it (rather than an OutOfMemoryError)
   */
  static float[] floats(int count, String where) {
    long bytes = 4L * count;
    long max = Runtime.getRuntime().maxMemory();
    if (bytes > max) {
      throw new ModelFormatException(where + ": needs " + bytes
          + " bytes as float32, more than the JVM's maximum heap (" + max + " bytes; raise -Xmx)");
    }
    try {
      return new float[count];
    } catch (OutOfMemoryError e) {
      // One failed allocation leaves the heap as it was; report it as the size problem it is.
      throw new ModelFormatException(where + ": not enough memory for " + bytes
          + " bytes of float32 (raise -Xmx)");
    }
  }

  /** {@code [2, 3]} style text of a shape. */
  static String shapeText(long[] shape) {
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      text.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    return text.append(']').toString();
  }

  /** {@code [2, 3]} style text of a shape. */
  static String shapeText(int[] shape) {
    long[] wide = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      wide[i] = shape[i];
    }
    return shapeText(wide);
  }
}
