package org.sparsenn.model;

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
}
