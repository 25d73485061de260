package org.sparsenn.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

class MasksTest {
  private static Network network() {
    return new Network(List.of(
        new DenseLayer(3, 2, new float[] {1, 0, 2, 0, 3, 0}, new float[] {5, 6}, Activation.RELU),
        new DenseLayer(2, 1, new float[] {4, 5}, null, Activation.IDENTITY)), false);
  }

  @Test
  void ofNonzerosKeepsExactlyTheNonzeroWeights() {
    Masks masks = Masks.ofNonzeros(network());
    assertArrayEquals(new boolean[] {true, false, true, false, true, false}, masks.keepFlags(0));
    assertEquals(3, masks.kept(0));
    assertEquals(0.5, masks.sparsity(0), 1e-12);
    assertEquals(0.0, masks.sparsity(1), 1e-12);
    assertEquals(3.0 / 8, masks.sparsity(), 1e-12);
  }

  @Test
  void applyZeroesPrunedWeightsAndKeepsBiases() {
    Network net = network();
    Masks masks = Masks.of(net, List.of(
        new boolean[] {false, true, true, true, true, true}, new boolean[] {true, false}));
    Network pruned = masks.apply(net);
    assertArrayEquals(new float[] {0, 0, 2, 0, 3, 0}, pruned.layers().get(0).weights());
    assertArrayEquals(new float[] {4, 0}, pruned.layers().get(1).weights());
    assertArrayEquals(new float[] {5, 6}, pruned.layers().get(0).bias());
  }

  @Test
  void andNeverRevivesAWeight() {
    Network net = network();
    Masks both = Masks.ofNonzeros(net).and(Masks.of(net, List.of(
        new boolean[] {false, true, true, true, true, true}, new boolean[] {true, true})));
    assertFalse(both.keeps(0, 0));
    assertTrue(both.keeps(0, 2));
    assertFalse(both.keeps(0, 1));
  }

  @Test
  void zeroPrunedWorksInPlace() {
    Masks masks = Masks.ofNonzeros(network());
    float[] weights = {9, 9, 9, 9, 9, 9};
    masks.zeroPruned(0, weights);
    assertArrayEquals(new float[] {9, 0, 9, 0, 9, 0}, weights);
  }

  @Test
  void mismatchedShapesAreRejectedByName() {
    Network net = network();
    var e = assertThrows(IllegalArgumentException.class,
        () -> Masks.of(net, List.of(new boolean[6], new boolean[3])));
    assertTrue(e.getMessage().contains("mask 1 has 3 entries"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Masks.of(net, List.of(new boolean[6])));
    Network other = new Network(List.of(
        new DenseLayer(2, 2, new float[4], null, Activation.RELU)), false);
    assertThrows(IllegalArgumentException.class, () -> Masks.keepAll(other).apply(net));
  }
}
