package org.sparsenn.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.sparsenn.model.Network;

class PruneResultTest {
  @Test
  void masksMustFitTheNetwork() {
    Network net = TestNets.random(1, 4, 3);
    Network other = TestNets.random(1, 3, 3);
    SparsityReport report = SparsityReport.of(net, net, Masks.keepAll(net));
    assertThrows(IllegalArgumentException.class,
        () -> new PruneResult(net, Masks.keepAll(other), report));
    assertThrows(NullPointerException.class, () -> new PruneResult(net, null, report));
  }

  @Test
  void applyIsTheResultsNetwork() {
    Network net = TestNets.random(1, 4, 3);
    Pruner pruner = Pruners.magnitude().sparsity(0.5).build();
    assertEquals(6, pruner.apply(net).layers().get(0).nonzeroWeights());
  }
}
