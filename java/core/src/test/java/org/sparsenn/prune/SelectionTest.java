package org.sparsenn.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectionTest {
  @Test
  void scoreBitsOrderLikeMagnitudes() {
    assertEquals(0, Selection.scoreBits(-0f));
    assertEquals(Selection.scoreBits(1.5f), Selection.scoreBits(-1.5f));
    assertEquals(-1, Integer.compare(Selection.scoreBits(1e-30f), Selection.scoreBits(1e-29f)));
    assertEquals(-1, Integer.compare(Selection.scoreBits(3f), Selection.scoreBits(4f)));
  }

  @Test
  void countRoundsHalfUp() {
    assertEquals(9, Selection.count(0.9, 10));
    assertEquals(2, Selection.count(0.5, 3));
    assertEquals(0, Selection.count(0.0, 1_000_000));
  }

  @Test
  void ascendingHandlesNegativesAndTies() {
    assertArrayEquals(new int[] {3, 1, 0, 4, 2},
        Selection.ascending(new float[] {0, -1, 2, -5, 0}));
    assertArrayEquals(new int[] {0, 1}, Selection.ascending(new float[] {-0f, 0f}));
  }

  @Test
  void globalRankingCrossesLayerBoundaries() {
    int[][] scores = {{5, 1}, {2}, {0, 3, 4}};
    boolean[][] pruned = Selection.pruneSmallest(scores, Scope.GLOBAL, 0.5, Map.of(), "units");
    assertArrayEquals(new boolean[] {false, true}, pruned[0]);
    assertArrayEquals(new boolean[] {true}, pruned[1]);
    assertArrayEquals(new boolean[] {true, false, false}, pruned[2]);
  }

  @Test
  void globalTargetThatPrunesEverythingIsRejected() {
    int[][] scores = {{1}, {2}};
    assertThrows(IllegalArgumentException.class,
        () -> Selection.pruneSmallest(scores, Scope.GLOBAL, 0.9, Map.of(), "units"));
  }
}
