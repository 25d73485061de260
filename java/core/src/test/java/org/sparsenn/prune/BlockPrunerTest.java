package org.sparsenn.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

class BlockPrunerTest {
  /**
   * Checks that every block is all kept or all pruned, counts pruned blocks, and that no
   * pruned block has a larger L2 norm than a kept one.
   */
  private static int assertBlockInvariant(DenseLayer layer, boolean[] keep, int br, int bc) {
    int prunedBlocks = 0;
    double largestPruned = 0;
    double smallestKept = Double.POSITIVE_INFINITY;
    for (int r0 = 0; r0 < layer.outputs(); r0 += br) {
      for (int c0 = 0; c0 < layer.inputs(); c0 += bc) {
        Boolean state = null;
        double sum = 0;
        for (int r = r0; r < Math.min(r0 + br, layer.outputs()); r++) {
          for (int c = c0; c < Math.min(c0 + bc, layer.inputs()); c++) {
            boolean k = keep[r * layer.inputs() + c];
            assertTrue(state == null || state == k, "block at " + r0 + "," + c0 + " is mixed");
            state = k;
            sum += layer.weight(r, c) * layer.weight(r, c);
          }
        }
        if (state) {
          smallestKept = Math.min(smallestKept, Math.sqrt(sum));
        } else {
          prunedBlocks++;
          largestPruned = Math.max(largestPruned, Math.sqrt(sum));
        }
      }
    }
    assertTrue(largestPruned <= smallestKept + 1e-6);
    return prunedBlocks;
  }

  @Test
  void blockShapesPruneWholeBlocksToAnExactBlockCount() {
    Network net = TestNets.random(3, 16, 12, 8);
    for (int[] shape : new int[][] {{1, 4}, {4, 1}, {4, 4}, {2, 3}}) {
      PruneResult r = Pruners.blocks(shape[0], shape[1]).sparsity(0.75).build().prune(net);
      for (int l = 0; l < 2; l++) {
        DenseLayer layer = net.layers().get(l);
        int blocks = (layer.outputs() + shape[0] - 1) / shape[0]
            * ((layer.inputs() + shape[1] - 1) / shape[1]);
        assertEquals(Math.round(0.75 * blocks),
            assertBlockInvariant(layer, r.masks().keepFlags(l), shape[0], shape[1]));
      }
    }
  }

  @Test
  void edgeBlocksArePartial() {
    Network net = TestNets.random(4, 10, 7, 3); // 7 x 10 with 4x4 blocks: 2 x 3 blocks
    PruneResult r = Pruners.blocks(4, 4).sparsity(0.5).build().prune(net);
    assertEquals(3, assertBlockInvariant(net.layers().get(0), r.masks().keepFlags(0), 4, 4));
  }

  @Test
  void smallestNormBlockGoesAndTiesGoByBlockIndex() {
    // 2 x 4 with 1x2 blocks: norms sqrt(2), 1, 1, 5
    Network net = new Network(List.of(TestNets.layer(4, 2, 1, 1, 1, 0, 0, 1, 3, 4)), false);
    PruneResult r = Pruners.blocks(1, 2).sparsity(0.25).build().prune(net);
    assertArrayEquals(new boolean[] {true, true, false, false, true, true, true, true},
        r.masks().keepFlags(0));
  }

  @Test
  void globalScopeRanksBlocksAcrossLayers() {
    Network net = new Network(List.of(TestNets.layer(2, 2, 1, 1, 1, 1),
        TestNets.layer(2, 2, 9, 9, 9, 9)), false);
    PruneResult r = Pruners.blocks(1, 2).global().sparsity(0.5).build().prune(net);
    assertEquals(0, r.masks().kept(0));
    assertEquals(4, r.masks().kept(1));
  }

  @Test
  void badInputsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Pruners.blocks(0, 4));
    assertThrows(IllegalArgumentException.class, () -> Pruners.blocks(4, 4).sparsity(1.2));
    Network net = TestNets.random(1, 4, 4);
    var e = assertThrows(IllegalArgumentException.class,
        () -> Pruners.blocks(4, 4).sparsity(0.5).build().prune(net));
    assertTrue(e.getMessage().contains("all 1 blocks of layer 0"), e.getMessage());
  }
}
