package org.sparsenn.model;

import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * A fully connected layer, {@code y = f(W x + b)}, as plain immutable data: weights row-major
 * {@code [outputs][inputs]} (PyTorch's {@code nn.Linear} orientation), a bias per output, and
 * the activation. Zeros in the weights are pruned weights; storage formats are chosen later.
 */
public final class DenseLayer {
  private final int inputs;
  private final int outputs;
  private final float[] weights;
  private final float[] bias;
  private final Activation activation;

  /**
   * Copies the arrays.
   *
   * @param weights {@code outputs * inputs} weights, row-major
   * @param bias {@code outputs} biases, or null for none (stored as zeros)
   * @throws IllegalArgumentException if sizes are not positive or disagree with the arrays
   */
  public DenseLayer(int inputs, int outputs, float[] weights, float[] bias,
      Activation activation) {
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(activation, "activation");
    if (inputs < 1 || outputs < 1) {
      throw new IllegalArgumentException(
          "layer sizes must be positive, got " + outputs + " x " + inputs);
    }
    if ((long) inputs * outputs != weights.length) {
      throw new IllegalArgumentException("layer " + outputs + " x " + inputs + " needs "
          + (long) inputs * outputs + " weights, got " + weights.length);
    }
    if (bias != null && bias.length != outputs) {
      throw new IllegalArgumentException(
          "bias has " + bias.length + " entries, layer has " + outputs + " outputs");
    }
    this.inputs = inputs;
    this.outputs = outputs;
    this.weights = weights.clone();
    this.bias = bias == null ? new float[outputs] : bias.clone();
    this.activation = activation;
  }

  /** Number of inputs (columns of W). */
  public int inputs() {
    return inputs;
  }

  /** Number of outputs (rows of W). */
  public int outputs() {
    return outputs;
  }

  /** The activation after the affine map. */
  public Activation activation() {
    return activation;
  }

  /** The weight of output {@code row} for input {@code col}. */
  public float weight(int row, int col) {
    Objects.checkIndex(row, outputs);
    Objects.checkIndex(col, inputs);
    return weights[row * inputs + col];
  }

  /** A copy of the weights, row-major. */
  public float[] weights() {
    return weights.clone();
  }

  /** A read-only view of the weights, row-major, without copying. */
  public FloatBuffer weightView() {
    return FloatBuffer.wrap(weights).asReadOnlyBuffer();
  }

  /** A copy of the bias. */
  public float[] bias() {
    return bias.clone();
  }

  /** Number of weights that are not exactly zero. */
  public long nonzeroWeights() {
    long count = 0;
    for (float w : weights) {
      if (w != 0f) {
        count++;
      }
    }
    return count;
  }

  /** Fraction of weights that are exactly zero. */
  public double sparsity() {
    return 1.0 - (double) nonzeroWeights() / weights.length;
  }

  /** The same layer with other weights (same shape), e.g. after pruning. */
  public DenseLayer withWeights(float[] newWeights) {
    return new DenseLayer(inputs, outputs, newWeights, bias, activation);
  }

  @Override
  public String toString() {
    return "DenseLayer[" + outputs + " x " + inputs + ", " + activation + "]";
  }
}
