package org.sparsenn.model;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A feed-forward network as plain immutable data: fully connected layers applied in order,
 * each one's outputs the next one's inputs, and optionally a softmax over the last outputs.
 * It knows nothing of files, pruning or kernels.
 *
 * <p>A network may carry an <em>input selection</em>: after input-feature pruning it takes only
 * some of the original features, and {@link #inputFeatures()} says which (original indices,
 * strictly increasing, one per input of the first layer). Without a selection the network
 * takes all {@link #inputs()} features as they are. Callers that hold original-width samples
 * pick the selected features with {@link #selectInputs(float[])} before running the network.
 */
public final class Network {
  private final List<DenseLayer> layers;
  private final boolean softmaxOutput;
  /** Original feature indices kept, or null when the network takes every feature. */
  private final int[] inputFeatures;
  private final int originalInputs;

  /**
   * A network without an input selection.
   *
   * @throws IllegalArgumentException if there are no layers or two neighbours do not chain
   */
  public Network(List<DenseLayer> layers, boolean softmaxOutput) {
    this(layers, softmaxOutput, null, -1);
  }

  private Network(List<DenseLayer> layers, boolean softmaxOutput, int[] inputFeatures,
      int originalInputs) {
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
    if (inputFeatures == null) {
      this.inputFeatures = null;
      this.originalInputs = this.layers.get(0).inputs();
    } else {
      requireValidSelection(originalInputs, inputFeatures, this.layers.get(0).inputs());
      this.inputFeatures = inputFeatures.clone();
      this.originalInputs = originalInputs;
    }
  }

  private static void requireValidSelection(int originalInputs, int[] features, int inputs) {
    if (originalInputs < 1) {
      throw new IllegalArgumentException(
          "original input count must be positive, got " + originalInputs);
    }
    if (features.length != inputs) {
      throw new IllegalArgumentException("input selection has " + features.length
          + " features, layer 0 takes " + inputs + " inputs");
    }
    for (int i = 0; i < features.length; i++) {
      if (features[i] < 0 || features[i] >= originalInputs) {
        throw new IllegalArgumentException("input feature " + features[i] + " at position " + i
            + " is outside [0, " + originalInputs + ")");
      }
      if (i > 0 && features[i] <= features[i - 1]) {
        throw new IllegalArgumentException("input features must be strictly increasing, got "
            + features[i - 1] + " then " + features[i] + " at position " + i);
      }
    }
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

  /** Whether the network takes only some of the original input features. */
  public boolean hasInputSelection() {
    return inputFeatures != null;
  }

  /**
   * The original feature index of each input, strictly increasing, {@link #inputs()} entries;
   * {@code 0, 1, ..., inputs() - 1} when there is no selection. A copy.
   */
  public int[] inputFeatures() {
    if (inputFeatures == null) {
      int[] all = new int[inputs()];
      Arrays.setAll(all, i -> i);
      return all;
    }
    return inputFeatures.clone();
  }

  /** Number of features of the original input; {@link #inputs()} when there is no selection. */
  public int originalInputs() {
    return originalInputs;
  }

  /**
   * The same network taking only the given original features.
   *
   * @param originalInputs number of features of the original input
   * @param features original index of each input of layer 0, strictly increasing
   * @throws IllegalArgumentException if an index is outside {@code [0, originalInputs)}, the
   *     indices are not strictly increasing, or their count differs from layer 0's inputs
   * @throws NullPointerException if {@code features} is null
   */
  public Network withInputSelection(int originalInputs, int[] features) {
    Objects.requireNonNull(features, "features");
    return new Network(layers, softmaxOutput, features, originalInputs);
  }

  /** The same network taking all of its inputs, without a selection. */
  public Network withoutInputSelection() {
    return new Network(layers, softmaxOutput);
  }

  /**
   * Picks this network's inputs from an original-width sample (the sample itself when there
   * is no selection).
   *
   * @return a new array of {@link #inputs()} values
   * @throws IllegalArgumentException if the sample does not have {@link #originalInputs()}
   *     features
   */
  public float[] selectInputs(float[] sample) {
    Objects.requireNonNull(sample, "sample");
    if (sample.length != originalInputs) {
      throw new IllegalArgumentException("sample has " + sample.length
          + " features, network expects " + originalInputs + " original features");
    }
    if (inputFeatures == null) {
      return sample.clone();
    }
    float[] picked = new float[inputFeatures.length];
    for (int i = 0; i < picked.length; i++) {
      picked[i] = sample[inputFeatures[i]];
    }
    return picked;
  }

  /** Weights and biases in all layers. */
  public long parameterCount() {
    long count = 0;
    for (DenseLayer layer : layers) {
      count += (long) layer.inputs() * layer.outputs() + layer.outputs();
    }
    return count;
  }

  /**
   * The same network with other layers of the same shapes (e.g. pruned); the softmax flag and
   * any input selection are kept.
   *
   * @throws IllegalArgumentException if the layers do not chain, or the network has an input
   *     selection and the new first layer takes a different number of inputs
   */
  public Network withLayers(List<DenseLayer> newLayers) {
    return new Network(newLayers, softmaxOutput, inputFeatures, originalInputs);
  }

  @Override
  public String toString() {
    StringBuilder shape = new StringBuilder().append(inputs());
    for (DenseLayer layer : layers) {
      shape.append('-').append(layer.outputs());
    }
    String selection = inputFeatures == null ? "" : ", " + inputs() + " of " + originalInputs
        + " input features";
    return "Network[" + shape + (softmaxOutput ? ", softmax" : "") + selection + "]";
  }
}
