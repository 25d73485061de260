package org.sparsenn.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.IndexWidth;

class CsrMatrixTest {
  // 3 x 4:
  //   [1 0 2 0]
  //   [0 0 0 0]
  //   [0 3 0 4]
  private static final int[] ROW_PTR = {0, 2, 2, 4};
  private static final int[] COLS = {0, 2, 1, 3};
  private static final float[] VALUES = {1, 2, 3, 4};
  private static final float[] DENSE = {1, 0, 2, 0, 0, 0, 0, 0, 0, 3, 0, 4};

  private static String rejected(Executable build) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
    return e.getMessage();
  }

  private static void assertMentions(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), "message '" + message + "' should mention '" + p + "'");
    }
  }

  @ParameterizedTest
  @EnumSource(IndexWidth.class)
  void validArraysBuildTheMatrix(IndexWidth width) {
    try (CsrMatrix m = CsrMatrix.of(3, 4, ROW_PTR, COLS, VALUES, width)) {
      assertEquals(3, m.rows());
      assertEquals(4, m.cols());
      assertEquals(4, m.nnz());
      assertEquals(width, m.indexWidth());
      assertArrayEquals(ROW_PTR, m.rowPointerArray());
      assertArrayEquals(COLS, m.columnIndexArray());
      assertArrayEquals(VALUES, m.valueArray());
      assertArrayEquals(DENSE, m.toDense());
      assertEquals(4.0 / 12, m.density(), 1e-12);
      assertEquals(4L * 4 + 4L * width.bytes() + 4L * 4, m.storageBytes());
      assertTrue(m.toString().contains("3 x 4"), m.toString());
    }
  }

  @Test
  void arraysAreCopiedNotShared() {
    int[] rp = ROW_PTR.clone();
    int[] ci = COLS.clone();
    float[] vs = VALUES.clone();
    try (CsrMatrix m = CsrMatrix.of(3, 4, rp, ci, vs, IndexWidth.INT32)) {
      rp[1] = 0;
      ci[0] = 3;
      vs[0] = 100;
      assertArrayEquals(DENSE, m.toDense());
      assertNotSame(m.valueArray(), m.valueArray());
    }
  }

  @Test
  void storageIsSealedAndAligned() {
    try (CsrMatrix m = CsrMatrix.of(3, 4, ROW_PTR, COLS, VALUES, IndexWidth.UINT16)) {
      for (AlignedBuffer b : new AlignedBuffer[] {m.rowPointers(), m.columnIndices(),
          m.values()}) {
        assertTrue(b.isSealed());
        assertThrows(IllegalStateException.class, () -> b.putFloat(0, 9f));
        if (org.sparsenn.kernel.NativeKernels.isLoaded()) {
          assertEquals(0, b.address() % 64);
        }
      }
    }
  }

  @Test
  void rowPointersOfWrongLengthAreRejected() {
    String m = rejected(() -> CsrMatrix.of(3, 4, new int[] {0, 2, 4}, COLS, VALUES,
        IndexWidth.INT32));
    assertMentions(m, "3 entries", "4");
    rejected(() -> CsrMatrix.of(3, 4, new int[] {0, 2, 2, 4, 4}, COLS, VALUES,
        IndexWidth.INT32));
    rejected(() -> CsrMatrix.of(0, 4, new int[0], new int[0], new float[0], IndexWidth.INT32));
  }

  @Test
  void firstRowPointerNotZeroIsRejected() {
    String m = rejected(() -> CsrMatrix.of(3, 4, new int[] {1, 2, 2, 4}, COLS, VALUES,
        IndexWidth.INT32));
    assertMentions(m, "rowPointers[0]", "1");
  }

  @Test
  void decreasingRowPointersNameRowAndIndex() {
    // row 1 ends before it starts: rowPointers[2] = 1 < rowPointers[1] = 2
    String m = rejected(() -> CsrMatrix.of(3, 4, new int[] {0, 2, 1, 4}, COLS, VALUES,
        IndexWidth.INT32));
    assertMentions(m, "row 1", "rowPointers[2] = 1");
    // A negative pointer in the middle is also a decrease.
    m = rejected(() -> CsrMatrix.of(3, 4, new int[] {0, -1, 2, 4}, COLS, VALUES,
        IndexWidth.INT32));
    assertMentions(m, "row 0", "rowPointers[1] = -1");
  }

  @Test
  void rowPointerAboveNnzNamesRowAndIndex() {
    String m = rejected(() -> CsrMatrix.of(3, 4, new int[] {0, 5, 5, 4}, COLS, VALUES,
        IndexWidth.INT32));
    assertMentions(m, "row 0", "rowPointers[1] = 5");
  }

  @Test
  void lastRowPointerNotNnzIsRejected() {
    String m = rejected(() -> CsrMatrix.of(3, 4, new int[] {0, 2, 2, 3}, COLS, VALUES,
        IndexWidth.INT32));
    assertMentions(m, "rowPointers[3] = 3", "4");
    rejected(() -> CsrMatrix.of(3, 4, ROW_PTR, COLS, new float[] {1, 2, 3}, IndexWidth.INT32));
    rejected(() -> CsrMatrix.of(3, 4, ROW_PTR, new int[] {0, 2, 1}, VALUES, IndexWidth.INT32));
    rejected(() -> CsrMatrix.of(3, 4, new int[] {0, 2, 2, -1}, COLS, VALUES,
        IndexWidth.INT32));
  }

  @ParameterizedTest
  @EnumSource(IndexWidth.class)
  void columnIndexOutOfRangeNamesRowAndIndex(IndexWidth width) {
    String m = rejected(() -> CsrMatrix.of(3, 4, ROW_PTR, new int[] {0, 2, 1, 4}, VALUES,
        width));
    assertMentions(m, "row 2", "columnIndices[3] = 4");
  }

  @ParameterizedTest
  @EnumSource(IndexWidth.class)
  void negativeColumnIndexNamesRowAndIndex(IndexWidth width) {
    String m = rejected(() -> CsrMatrix.of(3, 4, ROW_PTR, new int[] {-1, 2, 1, 3}, VALUES,
        width));
    assertMentions(m, "row 0", "columnIndices[0] = -1");
  }

  @Test
  void unsortedColumnsNameRowAndIndex() {
    String m = rejected(() -> CsrMatrix.of(3, 4, ROW_PTR, new int[] {0, 2, 3, 1}, VALUES,
        IndexWidth.INT32));
    assertMentions(m, "row 2", "columnIndices[3] = 1");
  }

  @Test
  void duplicateColumnsNameRowAndIndex() {
    String m = rejected(() -> CsrMatrix.of(3, 4, ROW_PTR, new int[] {2, 2, 1, 3}, VALUES,
        IndexWidth.UINT16));
    assertMentions(m, "row 0", "columnIndices[1] = 2");
  }

  @Test
  void columnsMayRestartAtZeroInTheNextRow() {
    try (CsrMatrix m = CsrMatrix.of(2, 3, new int[] {0, 2, 4}, new int[] {1, 2, 0, 1},
        new float[] {1, 2, 3, 4}, IndexWidth.INT32)) {
      assertArrayEquals(new float[] {0, 1, 2, 3, 4, 0}, m.toDense());
    }
  }

  @Test
  void uint16WithMoreThan65536ColumnsIsRejected() {
    String m = rejected(() -> CsrMatrix.of(1, 65537, new int[] {0, 0}, new int[0], new float[0],
        IndexWidth.UINT16));
    assertMentions(m, "65536", "65537");
    rejected(() -> CsrMatrix.fromDense(new float[65537], 1, 65537, 0f, IndexWidth.UINT16));
    try (CsrMatrix wide = CsrMatrix.of(1, 65537, new int[] {0, 1}, new int[] {65536},
        new float[] {1}, IndexWidth.INT32)) {
      rejected(() -> wide.withIndexWidth(IndexWidth.UINT16));
      assertArrayEquals(new int[] {65536}, wide.columnIndexArray());
    }
  }

  @Test
  void uint16With65536ColumnsAddressesTheLastColumn() {
    int[] cols = {0, 32767, 32768, 65535};
    try (CsrMatrix m = CsrMatrix.of(2, 65536, new int[] {0, 4, 4}, cols,
        new float[] {1, 2, 3, 4}, IndexWidth.UINT16)) {
      assertArrayEquals(cols, m.columnIndexArray());
      float[] dense = m.toDense();
      assertEquals(4f, dense[65535]);
      assertEquals(3f, dense[32768]);
      assertEquals(0f, dense[65536]);
      try (CsrMatrix wide = m.withIndexWidth(IndexWidth.INT32)) {
        assertArrayEquals(cols, wide.columnIndexArray());
        assertEquals(4 * 4, wide.columnIndices().byteSize());
      }
      assertEquals(4 * 2, m.columnIndices().byteSize());
    }
  }

  @Test
  void negativeShapeIsRejected() {
    rejected(() -> CsrMatrix.of(-1, 4, new int[] {0}, new int[0], new float[0],
        IndexWidth.INT32));
    rejected(() -> CsrMatrix.of(1, -4, new int[] {0, 0}, new int[0], new float[0],
        IndexWidth.INT32));
  }

  @Test
  void nullArraysAreRejected() {
    assertThrows(NullPointerException.class,
        () -> CsrMatrix.of(3, 4, null, COLS, VALUES, IndexWidth.INT32));
    assertThrows(NullPointerException.class,
        () -> CsrMatrix.of(3, 4, ROW_PTR, null, VALUES, IndexWidth.INT32));
    assertThrows(NullPointerException.class,
        () -> CsrMatrix.of(3, 4, ROW_PTR, COLS, null, IndexWidth.INT32));
    assertThrows(NullPointerException.class,
        () -> CsrMatrix.of(3, 4, ROW_PTR, COLS, VALUES, null));
  }

  @Test
  void emptyShapesWork() {
    try (CsrMatrix m = CsrMatrix.of(0, 0, new int[] {0}, new int[0], new float[0],
        IndexWidth.INT32)) {
      assertEquals(0, m.nnz());
      assertEquals(0.0, m.density());
      assertEquals(0, m.toDense().length);
    }
    try (CsrMatrix m = CsrMatrix.fromDense(new float[0], 3, 0, 0f, IndexWidth.UINT16)) {
      assertArrayEquals(new int[] {0, 0, 0, 0}, m.rowPointerArray());
      assertEquals(0.0, m.density());
    }
  }

  @Test
  void fromDenseKeepsEntriesAboveThreshold() {
    float[] dense = {0.5f, -0.05f, 0f, 0.1f, -2f, 0.11f};
    try (CsrMatrix m = CsrMatrix.fromDense(dense, 2, 3, 0.1f, IndexWidth.INT32)) {
      // |w| > 0.1 strictly: 0.1 itself is dropped.
      assertArrayEquals(new int[] {0, 1, 3}, m.rowPointerArray());
      assertArrayEquals(new int[] {0, 1, 2}, m.columnIndexArray());
      assertArrayEquals(new float[] {0.5f, -2f, 0.11f}, m.valueArray());
    }
    try (CsrMatrix m = CsrMatrix.fromDense(dense, 2, 3, 0f, IndexWidth.UINT16)) {
      assertEquals(5, m.nnz());
      assertArrayEquals(dense, m.toDense());
    }
  }

  @Test
  void fromDenseDropsNegativeZero() {
    try (CsrMatrix m = CsrMatrix.fromDense(new float[] {-0f, 1f}, 1, 2, 0f, IndexWidth.INT32)) {
      assertEquals(1, m.nnz());
    }
  }

  // "0 keeps every nonzero": a NaN weight is nonzero and must not silently disappear (the
  // sparse layer would then compute a finite output where the dense one gives NaN).
  @Test
  void fromDenseWithZeroThresholdKeepsNanAndInfiniteWeights() {
    float[] dense = {Float.NaN, 1f, Float.POSITIVE_INFINITY, 0f};
    try (CsrMatrix m = CsrMatrix.fromDense(dense, 2, 2, 0f, IndexWidth.INT32)) {
      assertEquals(3, m.nnz(), "NaN and +Inf are nonzero weights");
      assertTrue(Float.isNaN(m.toDense()[0]));
    }
  }

  @Test
  void invalidThresholdIsRejected() {
    for (float t : new float[] {-0.1f, Float.NaN, Float.NEGATIVE_INFINITY}) {
      String m = rejected(() -> CsrMatrix.fromDense(DENSE, 3, 4, t, IndexWidth.INT32));
      assertMentions(m, String.valueOf(t));
    }
  }

  @Test
  void fromDenseWithWrongSizeIsRejected() {
    String m = rejected(() -> CsrMatrix.fromDense(new float[11], 3, 4, 0f, IndexWidth.INT32));
    assertMentions(m, "11", "3 * 4");
    rejected(() -> CsrMatrix.fromDense(new float[12], 4, 4, 0f, IndexWidth.INT32));
    rejected(() -> CsrMatrix.fromDense(new float[4], 65536, 65536, 0f, IndexWidth.INT32));
  }

  @ParameterizedTest
  @EnumSource(IndexWidth.class)
  void maskKeepsExplicitZeros(IndexWidth width) {
    float[] dense = {0f, 5f, 0f, 0f, 0f, 7f};
    boolean[] mask = {true, false, false, true, true, true};
    try (CsrMatrix m = CsrMatrix.fromDense(dense, mask, 2, 3, width)) {
      assertEquals(4, m.nnz());
      assertArrayEquals(new int[] {0, 1, 4}, m.rowPointerArray());
      assertArrayEquals(new int[] {0, 0, 1, 2}, m.columnIndexArray());
      assertArrayEquals(new float[] {0f, 0f, 0f, 7f}, m.valueArray());
      // 5 is masked out; the explicit zeros read back as zeros.
      assertArrayEquals(new float[] {0, 0, 0, 0, 0, 7}, m.toDense());
    }
  }

  @Test
  void maskOfWrongLengthIsRejected() {
    String m = rejected(() -> CsrMatrix.fromDense(DENSE, new boolean[11], 3, 4,
        IndexWidth.INT32));
    assertMentions(m, "11", "12");
    assertThrows(NullPointerException.class,
        () -> CsrMatrix.fromDense(DENSE, null, 3, 4, IndexWidth.INT32));
  }

  @ParameterizedTest
  @EnumSource(IndexWidth.class)
  void toDenseRoundTripsRandomMatrices(IndexWidth width) {
    SplittableRandom random = new SplittableRandom(1);
    int[][] shapes = {{1, 1}, {7, 33}, {64, 17}, {100, 300}};
    for (int[] s : shapes) {
      for (double density : new double[] {0, 0.05, 0.5, 1}) {
        float[] dense = new float[s[0] * s[1]];
        for (int i = 0; i < dense.length; i++) {
          if (random.nextDouble() < density) {
            dense[i] = (float) random.nextDouble() + 0.01f;
          }
        }
        try (CsrMatrix m = CsrMatrix.fromDense(dense, s[0], s[1], 0f, width)) {
          assertArrayEquals(dense, m.toDense(), s[0] + "x" + s[1] + " density " + density);
          long nonzeros = 0;
          for (float v : dense) {
            nonzeros += v != 0 ? 1 : 0;
          }
          assertEquals(nonzeros, m.nnz());
          assertEquals((double) nonzeros / dense.length, m.density(), 1e-12);
          try (CsrMatrix copy = CsrMatrix.of(s[0], s[1], m.rowPointerArray(),
              m.columnIndexArray(), m.valueArray(), width)) {
            assertArrayEquals(dense, copy.toDense());
          }
        }
      }
    }
  }

  @Test
  void withIndexWidthKeepsEntriesAndOwnsNewStorage() {
    try (CsrMatrix m = CsrMatrix.of(3, 4, ROW_PTR, COLS, VALUES, IndexWidth.INT32)) {
      CsrMatrix narrow = m.withIndexWidth(IndexWidth.UINT16);
      assertEquals(IndexWidth.UINT16, narrow.indexWidth());
      assertArrayEquals(DENSE, narrow.toDense());
      assertArrayEquals(COLS, narrow.columnIndexArray());
      narrow.close();
      // Closing the copy leaves the original usable.
      assertFalse(m.isClosed());
      assertArrayEquals(DENSE, m.toDense());
      try (CsrMatrix same = m.withIndexWidth(IndexWidth.INT32)) {
        assertArrayEquals(DENSE, same.toDense());
      }
    }
  }

  @Test
  void densityCountsStoredEntries() {
    try (CsrMatrix m = CsrMatrix.fromDense(new float[] {1, 0, 0, 0}, new boolean[] {true, true,
        false, false}, 2, 2, IndexWidth.INT32)) {
      assertEquals(0.5, m.density());
    }
  }

  @Test
  void closeThenAccessThrowsIllegalState() {
    CsrMatrix m = CsrMatrix.of(3, 4, ROW_PTR, COLS, VALUES, IndexWidth.UINT16);
    assertFalse(m.isClosed());
    m.close();
    assertTrue(m.isClosed());
    assertDoesNotThrow(m::close);
    assertThrows(IllegalStateException.class, m::toDense);
    assertThrows(IllegalStateException.class, m::rowPointerArray);
    assertThrows(IllegalStateException.class, m::columnIndexArray);
    assertThrows(IllegalStateException.class, m::valueArray);
    assertThrows(IllegalStateException.class, () -> m.withIndexWidth(IndexWidth.INT32));
    assertThrows(IllegalStateException.class, () -> m.values().getFloat(0));
    assertThrows(IllegalStateException.class, () -> RowPartition.byNonzeros(m, 2));
    // Metadata stays readable.
    assertEquals(3, m.rows());
    assertEquals(4, m.nnz());
  }
}
