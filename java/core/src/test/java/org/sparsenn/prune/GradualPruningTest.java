package org.sparsenn.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

class GradualPruningTest {
  /** A stand-in for an optimizer step: random nudges to kept weights, pruned stay zero. */
  private static Network nudge(Network net, Masks masks, SplittableRandom random) {
    List<DenseLayer> layers = new java.util.ArrayList<>();
    for (int l = 0; l < net.layers().size(); l++) {
      float[] w = net.layers().get(l).weights();
      for (int i = 0; i < w.length; i++) {
        w[i] += (float) random.nextDouble(-0.5, 0.5);
      }
      masks.zeroPruned(l, w);
      layers.add(net.layers().get(l).withWeights(w));
    }
    return net.withLayers(layers);
  }

  @Test
  void followsTheScheduleAndNeverRevivesAWeight() {
    Network net = TestNets.random(1, 20, 10, 5);
    GradualPruning pruning = GradualPruning.magnitude(
        SparsitySchedule.cubic(0, 0.8, 0, 4, 3), Scope.LAYER);
    Masks masks = Masks.keepAll(net);
    SplittableRandom random = new SplittableRandom(2);
    for (long step = 0; step <= 15; step++) {
      net = nudge(net, masks, random);
      Masks next = pruning.update(step, net, masks);
      for (int l = 0; l < 2; l++) {
        for (int i = 0; i < masks.size(l); i++) {
          assertTrue(masks.keeps(l, i) || !next.keeps(l, i), "revived at step " + step);
        }
      }
      if (pruning.schedule().isPruningStep(step)) {
        double target = pruning.schedule().targetAt(step);
        assertEquals(Math.round(target * 200), 200 - next.kept(0), "step " + step);
      } else {
        assertSame(masks, next);
      }
      masks = next;
      net = masks.apply(net);
    }
    assertEquals(0.8, masks.sparsity(), 1e-12);
  }

  @Test
  void pruningTheMaskedNetworkChoosesAlreadyPrunedWeightsFirst() {
    Network net = TestNets.random(1, 10, 10);
    Masks half = Pruners.random(5).sparsity(0.5).build().prune(net).masks();
    GradualPruning pruning = new GradualPruning(SparsitySchedule.oneShot(0.6),
        s -> Pruners.magnitude().sparsity(s).build());
    Masks next = pruning.update(0, net, half);
    assertEquals(40, next.kept(0)); // old 50 pruned stay pruned, 10 more join them
  }

  @Test
  void shapeChangingPrunersAndMismatchedMasksAreRejected() {
    Network net = TestNets.random(1, 4, 4, 2);
    GradualPruning neurons = new GradualPruning(SparsitySchedule.oneShot(0.5),
        s -> Pruners.neurons().fraction(s).build());
    var e = assertThrows(IllegalArgumentException.class,
        () -> neurons.update(0, net, Masks.keepAll(net)));
    assertTrue(e.getMessage().contains("keeps layer shapes"), e.getMessage());
    GradualPruning magnitude = GradualPruning.magnitude(SparsitySchedule.oneShot(0.5),
        Scope.GLOBAL);
    assertThrows(IllegalArgumentException.class,
        () -> magnitude.update(0, net, Masks.keepAll(TestNets.random(1, 3, 2))));
  }
}
