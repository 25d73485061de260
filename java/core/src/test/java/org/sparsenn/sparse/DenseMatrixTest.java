package org.sparsenn.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparsenn.kernel.NativeKernels;

class DenseMatrixTest {

  @Test
  void holdsACopyOfTheWeights() {
    float[] data = {1, 2, 3, 4, 5, 6};
    try (DenseMatrix m = DenseMatrix.of(data, 2, 3)) {
      data[0] = 100;
      assertEquals(2, m.rows());
      assertEquals(3, m.cols());
      assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, m.toArray());
      assertEquals(24, m.storageBytes());
      assertEquals(6, m.weights().floatCapacity());
      assertTrue(m.toString().contains("2 x 3"), m.toString());
    }
  }

  @Test
  void weightsAreSealedAndAligned() {
    try (DenseMatrix m = DenseMatrix.of(new float[] {1, 2}, 1, 2)) {
      assertTrue(m.weights().isSealed());
      assertThrows(IllegalStateException.class, () -> m.weights().putFloat(0, 9f));
      if (NativeKernels.isLoaded()) {
        assertEquals(0, m.weights().address() % 64);
      }
    }
  }

  @Test
  void sizeMismatchNamesBothSizes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DenseMatrix.of(new float[5], 2, 3));
    assertTrue(e.getMessage().contains("5") && e.getMessage().contains("2 * 3"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DenseMatrix.of(new float[7], 2, 3));
    // rows * cols overflows int but not long.
    assertThrows(IllegalArgumentException.class, () -> DenseMatrix.of(new float[0], 65536,
        65536));
  }

  @Test
  void negativeShapeIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> DenseMatrix.of(new float[0], -1, 0));
    assertThrows(IllegalArgumentException.class, () -> DenseMatrix.of(new float[0], 0, -3));
    assertThrows(IllegalArgumentException.class, () -> DenseMatrix.of(new float[6], -2, -3));
  }

  @Test
  void nullDataIsRejected() {
    assertThrows(NullPointerException.class, () -> DenseMatrix.of(null, 0, 0));
  }

  @Test
  void emptyShapesWork() {
    try (DenseMatrix m = DenseMatrix.of(new float[0], 0, 5)) {
      assertEquals(0, m.toArray().length);
      assertEquals(0, m.storageBytes());
    }
    try (DenseMatrix m = DenseMatrix.of(new float[0], 4, 0)) {
      assertEquals(4, m.rows());
      assertEquals(0, m.toArray().length);
    }
  }

  @Test
  void closeIsIdempotentAndAccessAfterCloseThrows() {
    DenseMatrix m = DenseMatrix.of(new float[] {1, 2}, 2, 1);
    assertFalse(m.isClosed());
    m.close();
    assertTrue(m.isClosed());
    assertDoesNotThrow(m::close);
    assertThrows(IllegalStateException.class, m::toArray);
    assertThrows(IllegalStateException.class, () -> m.weights().getFloat(0));
  }
}
