package org.sparsenn.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparsenn.kernel.NativeKernels;
import org.sparsenn.kernel.PackedOperand;

class PackedMatrixTest {

  @Test
  void packsRowsIntoColumnMajorPanelsOfSixteen() {
    int rows = 18;
    int cols = 3;
    float[] data = new float[rows * cols];
    for (int i = 0; i < data.length; i++) {
      data[i] = i + 1;
    }
    try (PackedMatrix m = PackedMatrix.of(data, rows, cols)) {
      float[] panels = new float[(int) m.panels().floatCapacity()];
      m.panels().getFloats(0, panels);
      assertEquals(2 * 16 * cols, panels.length);
      // panel 0, column 1: rows 0..15 of column 1, consecutive
      for (int r = 0; r < 16; r++) {
        assertEquals(data[r * cols + 1], panels[16 + r], "row " + r);
      }
      // panel 1, column 2: rows 16 and 17, then zero padding
      int base = 16 * cols + 2 * 16;
      assertEquals(data[16 * cols + 2], panels[base]);
      assertEquals(data[17 * cols + 2], panels[base + 1]);
      for (int i = 2; i < 16; i++) {
        assertEquals(0f, panels[base + i], "padding " + i);
      }
      assertEquals(panels[(int) PackedOperand.index(17, 2, cols)], data[17 * cols + 2]);
      assertArrayEquals(data, m.toArray());
      assertEquals(4L * 2 * 16 * cols, m.storageBytes());
      assertTrue(m.toString().contains("18 x 3"), m.toString());
    }
  }

  @Test
  void holdsASealedAlignedCopy() {
    float[] data = {1, 2, 3, 4};
    try (PackedMatrix m = PackedMatrix.of(data, 2, 2)) {
      data[0] = 100;
      assertArrayEquals(new float[] {1, 2, 3, 4}, m.toArray());
      assertTrue(m.panels().isSealed());
      if (NativeKernels.isLoaded()) {
        assertEquals(0, m.panels().address() % 64);
      }
    }
  }

  @Test
  void emptyShapesPackToNothing() {
    try (PackedMatrix m = PackedMatrix.of(new float[0], 0, 5)) {
      assertEquals(0, m.panels().floatCapacity());
    }
    try (PackedMatrix m = PackedMatrix.of(new float[0], 5, 0)) {
      assertEquals(0, m.panels().floatCapacity());
    }
  }

  @Test
  void badShapesAreRejectedWithTheSizes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PackedMatrix.of(new float[5], 2, 3));
    assertTrue(e.getMessage().contains("5") && e.getMessage().contains("2 * 3"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PackedMatrix.of(new float[0], -1, 0));
    assertThrows(NullPointerException.class, () -> PackedMatrix.of(null, 1, 1));
  }

  @Test
  void useAfterCloseThrows() {
    PackedMatrix m = PackedMatrix.of(new float[] {1, 2}, 1, 2);
    m.close();
    m.close();
    assertTrue(m.isClosed());
    assertThrows(IllegalStateException.class, m::toArray);
  }
}
