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

class FeaturePrunerTest {
  /** 5 inputs, 2 outputs; column L1 norms 2, 0.2, 4, 0.1, 1. */
  private static Network network() {
    return new Network(List.of(new DenseLayer(5, 2,
        new float[] {1, 0.1f, -2, 0.05f, 0.5f, -1, 0.1f, 2, -0.05f, 0.5f}, new float[] {1, 2},
        Activation.IDENTITY)), false);
  }

  @Test
  void keepsTheColumnsOfLargestNormAndRecordsThem() {
    PruneResult r = Pruners.features().l1().fraction(0.4).build().prune(network());
    Network pruned = r.network();
    assertEquals(3, pruned.inputs());
    assertArrayEquals(new int[] {0, 2, 4}, pruned.inputFeatures());
    assertEquals(5, pruned.originalInputs());
    assertArrayEquals(new float[] {1, -2, 0.5f, -1, 2, 0.5f}, pruned.layers().get(0).weights());
    assertArrayEquals(new float[] {1, 2}, pruned.layers().get(0).bias());
    assertEquals(0.4, r.report().totalSparsity(), 1e-12);
  }

  @Test
  void prunedNetworkOnSelectedInputsMatchesOriginalWithoutThoseFeatures() {
    Network net = TestNets.random(4, 8, 6, 3);
    Network pruned = Pruners.features().l2().keep(5).build().apply(net);
    assertEquals(5, pruned.inputFeatures().length);
    for (float[] x : TestNets.randomInputs(5, 10, 8)) {
      float[] zeroed = x.clone();
      for (int f = 0; f < 8; f++) {
        int at = java.util.Arrays.binarySearch(pruned.inputFeatures(), f);
        if (at < 0) {
          zeroed[f] = 0;
        }
      }
      assertArrayEquals(Forward.logits(net, zeroed),
          Forward.logits(pruned, pruned.selectInputs(x)), 1e-5f);
    }
  }

  @Test
  void selectionComposesWithAnEarlierOne() {
    Network once = Pruners.features().l1().keep(3).build().apply(network());
    Network twice = Pruners.features().l1().keep(2).build().apply(once);
    assertArrayEquals(new int[] {0, 2}, twice.inputFeatures());
    assertEquals(5, twice.originalInputs());
  }

  @Test
  void nothingDroppedLeavesNoSelection() {
    Network same = Pruners.features().fraction(0).build().apply(network());
    assertFalse(same.hasInputSelection());
    assertEquals(1, Pruners.features().fraction(0.99).build().apply(network()).inputs());
  }

  @Test
  void permutationImportanceDropsFeaturesTheLabelsDoNotDependOn() {
    // label = argmax(x0, x1); x2 and x3 are noise with large weights in a separate output
    Network net = new Network(List.of(new DenseLayer(4, 2,
        new float[] {1, 0, 0.001f, 0, 0, 1, 0, 0.001f}, null, Activation.IDENTITY)), false);
    float[][] inputs = TestNets.randomInputs(8, 200, 4);
    int[] labels = new int[inputs.length];
    for (int s = 0; s < inputs.length; s++) {
      labels[s] = inputs[s][0] >= inputs[s][1] ? 0 : 1;
    }
    Network pruned = Pruners.features().permutation(inputs, labels, 1).keep(2).build()
        .apply(net);
    assertArrayEquals(new int[] {0, 1}, pruned.inputFeatures());
    int[] calls = {0};
    Network viaEvaluator = Pruners.features().permutation(inputs, (n, x) -> {
      calls[0]++;
      return Forward.accuracy(n, x, labels);
    }, 1).keep(2).build().apply(net);
    assertArrayEquals(new int[] {0, 1}, viaEvaluator.inputFeatures());
    assertEquals(5, calls[0]); // baseline + one per feature
  }

  @Test
  void badInputsAreRejectedBeforeAnyWork() {
    Network net = network();
    var width = assertThrows(IllegalArgumentException.class, () -> Pruners.features()
        .permutation(new float[][] {{1, 2, 3}}, new int[] {0}, 1).keep(2).build().prune(net));
    assertTrue(width.getMessage().contains("3 features, network takes 5"), width.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Pruners.features().permutation(new float[0][], new int[0], 1));
    assertThrows(IllegalArgumentException.class,
        () -> Pruners.features().permutation(new float[][] {{1}}, new int[2], 1));
    var label = assertThrows(IllegalArgumentException.class, () -> Pruners.features()
        .permutation(new float[][] {new float[5]}, new int[] {7}, 1).keep(2).build()
        .prune(net));
    assertTrue(label.getMessage().contains("label 7"), label.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Pruners.features().keep(6).build().prune(net));
    assertThrows(IllegalArgumentException.class, () -> Pruners.features().keep(0));
    assertThrows(IllegalArgumentException.class, () -> Pruners.features().fraction(-0.5));
    assertThrows(IllegalStateException.class, () -> Pruners.features().build());
  }
}
