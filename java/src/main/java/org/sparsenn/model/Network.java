package org.sparsenn.model;

import java.util.List;
import java.util.Objects;

/**
 * A feed-forward network as plain immutable data: fully connected layers applied in order,
 * each one's outputs the next one's inputs, and optionally a softmax over the last outputs.
 * It knows nothing of files, pruning or kernels.
 */
public final class Network {
  private final List<DenseLayer> layers;
  private final boolean softmaxOutput;

  /**
   * @throws IllegalArgumentException if there are no layers or two neighbours do not chain
   */
  public Network(List<DenseLayer> layers, boolean softmaxOutput) {
    Objects.requireNonNull(layers, "layers");
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("a network needs at least one layer");
    }
    for (int i = 1; i < layers.size(); i++) {
      int produced = layers.get(i - 1).outputs();
      int expected = layers.get(i).inputs();
      if (produced != expected) {
        throw new IllegalArgumentException("layer " + (i - 1) + " has " + produced
            + " outputs but layer " + i + " takes " + expected + " inputs");
      }
    }
    this.layers = List.copyOf(layers);
    this.softmaxOutput = softmaxOutput;
  }

  /** The layers, in order. */
  public List<DenseLayer> layers() {
    return layers;
  }

  /** Whether a softmax follows the last layer. */
  public boolean softmaxOutput() {
    return softmaxOutput;
  }

  /** Number of inputs of the first layer. */
  public int inputs() {
    return layers.get(0).inputs();
  }

  /** Number of outputs of the last layer. */
  public int outputs() {
    return layers.get(layers.size() - 1).outputs();
  }

  /** Weights and biases in all layers. */
  public long parameterCount() {
    long count = 0;
    for (DenseLayer layer : layers) {
      count += (long) layer.inputs() * layer.outputs() + layer.outputs();
    }
    return count;
  }

  /** The same network with other layers of the same shapes (e.g. pruned). */
  public Network withLayers(List<DenseLayer> newLayers) {
    return new Network(newLayers, softmaxOutput);
  }

  @Override
  public String toString() {
    StringBuilder shape = new StringBuilder().append(inputs());
    for (DenseLayer layer : layers) {
      shape.append('-').append(layer.outputs());
    }
    return "Network[" + shape + (softmaxOutput ? ", softmax" : "") + "]";
  }
}
