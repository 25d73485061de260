package org.sparsenn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.nio.ReadOnlyBufferException;
import org.junit.jupiter.api.Test;

class DenseLayerTest {
  private static final float[] W = {1, 0, 2, 0, 0, 3}; // 2 outputs x 3 inputs

  @Test
  void weightsAreRowMajorOutputsByInputs() {
    DenseLayer layer = new DenseLayer(3, 2, W, new float[] {5, 6}, Activation.RELU);
    assertEquals(2f, layer.weight(0, 2));
    assertEquals(3f, layer.weight(1, 2));
    assertEquals(3, layer.inputs());
    assertEquals(2, layer.outputs());
    assertThrows(IndexOutOfBoundsException.class, () -> layer.weight(2, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> layer.weight(0, 3));
  }

  @Test
  void arraysAreCopiedInAndOut() {
    float[] w = W.clone();
    float[] b = {5, 6};
    DenseLayer layer = new DenseLayer(3, 2, w, b, Activation.IDENTITY);
    w[0] = 99;
    b[0] = 99;
    assertEquals(1f, layer.weight(0, 0));
    assertEquals(5f, layer.bias()[0]);
    layer.weights()[0] = 42;
    assertEquals(1f, layer.weight(0, 0));
    FloatBuffer view = layer.weightView();
    assertThrows(ReadOnlyBufferException.class, () -> view.put(0, 7f));
  }

  @Test
  void missingBiasIsZeros() {
    DenseLayer layer = new DenseLayer(3, 2, W, null, Activation.IDENTITY);
    assertArrayEquals(new float[] {0, 0}, layer.bias());
  }

  @Test
  void sparsityCountsExactZeros() {
    DenseLayer layer = new DenseLayer(3, 2, W, null, Activation.IDENTITY);
    assertEquals(3, layer.nonzeroWeights());
    assertEquals(0.5, layer.sparsity(), 1e-12);
    DenseLayer withNan = layer.withWeights(new float[] {Float.NaN, 0, 0, 0, 0, -0f});
    assertEquals(1, withNan.nonzeroWeights(), "NaN is not zero, -0 is");
  }

  @Test
  void shapeMismatchesAreRejectedNamingSizes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DenseLayer(3, 3, W, null, Activation.RELU));
    assertTrue(e.getMessage().contains("9") && e.getMessage().contains("6"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new DenseLayer(3, 2, W, new float[3], Activation.RELU));
    assertThrows(IllegalArgumentException.class,
        () -> new DenseLayer(0, 2, new float[0], null, Activation.RELU));
    assertThrows(IllegalArgumentException.class,
        () -> new DenseLayer(-3, -2, W, null, Activation.RELU));
    assertThrows(NullPointerException.class, () -> new DenseLayer(3, 2, W, null, null));
  }

  @Test
  void withWeightsKeepsShapeBiasAndActivation() {
    DenseLayer layer = new DenseLayer(3, 2, W, new float[] {5, 6}, Activation.TANH);
    DenseLayer pruned = layer.withWeights(new float[6]);
    assertEquals(Activation.TANH, pruned.activation());
    assertArrayEquals(new float[] {5, 6}, pruned.bias());
    assertEquals(1.0, pruned.sparsity());
    assertThrows(IllegalArgumentException.class, () -> layer.withWeights(new float[5]));
  }
}
