package org.sparsenn.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

class ForwardTest {
  @Test
  void affineMapThenActivationPerLayer() {
    Network net = new Network(List.of(
        new DenseLayer(2, 2, new float[] {1, 2, -1, 0}, new float[] {0.5f, 0}, Activation.RELU),
        new DenseLayer(2, 1, new float[] {2, 3}, new float[] {1}, Activation.IDENTITY)), true);
    float[][] outputs = Forward.layerOutputs(net, new float[] {1, 1});
    assertArrayEquals(new float[] {3.5f, 0}, outputs[0]);
    assertArrayEquals(new float[] {8}, outputs[1]);
    assertArrayEquals(new float[] {8}, Forward.logits(net, new float[] {1, 1}));
  }

  @Test
  void everyActivationKind() {
    assertEquals(-2, Forward.activate(Activation.IDENTITY, -2), 0);
    assertEquals(0, Forward.activate(Activation.RELU, -2), 0);
    assertEquals(-0.2, Forward.activate(Activation.leakyRelu(0.1f), -2), 1e-7);
    assertEquals(3, Forward.activate(Activation.leakyRelu(0.1f), 3), 0);
    assertEquals(0.5, Forward.activate(Activation.SIGMOID, 0), 1e-12);
    assertEquals(Math.tanh(0.7), Forward.activate(Activation.TANH, 0.7), 1e-12);
    // GELU(1) = 0.5 (1 + erf(1 / sqrt 2)) = 0.8413447...
    assertEquals(0.8413447, Forward.activate(Activation.GELU, 1), 1e-6);
    assertEquals(0.8427008, Forward.erf(1), 1e-6);
    assertEquals(-0.8427008, Forward.erf(-1), 1e-6);
  }

  @Test
  void accuracyTakesTheArgMaxLowestIndexOnTies() {
    Network net = new Network(List.of(new DenseLayer(2, 2, new float[] {1, 0, 0, 1}, null,
        Activation.IDENTITY)), false);
    float[][] inputs = {{2, 1}, {1, 2}, {1, 1}};
    assertEquals(1.0, Forward.accuracy(net, inputs, new int[] {0, 1, 0}), 1e-12);
    assertEquals(2.0 / 3, Forward.accuracy(net, inputs, new int[] {0, 1, 1}), 1e-12);
  }
}
