package org.sparsenn.sparse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparsenn.kernel.IndexWidth;

class RowPartitionTest {

  /** Ranges start at 0, end at rows, and each starts where the previous one ended. */
  private static void assertCovers(RowPartition p, int parts, int rows) {
    assertEquals(parts, p.parts());
    assertEquals(0, p.begin(0));
    assertEquals(rows, p.end(parts - 1));
    for (int i = 0; i < parts; i++) {
      assertTrue(p.begin(i) <= p.end(i), "range " + i + " is reversed");
      if (i > 0) {
        assertEquals(p.end(i - 1), p.begin(i), "gap or overlap before range " + i);
      }
    }
  }

  private static CsrMatrix matrix(int rows, int cols, int[] rowLengths) {
    float[] dense = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < rowLengths[r]; c++) {
        dense[r * cols + c] = 1f;
      }
    }
    return CsrMatrix.fromDense(dense, rows, cols, 0f, IndexWidth.INT32);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 7, 16})
  void nonzeroRangesCoverAllRowsContiguously(int parts) {
    SplittableRandom random = new SplittableRandom(parts);
    int rows = 97;
    int[] lengths = new int[rows];
    for (int r = 0; r < rows; r++) {
      lengths[r] = random.nextInt(50);
    }
    try (CsrMatrix m = matrix(rows, 50, lengths)) {
      assertCovers(RowPartition.byNonzeros(m, parts), parts, rows);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 4, 8})
  void skewedMatrixIsBalancedByNonzeros(int parts) {
    // First 10 rows full (100 nonzeros each), the other 90 empty: splitting by rows would give
    // all the work to the first range.
    int rows = 100;
    int cols = 100;
    int[] lengths = new int[rows];
    for (int r = 0; r < 10; r++) {
      lengths[r] = cols;
    }
    try (CsrMatrix m = matrix(rows, cols, lengths)) {
      RowPartition p = RowPartition.byNonzeros(m, parts);
      assertCovers(p, parts, rows);
      int[] rowPtr = m.rowPointerArray();
      long total = m.nnz() + rows;
      long maxRow = cols + 1;
      for (int i = 0; i < parts; i++) {
        long work = rowPtr[p.end(i)] - rowPtr[p.begin(i)] + (p.end(i) - p.begin(i));
        // A range can overshoot its share by at most one row.
        assertTrue(work <= (total + parts - 1) / parts + maxRow,
            "range " + i + " [" + p.begin(i) + ", " + p.end(i) + ") has work " + work);
      }
      assertTrue(p.end(0) <= 10, "first range takes every dense row: " + p.end(0));
    }
  }

  @Test
  void longRunOfEmptyRowsIsSplitToo() {
    try (CsrMatrix m = matrix(1000, 4, new int[1000])) {
      RowPartition p = RowPartition.byNonzeros(m, 4);
      assertCovers(p, 4, 1000);
      for (int i = 0; i < 4; i++) {
        assertEquals(250, p.end(i) - p.begin(i), "range " + i);
      }
    }
  }

  @Test
  void morePartsThanRowsGivesEmptyRangesOnly() {
    try (CsrMatrix m = matrix(3, 5, new int[] {5, 1, 3})) {
      RowPartition p = RowPartition.byNonzeros(m, 8);
      assertCovers(p, 8, 3);
      int nonEmpty = 0;
      for (int i = 0; i < 8; i++) {
        assertTrue(p.end(i) - p.begin(i) <= 1, "range " + i);
        nonEmpty += p.end(i) > p.begin(i) ? 1 : 0;
      }
      assertEquals(3, nonEmpty);
    }
    RowPartition byRows = RowPartition.byRows(3, 8);
    assertCovers(byRows, 8, 3);
  }

  @Test
  void zeroRowsGivesEmptyRanges() {
    try (CsrMatrix m = CsrMatrix.of(0, 5, new int[] {0}, new int[0], new float[0],
        IndexWidth.INT32)) {
      assertCovers(RowPartition.byNonzeros(m, 3), 3, 0);
    }
    assertCovers(RowPartition.byRows(0, 3), 3, 0);
  }

  @Test
  void singlePartIsTheWholeMatrix() {
    try (CsrMatrix m = matrix(5, 5, new int[] {1, 2, 3, 4, 5})) {
      RowPartition p = RowPartition.byNonzeros(m, 1);
      assertEquals(1, p.parts());
      assertEquals(0, p.begin(0));
      assertEquals(5, p.end(0));
    }
  }

  @Test
  void partsBelowOneAreRejected() {
    try (CsrMatrix m = matrix(3, 5, new int[] {5, 1, 3})) {
      for (int parts : new int[] {0, -1, Integer.MIN_VALUE}) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> RowPartition.byNonzeros(m, parts));
        assertTrue(e.getMessage().contains(String.valueOf(parts)), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RowPartition.byRows(10, parts));
      }
    }
  }

  @Test
  void negativeRowsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> RowPartition.byRows(-1, 2));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 7})
  void rowRangesDifferByAtMostOneRow(int parts) {
    for (int rows : new int[] {1, 10, 17, 1000}) {
      RowPartition p = RowPartition.byRows(rows, parts);
      assertCovers(p, parts, rows);
      int min = Integer.MAX_VALUE;
      int max = 0;
      for (int i = 0; i < parts; i++) {
        min = Math.min(min, p.end(i) - p.begin(i));
        max = Math.max(max, p.end(i) - p.begin(i));
      }
      assertTrue(max - min <= 1, rows + " rows in " + parts + ": " + min + ".." + max);
    }
  }

  @Test
  void largeRowCountDoesNotOverflow() {
    RowPartition p = RowPartition.byRows(Integer.MAX_VALUE, 3);
    assertCovers(p, 3, Integer.MAX_VALUE);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5})
  void alignedRangesStartOnBlockBoundaries(int parts) {
    for (int rows : new int[] {0, 1, 15, 16, 17, 33, 300, 1000}) {
      RowPartition p = RowPartition.byRows(rows, parts, 16);
      assertCovers(p, parts, rows);
      int blocks = (rows + 15) / 16;
      int maxBlocks = 0;
      int minBlocks = Integer.MAX_VALUE;
      for (int i = 0; i < parts; i++) {
        assertTrue(p.begin(i) % 16 == 0 || p.begin(i) == rows,
            rows + " rows in " + parts + ": range " + i + " starts at " + p.begin(i));
        int b = (p.end(i) - p.begin(i) + 15) / 16;
        maxBlocks = Math.max(maxBlocks, b);
        minBlocks = Math.min(minBlocks, b);
      }
      assertTrue(maxBlocks - minBlocks <= 1 || blocks < parts,
          rows + " rows in " + parts + ": " + minBlocks + ".." + maxBlocks + " blocks");
    }
  }

  @Test
  void alignmentBelowOneIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> RowPartition.byRows(10, 2, 0));
  }

  @Test
  void cutsEndRangesAtTheGivenFractionsOfTheWork() {
    double[] cuts = {0.4, 0.8, 0.9, 1.0};
    RowPartition rows = RowPartition.byRows(1000, cuts, 1);
    assertCovers(rows, 4, 1000);
    assertEquals(400, rows.end(0));
    assertEquals(800, rows.end(1));
    assertEquals(900, rows.end(2));
    RowPartition aligned = RowPartition.byRows(300, cuts, 32);  // 10 blocks, the last short
    assertCovers(aligned, 4, 300);
    assertEquals(128, aligned.end(0));
    assertEquals(256, aligned.end(1));
    assertEquals(288, aligned.end(2));
    // 10 full rows of 100 then 90 empty: work is counted as nonzeros plus one per row
    int[] lengths = new int[100];
    java.util.Arrays.fill(lengths, 0, 10, 100);
    try (CsrMatrix m = matrix(100, 100, lengths)) {
      RowPartition p = RowPartition.byNonzeros(m, cuts);
      assertCovers(p, 4, 100);
      for (int i = 0; i < 3; i++) {
        long work = 0;
        for (int r = 0; r < p.end(i); r++) {
          work += lengths[r] + 1;
        }
        assertEquals(cuts[i] * 1100, work, 101, "work before the end of range " + i);
      }
    }
  }

  @Test
  void cutsThatDoNotIncreaseToOneAreRejected() {
    for (double[] cuts : new double[][] {{}, {0.5}, {0.6, 0.4, 1.0}, {-0.1, 1.0},
        {0.5, Double.NaN, 1.0}, {0.5, 1.5}}) {
      assertThrows(IllegalArgumentException.class, () -> RowPartition.byRows(10, cuts, 1),
          java.util.Arrays.toString(cuts));
    }
  }

  @Test
  void largeAlignedRowCountDoesNotOverflow() {
    assertCovers(RowPartition.byRows(Integer.MAX_VALUE, 3, 16), 3, Integer.MAX_VALUE);
  }
}
