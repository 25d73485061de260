package org.sparsenn.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

class NmPrunerTest {
  /** Checks every group of every row: the kept count, and no pruned weight beats a kept one. */
  private static void assertNmInvariant(Network original, PruneResult r, int n, int m) {
    for (int l = 0; l < original.layers().size(); l++) {
      DenseLayer layer = original.layers().get(l);
      boolean[] keep = r.masks().keepFlags(l);
      for (int row = 0; row < layer.outputs(); row++) {
        for (int start = 0; start < layer.inputs(); start += m) {
          int size = Math.min(m, layer.inputs() - start);
          int kept = 0;
          float smallestKept = Float.POSITIVE_INFINITY;
          float largestPruned = 0;
          for (int c = start; c < start + size; c++) {
            float w = Math.abs(layer.weight(row, c));
            if (keep[row * layer.inputs() + c]) {
              kept++;
              smallestKept = Math.min(smallestKept, w);
            } else {
              largestPruned = Math.max(largestPruned, w);
            }
          }
          assertEquals((n * size + m - 1) / m, kept, "layer " + l + " row " + row + " group "
              + start);
          assertTrue(largestPruned <= smallestKept);
        }
      }
    }
  }

  @Test
  void twoFourHoldsInEveryGroup() {
    Network net = TestNets.random(1, 16, 8, 4);
    PruneResult r = Pruners.nm(2, 4).prune(net);
    assertNmInvariant(net, r, 2, 4);
    assertEquals(0.5, r.report().totalSparsity(), 1e-12);
  }

  @Test
  void generalPatternsHoldIncludingTailGroups() {
    Network net = TestNets.random(2, 13, 7, 3);
    for (int[] nm : new int[][] {{2, 4}, {4, 8}, {1, 3}, {3, 5}, {1, 16}}) {
      assertNmInvariant(net, Pruners.nm(nm[0], nm[1]).prune(net), nm[0], nm[1]);
    }
  }

  @Test
  void tailGroupKeepsTheCeilingProportion() {
    NmPruner twoFour = Pruners.nm(2, 4);
    assertEquals(1, twoFour.keptInGroup(1));
    assertEquals(1, twoFour.keptInGroup(2));
    assertEquals(2, twoFour.keptInGroup(3));
    assertEquals(2, twoFour.keptInGroup(4));
    Network net = new Network(List.of(TestNets.layer(6, 1, 4, 3, 2, 1, 5, 6)), false);
    assertArrayEquals(new boolean[] {true, true, false, false, false, true},
        Pruners.nm(2, 4).prune(net).masks().keepFlags(0));
  }

  @Test
  void tiesPruneTheLowerIndexAndZerosGoFirst() {
    Network net = new Network(List.of(TestNets.layer(4, 2, 1, 1, 1, 1, 3, 0, 2, 0)), false);
    PruneResult r = Pruners.nm(2, 4).prune(net);
    assertArrayEquals(new boolean[] {false, false, true, true, true, false, true, false},
        r.masks().keepFlags(0));
  }

  @Test
  void invalidPatternsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Pruners.nm(4, 4));
    assertThrows(IllegalArgumentException.class, () -> Pruners.nm(0, 4));
    var e = assertThrows(IllegalArgumentException.class, () -> Pruners.nm(5, 4));
    assertTrue(e.getMessage().contains("5:4"), e.getMessage());
  }
}
