package org.sparsenn.model;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A network as plain immutable data: fully connected layers applied in order, each one's
 * outputs the next one's inputs, and optionally a softmax over the last outputs. It knows
 * nothing of files, pruning or kernels.
 *
 * <p>A network may start with a <em>recurrent front end</em> ({@link #sequence}): recurrent
 * layers that read a sequence {@code [steps][inputs()]} (stacked: each layer reads the output
 * sequence of the one before), and a {@link SequenceOutput} that picks one vector per sequence
 * from the last of them for the dense layers. Such a network {@link #isRecurrent() is
 * recurrent}; its {@link #inputs()} are the features of one step, and {@link #layers()} are
 * the dense layers after the front end. Code that handles feed-forward networks only calls
 * {@link #requireFeedForward(String)}.
 *
 * <p>A network may carry an <em>input selection</em>: after input-feature pruning it takes only
 * some of the original features, and {@link #inputFeatures()} says which (original indices,
 * strictly increasing, one per input of the first layer). Without a selection the network
 * takes all {@link #inputs()} features as they are. Callers that hold original-width samples
 * pick the selected features with {@link #selectInputs(float[])} before running the network.
 */
public final class Network {
  private final List<RecurrentLayer> recurrent;
  private final SequenceOutput sequenceOutput;
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
    this(List.of(), null, layers, softmaxOutput, null, -1);
  }

  /**
   * A network with a recurrent front end: {@code recurrent} read the sequence in order, then
   * {@code output} picks one vector per sequence from the last of them for {@code layers}.
   *
   * @throws IllegalArgumentException if there is no recurrent or no dense layer, or two
   *     neighbours do not chain (a recurrent layer's inputs are the outputs of the one before;
   *     the first dense layer's inputs are the last recurrent layer's outputs)
   * @throws NullPointerException if an argument is null
   */
  public static Network sequence(List<RecurrentLayer> recurrent, SequenceOutput output,
      List<DenseLayer> layers, boolean softmaxOutput) {
    Objects.requireNonNull(recurrent, "recurrent");
    Objects.requireNonNull(output, "output");
    if (recurrent.isEmpty()) {
      throw new IllegalArgumentException("a sequence network needs at least one recurrent layer");
    }
    return new Network(recurrent, output, layers, softmaxOutput, null, -1);
  }

  private Network(List<RecurrentLayer> recurrent, SequenceOutput sequenceOutput,
      List<DenseLayer> layers, boolean softmaxOutput, int[] inputFeatures, int originalInputs) {
    Objects.requireNonNull(layers, "layers");
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("a network needs at least one layer");
    }
    this.recurrent = List.copyOf(recurrent);
    this.sequenceOutput = sequenceOutput;
    for (int i = 1; i < this.recurrent.size(); i++) {
      int produced = this.recurrent.get(i - 1).outputs();
      int expected = this.recurrent.get(i).inputs();
      if (produced != expected) {
        throw new IllegalArgumentException("recurrent layer " + (i - 1) + " has " + produced
            + " outputs per step but recurrent layer " + i + " takes " + expected + " inputs");
      }
    }
    if (!this.recurrent.isEmpty()) {
      int produced = this.recurrent.get(this.recurrent.size() - 1).outputs();
      if (produced != layers.get(0).inputs()) {
        throw new IllegalArgumentException("the last recurrent layer has " + produced
            + " outputs but layer 0 takes " + layers.get(0).inputs() + " inputs");
      }
      if (inputFeatures != null) {
        throw new IllegalArgumentException("a recurrent network takes no input selection");
      }
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
      this.originalInputs = inputs();
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

  /**
   * Number of inputs of the first layer: for a recurrent network, the features of one step of
   * the sequence.
   */
  public int inputs() {
    return recurrent.isEmpty() ? layers.get(0).inputs() : recurrent.get(0).inputs();
  }

  /** Whether the network starts with recurrent layers and reads sequences. */
  public boolean isRecurrent() {
    return !recurrent.isEmpty();
  }

  /** The recurrent front end, in order; empty for a feed-forward network. */
  public List<RecurrentLayer> recurrentLayers() {
    return recurrent;
  }

  /** What the recurrent front end hands to the dense layers, or null for a feed-forward one. */
  public SequenceOutput sequenceOutput() {
    return sequenceOutput;
  }

  /**
   * Checks that the network is feed-forward, for code that handles no recurrent layers yet.
   *
   * @param operation what the caller does, for the message (e.g. "training")
   * @throws IllegalArgumentException if the network has recurrent layers
   */
  public void requireFeedForward(String operation) {
    if (isRecurrent()) {
      throw new IllegalArgumentException(operation + " supports feed-forward networks only;"
          + " this one starts with " + recurrent.size() + " recurrent layer(s) ("
          + recurrent.get(0) + ")");
    }
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
    return new Network(recurrent, sequenceOutput, layers, softmaxOutput, features,
        originalInputs);
  }

  /** The same network taking all of its inputs, without a selection. */
  public Network withoutInputSelection() {
    return new Network(recurrent, sequenceOutput, layers, softmaxOutput, null, -1);
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
    for (RecurrentLayer layer : recurrent) {
      count += layer.parameterCount();
    }
    for (DenseLayer layer : layers) {
      count += (long) layer.inputs() * layer.outputs() + layer.outputs();
    }
    return count;
  }

  /**
   * The same network with other dense layers of the same shapes (e.g. pruned); the recurrent
   * front end, the softmax flag and any input selection are kept.
   *
   * @throws IllegalArgumentException if the layers do not chain, or the network has an input
   *     selection and the new first layer takes a different number of inputs
   */
  public Network withLayers(List<DenseLayer> newLayers) {
    return new Network(recurrent, sequenceOutput, newLayers, softmaxOutput, inputFeatures,
        originalInputs);
  }

  @Override
  public String toString() {
    StringBuilder shape = new StringBuilder().append(inputs());
    for (RecurrentLayer layer : recurrent) {
      shape.append('-').append(layer.cell()).append(layer.outputs());
    }
    if (!recurrent.isEmpty()) {
      shape.append('-').append(sequenceOutput.name().toLowerCase(java.util.Locale.ROOT));
    }
    for (DenseLayer layer : layers) {
      shape.append('-').append(layer.outputs());
    }
    String selection = inputFeatures == null ? "" : ", " + inputs() + " of " + originalInputs
        + " input features";
    return "Network[" + shape + (softmaxOutput ? ", softmax" : "") + selection + "]";
  }
}
