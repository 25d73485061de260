package org.sparsenn.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparsenn.kernel.IndexWidth;
import org.sparsenn.kernel.ValueType;

class Bf16CsrMatrixTest {
  @Test
  void keepsThePatternAndRoundsTheValues() {
    float[] dense = {
      0f, 1.00390625f, 0f, -3f,
      0f, 0f, 0f, 0f,
      Float.NaN, 0f, 1e-45f, Float.POSITIVE_INFINITY};
    try (Bf16CsrMatrix m = Bf16CsrMatrix.fromDense(dense, 3, 4);
        CsrMatrix exact = CsrMatrix.fromDense(dense, 3, 4, 0f, IndexWidth.UINT16)) {
      assertEquals(5, m.nnz());
      assertEquals(ValueType.BF16, m.valueType());
      assertEquals(IndexWidth.UINT16, m.indexWidth());
      int[] rowPtr = new int[4];
      m.rowPointers().getInts(0, rowPtr);
      assertArrayEquals(exact.rowPointerArray(), rowPtr);
      float[] values = m.valueArray();
      assertEquals(1f, values[0]);  // the tie 1 + 2^-8 rounds to even
      assertEquals(-3f, values[1]);
      assertTrue(Float.isNaN(values[2]));
      assertEquals(0f, values[3]);  // below bf16's smallest subnormal: an explicit zero
      assertEquals(Float.POSITIVE_INFINITY, values[4]);
      assertEquals(4L * 4 + 4L * 5, m.storageBytes());
      assertEquals(Bf16CsrMatrix.storageBytes(3, 5), m.storageBytes());
    }
  }

  @Test
  void emptyAndOneByOne() {
    try (Bf16CsrMatrix empty = Bf16CsrMatrix.fromDense(new float[6], 2, 3);
        Bf16CsrMatrix one = Bf16CsrMatrix.fromDense(new float[] {2.5f}, 1, 1)) {
      assertEquals(0, empty.nnz());
      assertEquals(1, one.nnz());
      assertArrayEquals(new float[] {2.5f}, one.valueArray());
    }
  }

  @Test
  void rejectsBadShapesAndUseAfterClose() {
    assertThrows(IllegalArgumentException.class,
        () -> Bf16CsrMatrix.fromDense(new float[5], 2, 3));
    assertThrows(IllegalArgumentException.class,
        () -> Bf16CsrMatrix.fromDense(new float[70_000], 1, 70_000));
    Bf16CsrMatrix m = Bf16CsrMatrix.fromDense(new float[] {1f, 2f}, 1, 2);
    m.close();
    m.close();
    assertTrue(m.isClosed());
    assertThrows(IllegalStateException.class, m::valueArray);
  }
}
