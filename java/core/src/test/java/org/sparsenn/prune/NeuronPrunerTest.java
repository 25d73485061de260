package org.sparsenn.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

class NeuronPrunerTest {
  /** The network with the given neurons' outgoing weights zeroed: they contribute nothing. */
  private static Network withoutContributions(Network net, int layer, int... neurons) {
    List<DenseLayer> layers = new ArrayList<>(net.layers());
    DenseLayer next = layers.get(layer + 1);
    float[] w = next.weights();
    for (int r = 0; r < next.outputs(); r++) {
      for (int neuron : neurons) {
        w[r * next.inputs() + neuron] = 0;
      }
    }
    layers.set(layer + 1, next.withWeights(w));
    return net.withLayers(layers);
  }

  @Test
  void removesTheRowsOfLowestNormAndTheMatchingColumns() {
    // layer 0: 4 neurons with L1 norms 3, 0.5, 2, 0.2 -> neurons 3 and 1 go
    Network net = new Network(List.of(
        new DenseLayer(2, 4, new float[] {1, -2, 0.25f, 0.25f, 1, 1, 0.1f, -0.1f},
            new float[] {1, 2, 3, 4}, Activation.RELU),
        new DenseLayer(4, 1, new float[] {10, 20, 30, 40}, new float[] {5},
            Activation.IDENTITY)), false);
    PruneResult r = Pruners.neurons().l1().fraction(0.5).build().prune(net);
    DenseLayer first = r.network().layers().get(0);
    assertEquals(2, first.outputs());
    assertArrayEquals(new float[] {1, -2, 1, 1}, first.weights());
    assertArrayEquals(new float[] {1, 3}, first.bias());
    assertArrayEquals(new float[] {10, 30}, r.network().layers().get(1).weights());
    assertArrayEquals(new float[] {5}, r.network().layers().get(1).bias());
    assertEquals(0, r.masks().sparsity());
    assertEquals("2x2 (was 4x2)", r.report().layers().get(0).shape());
    assertEquals(0.5, r.report().totalSparsity(), 1e-12);
  }

  @Test
  void outputEqualsOriginalWithoutThoseNeuronsContributions() {
    Network net = TestNets.random(11, 6, 8, 5, 3);
    PruneResult r = Pruners.neurons().l2().fraction(0.4).build().prune(net);
    assertEquals(List.of(5, 3, 3), r.network().layers().stream().map(DenseLayer::outputs)
        .toList());
    int[] removed0 = lowestL2Rows(net.layers().get(0), 3);
    int[] removed1 = lowestL2Rows(net.layers().get(1), 2);
    Network reference = withoutContributions(
        withoutContributions(net, 0, removed0), 1, removed1);
    for (float[] x : TestNets.randomInputs(3, 20, 6)) {
      assertArrayEquals(Forward.logits(reference, x), Forward.logits(r.network(), x), 1e-5f);
    }
  }

  /** The {@code count} rows of smallest L2 norm, computed here as the reference. */
  private static int[] lowestL2Rows(DenseLayer layer, int count) {
    double[] norms = new double[layer.outputs()];
    for (int r = 0; r < norms.length; r++) {
      for (int c = 0; c < layer.inputs(); c++) {
        norms[r] += layer.weight(r, c) * layer.weight(r, c);
      }
    }
    return IntStream.range(0, norms.length).boxed()
        .sorted((a, b) -> Double.compare(norms[a], norms[b]))
        .limit(count).mapToInt(Integer::intValue).toArray();
  }

  @Test
  void neverPrunesOutputsAndKeepsAtLeastOneNeuron() {
    Network net = TestNets.random(2, 3, 2, 4);
    PruneResult r = Pruners.neurons().fraction(0.9).build().prune(net);
    assertEquals(1, r.network().layers().get(0).outputs());
    assertEquals(4, r.network().outputs());
    Network single = TestNets.random(2, 3, 4);
    assertEquals(4, Pruners.neurons().fraction(0.5).build().apply(single).outputs());
  }

  @Test
  void overridesSetAHiddenLayersFraction() {
    Network net = TestNets.random(2, 4, 10, 10, 2);
    PruneResult r = Pruners.neurons().fraction(0.5).override(1, 0.2).build().prune(net);
    assertEquals(5, r.network().layers().get(0).outputs());
    assertEquals(8, r.network().layers().get(1).outputs());
    var e = assertThrows(IllegalArgumentException.class,
        () -> Pruners.neurons().fraction(0.5).override(2, 0.2).build().prune(net));
    assertTrue(e.getMessage().contains("layer 2"), e.getMessage());
  }

  @Test
  void activationCriterionRemovesTheQuietestNeurons() {
    // identity hidden layer: neuron j outputs x[j] * scale[j]; big weights, small activations
    Network net = new Network(List.of(
        new DenseLayer(3, 3, new float[] {100, 0, 0, 0, 1, 0, 0, 0, 2}, null,
            Activation.IDENTITY),
        new DenseLayer(3, 1, new float[] {1, 1, 1}, null, Activation.IDENTITY)), false);
    float[][] calibration = {{0.001f, 3, 1}, {-0.001f, -3, 1}};
    // mean |a|: 0.1, 3, 2 -> by activation neuron 0 goes, by norm neuron 1 would
    PruneResult byActivation = Pruners.neurons().activation(calibration).fraction(0.34).build()
        .prune(net);
    assertArrayEquals(new float[] {0, 1, 0, 0, 0, 2}, byActivation.network().layers().get(0)
        .weights());
    PruneResult byNorm = Pruners.neurons().l2().fraction(0.34).build().prune(net);
    assertArrayEquals(new float[] {100, 0, 0, 0, 0, 2}, byNorm.network().layers().get(0)
        .weights());
  }

  @Test
  void tiesRemoveTheLowerIndexFirst() {
    Network net = new Network(List.of(
        new DenseLayer(1, 3, new float[] {1, 1, 1}, null, Activation.RELU),
        new DenseLayer(3, 1, new float[] {1, 2, 3}, null, Activation.IDENTITY)), false);
    PruneResult r = Pruners.neurons().fraction(0.34).build().prune(net);
    assertArrayEquals(new float[] {2, 3}, r.network().layers().get(1).weights());
  }

  @Test
  void inputSelectionSurvives() {
    Network net = TestNets.random(2, 3, 4, 2).withInputSelection(9, new int[] {0, 4, 8});
    Network pruned = Pruners.neurons().fraction(0.5).build().apply(net);
    assertArrayEquals(new int[] {0, 4, 8}, pruned.inputFeatures());
  }

  @Test
  void badCalibrationIsRejectedNamingBothWidths() {
    Network net = TestNets.random(2, 3, 4, 2);
    var e = assertThrows(IllegalArgumentException.class, () -> Pruners.neurons()
        .activation(new float[][] {{1, 2, 3}, {1, 2}}).fraction(0.5).build().prune(net));
    assertTrue(e.getMessage().contains("has 2 features, network takes 3"), e.getMessage());
    var empty = assertThrows(IllegalArgumentException.class,
        () -> Pruners.neurons().activation(new float[0][]));
    assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Pruners.neurons().fraction(1.0));
    assertThrows(IllegalStateException.class, () -> Pruners.neurons().build());
  }
}
