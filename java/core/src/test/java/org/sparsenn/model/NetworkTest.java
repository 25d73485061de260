package org.sparsenn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkTest {
  private static DenseLayer layer(int in, int out) {
    return new DenseLayer(in, out, new float[in * out], null, Activation.RELU);
  }

  @Test
  void chainedLayersFormANetwork() {
    Network net = new Network(List.of(layer(784, 300), layer(300, 100), layer(100, 10)), true);
    assertEquals(784, net.inputs());
    assertEquals(10, net.outputs());
    assertTrue(net.softmaxOutput());
    assertEquals(784L * 300 + 300 + 300 * 100 + 100 + 100 * 10 + 10, net.parameterCount());
    assertEquals("Network[784-300-100-10, softmax]", net.toString());
  }

  @Test
  void layersThatDoNotChainAreRejectedNamingBoth() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Network(List.of(layer(4, 3), layer(5, 2)), false));
    assertTrue(e.getMessage().contains("layer 0 has 3 outputs")
        && e.getMessage().contains("layer 1 takes 5"), e.getMessage());
  }

  @Test
  void emptyNetworkIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new Network(List.of(), false));
  }

  @Test
  void layerListIsImmutableAndCopied() {
    List<DenseLayer> layers = new ArrayList<>(List.of(layer(4, 3)));
    Network net = new Network(layers, false);
    layers.add(layer(3, 2));
    assertEquals(1, net.layers().size());
    assertThrows(UnsupportedOperationException.class, () -> net.layers().add(layer(3, 2)));
    assertFalse(net.softmaxOutput());
  }

  @Test
  void withLayersKeepsSoftmaxAndChecksChain() {
    Network net = new Network(List.of(layer(4, 3), layer(3, 2)), true);
    Network replaced = net.withLayers(List.of(layer(4, 3), layer(3, 2)));
    assertTrue(replaced.softmaxOutput());
    assertThrows(IllegalArgumentException.class,
        () -> net.withLayers(List.of(layer(4, 3), layer(4, 2))));
  }

  @Test
  void withoutSelectionEveryFeatureIsAnInput() {
    Network net = new Network(List.of(layer(4, 3)), false);
    assertFalse(net.hasInputSelection());
    assertArrayEquals(new int[] {0, 1, 2, 3}, net.inputFeatures());
    assertEquals(4, net.originalInputs());
    assertArrayEquals(new float[] {1, 2, 3, 4}, net.selectInputs(new float[] {1, 2, 3, 4}));
  }

  @Test
  void inputSelectionIsKeptAndPicksFeatures() {
    Network net = new Network(List.of(layer(3, 2), layer(2, 1)), true)
        .withInputSelection(10, new int[] {1, 4, 9});
    assertTrue(net.hasInputSelection());
    assertEquals(10, net.originalInputs());
    assertEquals(3, net.inputs());
    assertArrayEquals(new int[] {1, 4, 9}, net.inputFeatures());
    float[] sample = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90};
    assertArrayEquals(new float[] {10, 40, 90}, net.selectInputs(sample));
    assertEquals("Network[3-2-1, softmax, 3 of 10 input features]", net.toString());
    Network replaced = net.withLayers(List.of(layer(3, 2), layer(2, 1)));
    assertArrayEquals(new int[] {1, 4, 9}, replaced.inputFeatures());
    assertFalse(net.withoutInputSelection().hasInputSelection());
  }

  @Test
  void inputSelectionArrayIsCopied() {
    int[] features = {0, 2};
    Network net = new Network(List.of(layer(2, 1)), false).withInputSelection(3, features);
    features[0] = 1;
    net.inputFeatures()[1] = 0;
    assertArrayEquals(new int[] {0, 2}, net.inputFeatures());
  }

  @Test
  void invalidInputSelectionsAreRejectedByName() {
    Network net = new Network(List.of(layer(3, 2)), false);
    var outside = assertThrows(IllegalArgumentException.class,
        () -> net.withInputSelection(5, new int[] {0, 2, 5}));
    assertTrue(outside.getMessage().contains("5 at position 2"), outside.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> net.withInputSelection(5, new int[] {-1, 2, 3}));
    var order = assertThrows(IllegalArgumentException.class,
        () -> net.withInputSelection(5, new int[] {0, 2, 2}));
    assertTrue(order.getMessage().contains("strictly increasing"), order.getMessage());
    var count = assertThrows(IllegalArgumentException.class,
        () -> net.withInputSelection(5, new int[] {0, 2}));
    assertTrue(count.getMessage().contains("2 features, layer 0 takes 3"), count.getMessage());
    assertThrows(IllegalArgumentException.class, () -> net.withInputSelection(0, new int[3]));
    assertThrows(NullPointerException.class, () -> net.withInputSelection(5, null));
  }

  @Test
  void withLayersOfAnotherInputCountIsRejectedUnderASelection() {
    Network net = new Network(List.of(layer(2, 1)), false).withInputSelection(4, new int[] {1, 3});
    assertThrows(IllegalArgumentException.class, () -> net.withLayers(List.of(layer(3, 1))));
  }

  @Test
  void selectInputsRejectsSamplesOfTheWrongWidth() {
    Network net = new Network(List.of(layer(2, 1)), false).withInputSelection(4, new int[] {1, 3});
    var e = assertThrows(IllegalArgumentException.class,
        () -> net.selectInputs(new float[2]));
    assertTrue(e.getMessage().contains("2 features") && e.getMessage().contains("4"),
        e.getMessage());
  }
}
