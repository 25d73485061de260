package org.sparsenn.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparsenn.model.Network;

class MagnitudePrunerTest {
  private static Network twoLayers() {
    return new Network(List.of(
        TestNets.layer(4, 2, 0.1f, -0.9f, 0.3f, 0.5f, -0.2f, 0.8f, 0.05f, 0.7f),
        TestNets.layer(2, 2, 0.4f, -0.6f, 0.01f, 1.0f)), false);
  }

  @Test
  void layerWisePrunesExactlyRoundedCountInEveryLayer() {
    Network net = TestNets.random(1, 37, 23, 11);
    PruneResult r = Pruners.magnitude().sparsity(0.7).build().prune(net);
    assertEquals(Math.round(0.7 * 37 * 23), 37 * 23 - r.masks().kept(0));
    assertEquals(Math.round(0.7 * 23 * 11), 23 * 11 - r.masks().kept(1));
    assertEquals(Math.round(0.7 * 37 * 23), TestNets.zeros(r.network(), 0));
  }

  @Test
  void smallestMagnitudesArePrunedAndBiasesKept() {
    Network net = twoLayers();
    PruneResult r = Pruners.magnitude().sparsity(0.5).build().prune(net);
    assertArrayEquals(new float[] {0, -0.9f, 0, 0.5f, 0, 0.8f, 0, 0.7f},
        r.network().layers().get(0).weights());
    assertArrayEquals(new float[] {0, -0.6f, 0, 1.0f}, r.network().layers().get(1).weights());
    assertArrayEquals(net.layers().get(0).bias(), r.network().layers().get(0).bias());
  }

  @Test
  void tiesAreBrokenByLowerIndexFirst() {
    Network net = new Network(List.of(TestNets.layer(3, 2, 1, -1, 1, 2, 1, -1)), false);
    PruneResult r = Pruners.magnitude().sparsity(0.5).build().prune(net);
    // five weights of |w| = 1 tie; the three lowest indices go
    assertArrayEquals(new boolean[] {false, false, false, true, true, true},
        r.masks().keepFlags(0));
  }

  @Test
  void resultsAreDeterministic() {
    Network net = TestNets.random(7, 50, 40, 10);
    var pruner = Pruners.magnitude().global().sparsity(0.83).build();
    assertArrayEquals(pruner.prune(net).masks().keepFlags(0),
        pruner.prune(net).masks().keepFlags(0));
  }

  @Test
  void alreadyZeroWeightsCountAsPrunedAndGoFirst() {
    Network net = new Network(List.of(TestNets.layer(4, 1, 0, 0.001f, 0, 5)), false);
    PruneResult r = Pruners.magnitude().sparsity(0.5).build().prune(net);
    assertArrayEquals(new boolean[] {false, true, false, true}, r.masks().keepFlags(0));
    Network morePruned = Pruners.magnitude().sparsity(0.75).build().apply(r.network());
    assertArrayEquals(new float[] {0, 0, 0, 5}, morePruned.layers().get(0).weights());
  }

  @Test
  void globalScopeUsesOneThresholdAcrossLayers() {
    Network net = twoLayers();
    // 12 weights, 6 pruned: 0.01, 0.05, 0.1, 0.2, 0.3, 0.4 -> layer 0 loses 4, layer 1 loses 2
    PruneResult r = Pruners.magnitude().global().sparsity(0.5).build().prune(net);
    assertEquals(6, r.masks().kept(0) + r.masks().kept(1));
    assertArrayEquals(new boolean[] {false, true, false, true, false, true, false, true},
        r.masks().keepFlags(0));
    assertArrayEquals(new boolean[] {false, true, false, true}, r.masks().keepFlags(1));
    double largestPruned = 0.4;
    for (var layer : r.network().layers()) {
      for (float w : layer.weights()) {
        assertTrue(w == 0 || Math.abs(w) > largestPruned);
      }
    }
  }

  @Test
  void globalDiffersFromLayerWiseOnUnequalLayers() {
    Network net = TestNets.random(3, 20, 20, 5);
    List<float[]> scaled = List.of(net.layers().get(0).weights(), net.layers().get(1).weights());
    for (int i = 0; i < scaled.get(1).length; i++) {
      float w = scaled.get(1)[i];
      scaled.get(1)[i] = w >= 0 ? w + 1 : w - 1; // every |w| of layer 1 above all of layer 0
    }
    Network skewed = net.withLayers(List.of(net.layers().get(0).withWeights(scaled.get(0)),
        net.layers().get(1).withWeights(scaled.get(1))));
    PruneResult global = Pruners.magnitude().global().sparsity(0.5).build().prune(skewed);
    PruneResult layer = Pruners.magnitude().layerWise().sparsity(0.5).build().prune(skewed);
    assertEquals(50, layer.masks().kept(1));
    assertEquals(200, layer.masks().kept(0));
    assertEquals(0, 100 - global.masks().kept(1));
    assertEquals(250, 400 - global.masks().kept(0));
    assertEquals(250, Math.round(global.report().totalSparsity() * 500));
  }

