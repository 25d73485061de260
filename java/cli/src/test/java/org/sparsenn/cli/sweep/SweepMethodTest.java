package org.sparsenn.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparsenn.prune.NmPruner;

class SweepMethodTest {
  @Test
  void nmPrunesToThePatternNearestTheLevel() {
    assertArrayEquals(new int[] {2, 4}, SweepMethod.nmPattern(0.5));
    assertArrayEquals(new int[] {1, 4}, SweepMethod.nmPattern(0.7));
    assertArrayEquals(new int[] {1, 4}, SweepMethod.nmPattern(0.75));
    assertArrayEquals(new int[] {2, 8}, SweepMethod.nmPattern(0.8));
    assertArrayEquals(new int[] {1, 8}, SweepMethod.nmPattern(0.875));
    assertArrayEquals(new int[] {2, 16}, SweepMethod.nmPattern(0.9));
    assertArrayEquals(new int[] {1, 16}, SweepMethod.nmPattern(0.95));
    assertArrayEquals(new int[] {1, 16}, SweepMethod.nmPattern(0.99));
    // the low levels of a gradual ramp still prune (never n == m)
    assertArrayEquals(new int[] {3, 4}, SweepMethod.nmPattern(0.01));
    NmPruner pruner = (NmPruner) SweepMethod.NM.pruner(0.5);
    assertEquals(2, pruner.n());
    assertEquals(4, pruner.m());
    assertEquals(SweepMethod.NM, SweepMethod.parse("nm"));
    assertTrue(SweepMethod.NM.keepsShapes());
  }
}
