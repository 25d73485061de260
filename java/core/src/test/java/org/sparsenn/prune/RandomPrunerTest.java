package org.sparsenn.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparsenn.model.Network;

class RandomPrunerTest {
  @Test
  void layerWisePrunesExactCountsAndSameSeedGivesSameMasks() {
    Network net = TestNets.random(1, 30, 20, 10);
    PruneResult a = Pruners.random(42).sparsity(0.6).build().prune(net);
    PruneResult b = Pruners.random(42).sparsity(0.6).build().prune(net);
    assertEquals(240, a.masks().kept(0));
    assertEquals(80, a.masks().kept(1));
    assertArrayEquals(a.masks().keepFlags(0), b.masks().keepFlags(0));
    assertArrayEquals(a.masks().keepFlags(1), b.masks().keepFlags(1));
  }

  @Test
  void anotherSeedGivesOtherMasks() {
    Network net = TestNets.random(1, 30, 20);
    PruneResult a = Pruners.random(1).sparsity(0.5).build().prune(net);
    PruneResult b = Pruners.random(2).sparsity(0.5).build().prune(net);
    assertFalse(Arrays.equals(a.masks().keepFlags(0), b.masks().keepFlags(0)));
  }

  @Test
  void randomIsNotMagnitude() {
    Network net = TestNets.random(1, 30, 20);
    PruneResult random = Pruners.random(9).sparsity(0.5).build().prune(net);
    PruneResult magnitude = Pruners.magnitude().sparsity(0.5).build().prune(net);
    assertFalse(Arrays.equals(random.masks().keepFlags(0), magnitude.masks().keepFlags(0)));
  }

  @Test
  void globalPrunesExactTotalAndOverridesStayExact() {
    Network net = TestNets.random(1, 30, 20, 10);
    PruneResult r = Pruners.random(3).global().sparsity(0.5).override(1, 0.1).build()
        .prune(net);
    assertEquals(180, r.masks().kept(1));
    assertEquals(300, r.masks().kept(0));
    PruneResult all = Pruners.random(3).global().sparsity(0.5).build().prune(net);
    assertEquals(400, all.masks().kept(0) + all.masks().kept(1));
    // one draw over both layers: each layer lands near the target, not on it exactly
    assertTrue(Math.abs(all.masks().sparsity(0) - 0.5) < 0.1, all.report().format());
  }

  @Test
  void alreadyZeroWeightsAreChosenFirst() {
    Network net = new Network(List.of(TestNets.layer(4, 2, 0, 1, 2, 3, 4, 0, 6, 7)), false);
    for (long seed = 0; seed < 5; seed++) {
      PruneResult r = Pruners.random(seed).sparsity(0.25).build().prune(net);
      assertFalse(r.masks().keeps(0, 0));
      assertFalse(r.masks().keeps(0, 5));
      assertEquals(6, r.masks().kept(0));
    }
  }

  @Test
  void badInputsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Pruners.random(1).sparsity(1));
    assertThrows(IllegalStateException.class, () -> Pruners.random(1).build());
    Network net = TestNets.random(1, 3, 2);
    assertThrows(IllegalArgumentException.class,
        () -> Pruners.random(1).sparsity(0.5).override(1, 0.5).build().prune(net));
  }
}