  @Test
  void overrideInLayerScopeSetsThatLayersTarget() {
    Network net = TestNets.random(5, 10, 10, 10);
    PruneResult r = Pruners.magnitude().sparsity(0.9).override(1, 0.5).build().prune(net);
    assertEquals(10, r.masks().kept(0));
    assertEquals(50, r.masks().kept(1));
  }

  @Test
  void overrideInGlobalScopeIsLayerWiseAndTheRestShareOneRanking() {
    Network net = twoLayers();
    PruneResult r = Pruners.magnitude().global().sparsity(0.5).override(1, 0.25).build()
        .prune(net);
    assertEquals(3, r.masks().kept(1)); // one of four, its smallest (0.01)
    assertFalse(r.masks().keeps(1, 2));
    assertEquals(4, r.masks().kept(0)); // the rest: 8 weights, 4 pruned globally among them
  }

  @Test
  void thresholdPrunesStrictlySmallerMagnitudes() {
    Network net = twoLayers();
    PruneResult r = Pruners.magnitude().threshold(0.3).build().prune(net);
    assertArrayEquals(new boolean[] {false, true, true, true, false, true, false, true},
        r.masks().keepFlags(0));
    assertArrayEquals(new boolean[] {true, true, false, true}, r.masks().keepFlags(1));
    PruneResult global = Pruners.magnitude().global().threshold(0.3).build().prune(net);
    assertArrayEquals(r.masks().keepFlags(0), global.masks().keepFlags(0));
  }

  @Test
  void thresholdZeroPrunesOnlyZeros() {
    Network net = new Network(List.of(TestNets.layer(3, 1, 0, 1e-30f, -2)), false);
    PruneResult r = Pruners.magnitude().threshold(0).build().prune(net);
    assertArrayEquals(new boolean[] {false, true, true}, r.masks().keepFlags(0));
  }

  @Test
  void thresholdWithOverrideRanksTheOverriddenLayer() {
    Network net = twoLayers();
    PruneResult r = Pruners.magnitude().threshold(0.3).override(1, 0.75).build().prune(net);
    assertEquals(1, r.masks().kept(1));
    assertTrue(r.masks().keeps(1, 3));
  }

  @Test
  void thresholdThatPrunesALayerEntirelyIsRejectedByName() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Pruners.magnitude().threshold(2).build().prune(twoLayers()));
    assertTrue(e.getMessage().contains("threshold 2.0 prunes every weight of layer 0")
        && e.getMessage().contains("0.9"), e.getMessage());
  }

  @Test
  void sparsityThatRoundsToEveryWeightIsRejected() {
    Network tiny = new Network(List.of(TestNets.layer(2, 1, 1, 2)), false);
    var e = assertThrows(IllegalArgumentException.class,
        () -> Pruners.magnitude().sparsity(0.8).build().prune(tiny));
    assertTrue(e.getMessage().contains("all 2 weights of layer 0"), e.getMessage());
  }

  @Test
  void sparsityOutsideUnitIntervalIsRejectedNamingTheValue() {
    for (double bad : new double[] {-0.1, 1.0, 1.5, Double.NaN}) {
      var e = assertThrows(IllegalArgumentException.class,
          () -> Pruners.magnitude().sparsity(bad));
      assertTrue(e.getMessage().contains(String.valueOf(bad)), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> Pruners.magnitude().override(0, 1.0));
    assertThrows(IllegalArgumentException.class, () -> Pruners.magnitude().override(-1, 0.5));
    assertThrows(IllegalArgumentException.class, () -> Pruners.magnitude().threshold(-1));
    assertThrows(IllegalArgumentException.class,
        () -> Pruners.magnitude().threshold(Double.POSITIVE_INFINITY));
    assertThrows(IllegalStateException.class, () -> Pruners.magnitude().build());
  }

  @Test
  void overrideOfAMissingLayerIsRejected() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Pruners.magnitude().sparsity(0.5).override(2, 0.5).build().prune(twoLayers()));
    assertTrue(e.getMessage().contains("layer 2") && e.getMessage().contains("2 layers"),
        e.getMessage());
  }

  @Test
  void reportMatchesMasks() {
    PruneResult r = Pruners.magnitude().sparsity(0.5).build().prune(twoLayers());
    assertEquals(0.5, r.report().layers().get(0).sparsity(), 1e-12);
    assertEquals(0.5, r.report().totalSparsity(), 1e-12);
  }
}
