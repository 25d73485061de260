package org.sparsenn.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.IndexWidth;

class CsrMatrixWrapTest {
  // [[1, 0, 2], [0, 0, 0], [0, 3, 0]]
  private static final int[] ROW_POINTERS = {0, 2, 2, 3};
  private static final int[] COLUMNS = {0, 2, 1};
  private static final float[] VALUES = {1, 2, 3};

  private static CsrMatrix wrap(int[] rowPointers, int[] columns, float[] values) {
    return CsrMatrix.wrap(3, 3, AlignedBuffer.copyOf(rowPointers).seal(),
        AlignedBuffer.copyOf(columns).seal(), AlignedBuffer.copyOf(values).seal(),
        IndexWidth.INT32);
  }

  @Test
  void wrapsTheBuffersThemselves() {
    AlignedBuffer values = AlignedBuffer.copyOf(VALUES).seal();
    short[] narrow = {0, 2, 1};
    try (CsrMatrix m = CsrMatrix.wrap(3, 3, AlignedBuffer.copyOf(ROW_POINTERS).seal(),
        AlignedBuffer.copyOf(narrow).seal(), values, IndexWidth.UINT16)) {
      assertTrue(m.values() == values);
      assertEquals(3, m.nnz());
      assertArrayEquals(new float[] {1, 0, 2, 0, 0, 0, 0, 3, 0}, m.toDense());
    }
    assertTrue(values.isClosed());
  }

  @Test
  void brokenInvariantsAreRejectedNamingTheIndex() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> wrap(ROW_POINTERS, new int[] {0, 2, 3}, VALUES));
    assertTrue(e.getMessage().contains("row 2: columnIndices[2] = 3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> wrap(ROW_POINTERS, new int[] {2, 0, 1}, VALUES));
    assertTrue(e.getMessage().contains("sorted"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> wrap(new int[] {0, 2, 1, 3}, COLUMNS, VALUES));
    assertTrue(e.getMessage().contains("row 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> wrap(ROW_POINTERS, COLUMNS, new float[] {1, 2}));
    assertTrue(e.getMessage().contains("values"), e.getMessage());
  }

  @Test
  void unsealedBuffersAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> CsrMatrix.wrap(3, 3,
        AlignedBuffer.copyOf(ROW_POINTERS), AlignedBuffer.copyOf(COLUMNS).seal(),
        AlignedBuffer.copyOf(VALUES).seal(), IndexWidth.INT32));
  }
}
