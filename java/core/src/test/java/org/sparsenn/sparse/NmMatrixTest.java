package org.sparsenn.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.prune.NmPruner;

class NmMatrixTest {
  /** A random dense layer pruned by {@link NmPruner} (the ragged tail keeps its proportion). */
  private static float[] pruned(int rows, int cols, int n, int m, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] w = new float[rows * cols];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (random.nextDouble() * 2 - 1);
    }
    Network net = new Network(
        List.of(new DenseLayer(cols, rows, w, new float[rows], Activation.IDENTITY)), false);
    Network out = new NmPruner(n, m).prune(net).network();
    return out.layers().get(0).weights();
  }

  @Test
  void prunedLayersGetTheirOwnPatternAndRoundTrip() {
    int[][] patterns = {{2, 4}, {1, 4}, {2, 8}, {4, 8}, {1, 8}, {2, 16}};
    for (int[] p : patterns) {
      for (int cols : new int[] {1, 3, 16, 33, 100, 784}) {
        float[] w = pruned(13, cols, p[0], p[1], 31L * cols + p[0]);
        NmPattern pattern = new NmPattern(p[0], p[1]);
        assertTrue(pattern.holds(w, 13, cols), pattern + " x " + cols);
        try (NmMatrix a = NmMatrix.fromDense(w, 13, cols, pattern)) {
          assertArrayEquals(w, a.toArray(), pattern + " x " + cols);
          assertEquals(pattern.window(), a.window());
          assertEquals(0, a.rowSlots() % 16);
          assertEquals(5L * 13 * a.rowSlots(), a.storageBytes());
        }
        // the tightest pattern is never less sparse than the one pruned to
        NmPattern tightest = NmPattern.tightest(w, 13, cols);
        assertTrue((double) tightest.n() / tightest.m() <= (double) p[0] / p[1] || cols < p[1],
            tightest + " for " + pattern);
        try (NmMatrix a = NmMatrix.fromDense(w, 13, cols)) {
          assertArrayEquals(w, a.toArray());
        }
      }
    }
  }

  @Test
  void tightestPicksTheSparsestPatternAndFallsBackToAllWeights() {
    float[] w24 = pruned(8, 64, 2, 4, 1);
    assertEquals(new NmPattern(2, 4), NmPattern.tightest(w24, 8, 64));
    float[] w14 = pruned(8, 64, 1, 4, 2);
    assertEquals(new NmPattern(1, 4), NmPattern.tightest(w14, 8, 64));
    float[] dense = pruned(8, 64, 15, 16, 3);
    assertEquals(NmPattern.ALL, NmPattern.tightest(dense, 8, 64));
    assertFalse(NmPattern.ALL.isSparse());
    assertEquals(new NmPattern(1, 16), NmPattern.tightest(new float[40], 5, 8));
    try (NmMatrix a = NmMatrix.fromDense(dense, 8, 64)) {
      assertArrayEquals(dense, a.toArray());
      assertEquals(64, a.rowSlots());
    }
  }

  @Test
  void emptyShapesBuild() {
    try (NmMatrix a = NmMatrix.fromDense(new float[0], 0, 7)) {
      assertEquals(0, a.storageBytes());
    }
    try (NmMatrix a = NmMatrix.fromDense(new float[0], 3, 0)) {
      assertEquals(0, a.rowSlots());
      assertArrayEquals(new float[0], a.toArray());
    }
  }

  @Test
  void badInputIsRejectedWithAClearMessage() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NmMatrix.fromDense(new float[] {1, 1, 1, 0}, 1, 4, new NmPattern(2, 4)));
    assertTrue(e.getMessage().contains("row 0") && e.getMessage().contains("2:4"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> NmMatrix.fromDense(new float[3], 2, 2));
    assertThrows(IllegalArgumentException.class, () -> new NmPattern(3, 4));
    assertThrows(IllegalArgumentException.class, () -> new NmPattern(2, 1));
    assertThrows(IllegalArgumentException.class, () -> new NmPattern(1, 17));
    assertThrows(IllegalArgumentException.class, () -> NmPattern.parse("2-4"));
    assertThrows(IllegalArgumentException.class, () -> NmPattern.parse("a:4"));
    assertEquals(new NmPattern(2, 4), NmPattern.parse("2:4"));
    assertEquals("1:8", new NmPattern(1, 8).toString());
  }

  @Test
  void useAfterCloseThrows() {
    NmMatrix a = NmMatrix.fromDense(new float[] {1, 0, 0, 2}, 2, 2);
    a.close();
    a.close();
    assertTrue(a.isClosed());
    assertThrows(IllegalStateException.class, () -> a.values().getFloat(0));
    assertThrows(IllegalStateException.class, a::toArray);
  }
}
