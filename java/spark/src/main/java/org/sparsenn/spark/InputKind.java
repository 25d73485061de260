package org.sparsenn.spark;

import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import scala.collection.Seq;

/** The input column types the model reads, and how one row's value becomes floats. */
enum InputKind {
  /** An ML {@code Vector}, dense or sparse (its doubles are rounded to float). */
  VECTOR,
  /** {@code array<float>}. */
  FLOAT_ARRAY,
  /** {@code array<double>} (rounded to float). */
  DOUBLE_ARRAY;

  /**
   * The kind of a column of type {@code type}.
   *
   * @throws IllegalArgumentException naming the column and its type if the model cannot read it
   */
  static InputKind of(String column, DataType type) {
    if (type.equals(SQLDataTypes.VectorType())) {
      return VECTOR;
    }
    if (type instanceof ArrayType array) {
      if (array.elementType().equals(DataTypes.FloatType)) {
        return FLOAT_ARRAY;
      }
      if (array.elementType().equals(DataTypes.DoubleType)) {
        return DOUBLE_ARRAY;
      }
    }
    throw new IllegalArgumentException("input column '" + column + "' has type "
        + type.simpleString() + "; sparsenn reads a Vector, array<float> or array<double> column");
  }

  /**
   * Writes {@code value} (one row's non-null cell) as floats into {@code dest} from
   * {@code offset}.
   *
   * @throws IllegalArgumentException naming the column if the value does not have
   *     {@code width} entries or an array holds a null
   */
  void copy(Object value, float[] dest, int offset, int width, String column) {
    switch (this) {
      case VECTOR -> copyVector((Vector) value, dest, offset, width, column);
      case FLOAT_ARRAY, DOUBLE_ARRAY -> copyArray(value, dest, offset, width, column);
      default -> throw new AssertionError(this);
    }
  }

  private static void copyVector(Vector vector, float[] dest, int offset, int width,
      String column) {
    requireWidth(vector.size(), width, column);
    if (vector instanceof DenseVector dense) {
      double[] values = dense.values();
      for (int i = 0; i < width; i++) {
        dest[offset + i] = (float) values[i];
      }
    } else {
      SparseVector sparse = (SparseVector) vector;
      java.util.Arrays.fill(dest, offset, offset + width, 0f);
      int[] indices = sparse.indices();
      double[] values = sparse.values();
      for (int k = 0; k < indices.length; k++) {
        dest[offset + indices[k]] = (float) values[k];
      }
    }
  }

  /**
   * Copies an array cell, held as Spark decodes it (a Scala {@code ArraySeq} over a primitive
   * or boxed array) or as an upstream typed operation left it (a Java array or {@code List}:
   * Spark skips decoding between object operations).
   */
  private static void copyArray(Object value, float[] dest, int offset, int width,
      String column) {
    Object array = value;
    if (value instanceof scala.collection.immutable.ArraySeq<?> seq) {
      array = seq.unsafeArray();
    } else if (value instanceof scala.collection.mutable.ArraySeq<?> seq) {
      array = seq.array();
    }
    if (array instanceof float[] floats) {
      requireWidth(floats.length, width, column);
      System.arraycopy(floats, 0, dest, offset, width);
    } else if (array instanceof double[] doubles) {
      requireWidth(doubles.length, width, column);
      for (int i = 0; i < width; i++) {
        dest[offset + i] = (float) doubles[i];
      }
    } else if (array instanceof Object[] boxed) {
      requireWidth(boxed.length, width, column);
      for (int i = 0; i < width; i++) {
        dest[offset + i] = element(boxed[i], i, column);
      }
    } else if (array instanceof Seq<?> seq) {
      requireWidth(seq.length(), width, column);
      for (int i = 0; i < width; i++) {
        dest[offset + i] = element(seq.apply(i), i, column);
      }
    } else if (array instanceof java.util.List<?> list) {
      requireWidth(list.size(), width, column);
      for (int i = 0; i < width; i++) {
        dest[offset + i] = element(list.get(i), i, column);
      }
    } else {
      throw new IllegalArgumentException("input column '" + column + "' holds a "
          + value.getClass().getName() + ", not an array of numbers");
    }
  }

  private static float element(Object element, int index, String column) {
    if (element == null) {
      throw new IllegalArgumentException("input column '" + column + "' holds an array with a"
          + " null at index " + index + "; fill or drop such rows before scoring");
    }
    return ((Number) element).floatValue();
  }

  private static void requireWidth(int actual, int expected, String column) {
    if (actual != expected) {
      throw new IllegalArgumentException("input column '" + column + "' has a row of " + actual
          + " values; the model takes " + expected);
    }
  }
}
