package org.sparsenn.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BlockMatrixTest {

  @Test
  void keepsABlockForEveryPanelColumnInUseWithItsZeros() {
    int rows = 18;
    int cols = 4;
    float[] data = new float[rows * cols];
    data[3 * cols + 1] = 2f;   // panel 0, column 1
    data[15 * cols + 3] = -1f; // panel 0, column 3
    data[17 * cols + 0] = 5f;  // panel 1, column 0
    try (BlockMatrix m = BlockMatrix.of(data, rows, cols)) {
      assertEquals(3, m.blocks());
      int[] ptr = new int[3];
      m.panelPointers().getInts(0, ptr);
      assertArrayEquals(new int[] {0, 2, 3}, ptr);
      short[] col = new short[3];
      m.blockColumns().getShorts(0, col);
      assertArrayEquals(new short[] {1, 3, 0}, col);
      float[] values = new float[3 * 16];
      m.values().getFloats(0, values);
      assertEquals(2f, values[3]);
      assertEquals(-1f, values[16 + 15]);
      assertEquals(5f, values[32 + 1]);
      assertEquals(0f, values[32 + 2], "the padding rows of the last panel are zero");
      assertArrayEquals(data, m.toArray());
      assertEquals(3L * 16, m.storedWeights());
      assertEquals(BlockMatrix.storageBytes(rows, 3), m.storageBytes());
      assertEquals(3 * (16 * 4 + 2) + 3 * 4, m.storageBytes());
      assertEquals(3, BlockMatrix.countBlocks(data, rows, cols));
      assertTrue(m.values().isSealed() && m.blockColumns().isSealed());
    }
  }

  @Test
  void emptyAndAllZeroMatricesHoldNoBlocks() {
    try (BlockMatrix m = BlockMatrix.of(new float[0], 0, 5)) {
      assertEquals(0, m.blocks());
      assertEquals(4, m.storageBytes());
    }
    try (BlockMatrix m = BlockMatrix.of(new float[6], 3, 2)) {
      assertEquals(0, m.blocks());
      assertArrayEquals(new float[6], m.toArray());
    }
  }

  @Test
  void columnsAbove32767AreStoredUnsigned() {
    int cols = 40000;
    float[] data = new float[cols];
    data[cols - 1] = 3f;
    try (BlockMatrix m = BlockMatrix.of(data, 1, cols)) {
      assertArrayEquals(data, m.toArray());
    }
  }

  @Test
  void rejectsBadShapesAndTooManyColumns() {
    assertThrows(IllegalArgumentException.class, () -> BlockMatrix.of(new float[3], 2, 2));
    assertThrows(IllegalArgumentException.class, () -> BlockMatrix.of(new float[0], -1, 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BlockMatrix.of(new float[65537], 1, 65537));
    assertTrue(e.getMessage().contains("65536"), e.getMessage());
  }

  @Test
  void useAfterCloseThrows() {
    BlockMatrix m = BlockMatrix.of(new float[] {1, 0, 0, 1}, 2, 2);
    m.close();
    m.close();  // idempotent
    assertTrue(m.isClosed());
    assertThrows(IllegalStateException.class, () -> m.values().address());
  }
}
