package org.sparsenn.prune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

/**
 * Structured pruning of hidden neurons: removing neuron {@code j} of layer {@code i} drops
 * row {@code j} of layer {@code i} (with its bias) and column {@code j} of layer
 * {@code i + 1}, so the result is a physically smaller network. The last layer's outputs are
 * never pruned.
 *
 * <p>Neurons are ranked by the L1 or L2 norm of their incoming weights, or by their mean
 * absolute activation over calibration inputs; the lowest go first, ties by the lower index.
 * All layers are scored on the network as given (one shot), then cut together. Each hidden
 * layer loses {@code round(f * outputs)} neurons for its fraction {@code f}, but keeps at
 * least one. The masks keep every weight of the new shapes, and any input selection is kept.
 */
public final class NeuronPruner implements Pruner {
  private final Norm norm;
  private final float[][] calibration;
  private final double fraction;
  private final Map<Integer, Double> overrides;

  private NeuronPruner(Builder builder) {
    if (Double.isNaN(builder.fraction)) {
      throw new IllegalStateException("no fraction of neurons to remove: call fraction(f)");
    }
    this.norm = builder.norm;
    this.calibration = builder.calibration;
    this.fraction = builder.fraction;
    this.overrides = Map.copyOf(builder.overrides);
  }

  /** Builds a {@link NeuronPruner}; see {@link Pruners#neurons()}. */
  public static final class Builder {
    private Norm norm = Norm.L2;
    private float[][] calibration;
    private double fraction = Double.NaN;
    private final Map<Integer, Double> overrides = new TreeMap<>();

    Builder() {}

    /** Ranks neurons by the L1 norm of their incoming weights. */
    public Builder l1() {
      return norm(Norm.L1);
    }

    /** Ranks neurons by the L2 norm of their incoming weights (the default). */
    public Builder l2() {
      return norm(Norm.L2);
    }

    /**
     * Ranks neurons by the norm of their incoming weights.
     *
     * @throws NullPointerException if {@code norm} is null
     */
    public Builder norm(Norm norm) {
      this.norm = Objects.requireNonNull(norm, "norm");
      this.calibration = null;
      return this;
    }

    /**
     * Ranks neurons by their mean absolute activation over {@code inputs} (one row per sample,
     * as wide as the network's inputs; checked when applied). The rows are copied.
     *
     * @throws NullPointerException if {@code inputs} or a row is null
     * @throws IllegalArgumentException if {@code inputs} is empty
     */
    public Builder activation(float[][] inputs) {
      Objects.requireNonNull(inputs, "calibration inputs");
      if (inputs.length == 0) {
        throw new IllegalArgumentException("calibration set is empty");
      }
      float[][] copy = new float[inputs.length][];
      for (int i = 0; i < inputs.length; i++) {
        copy[i] = Objects.requireNonNull(inputs[i], "calibration input " + i).clone();
      }
      this.calibration = copy;
      return this;
    }

    /**
     * The fraction of each hidden layer's neurons to remove.
     *
     * @throws IllegalArgumentException naming the value if it is outside [0, 1)
     */
    public Builder fraction(double fraction) {
      this.fraction = Checks.fraction("neuron fraction", fraction);
      return this;
    }

    /**
     * Another fraction for hidden layer {@code layer}'s neurons (its outputs).
     *
     * @throws IllegalArgumentException if the index is negative or the fraction outside [0, 1)
     */
    public Builder override(int layer, double fraction) {
      overrides.put(Checks.layerIndex(layer),
          Checks.fraction("neuron fraction of layer " + layer, fraction));
      return this;
    }

    /**
     * The configured pruner.
     *
     * @throws IllegalStateException if no fraction was set
     */
    public NeuronPruner build() {
      return new NeuronPruner(this);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if an override names the last layer or one the network
   *     lacks, or calibration inputs are not as wide as the network's inputs
   */
  @Override
  public PruneResult prune(Network network) {
    Objects.requireNonNull(network, "network");
    network.requireFeedForward("pruning");
    List<DenseLayer> layers = network.layers();
    Checks.overridesFit(overrides, layers.size(), layers.size() - 1,
        " and only hidden layers (not the last) lose neurons");
    if (calibration != null) {
      Checks.calibration(calibration, network);
    }
    int hidden = layers.size() - 1;
    float[][] scores = calibration != null ? meanAbsActivations(network, hidden)
        : normScores(layers, hidden);
    int[][] keptRows = new int[layers.size()][];
    for (int i = 0; i < hidden; i++) {
      int outputs = layers.get(i).outputs();
      int remove = (int) Math.min(Selection.count(overrides.getOrDefault(i, fraction), outputs),
          outputs - 1);
      int[] order = Selection.ascending(scores[i]);
      int[] kept = Arrays.copyOfRange(order, remove, outputs);
      Arrays.sort(kept);
      keptRows[i] = kept;
    }
    keptRows[hidden] = identity(layers.get(hidden).outputs());

    List<DenseLayer> smaller = new ArrayList<>(layers.size());
    for (int i = 0; i < layers.size(); i++) {
      int[] cols = i == 0 ? identity(layers.get(0).inputs()) : keptRows[i - 1];
      smaller.add(slice(layers.get(i), keptRows[i], cols));
    }
    Network pruned = network.withLayers(smaller);
    Masks masks = Masks.keepAll(pruned);
    return new PruneResult(pruned, masks, SparsityReport.of(network, pruned, masks));
  }

  private float[][] normScores(List<DenseLayer> layers, int hidden) {
    float[][] scores = new float[hidden][];
    for (int i = 0; i < hidden; i++) {
      DenseLayer layer = layers.get(i);
      float[] weights = layer.weights();
      scores[i] = new float[layer.outputs()];
      for (int r = 0; r < layer.outputs(); r++) {
        scores[i][r] = (float) norm.of(weights, r * layer.inputs(), layer.inputs(), 1);
      }
    }
    return scores;
  }

  private float[][] meanAbsActivations(Network network, int hidden) {
    double[][] sums = new double[hidden][];
    for (int i = 0; i < hidden; i++) {
      sums[i] = new double[network.layers().get(i).outputs()];
    }
    for (float[] input : calibration) {
      float[][] outputs = Forward.layerOutputs(network, input);
      for (int i = 0; i < hidden; i++) {
        for (int j = 0; j < sums[i].length; j++) {
          sums[i][j] += Math.abs(outputs[i][j]);
        }
      }
    }
    float[][] means = new float[hidden][];
    for (int i = 0; i < hidden; i++) {
      means[i] = new float[sums[i].length];
      for (int j = 0; j < sums[i].length; j++) {
        means[i][j] = (float) (sums[i][j] / calibration.length);
      }
    }
    return means;
  }

  static int[] identity(int n) {
    int[] all = new int[n];
    Arrays.setAll(all, i -> i);
    return all;
  }

  /** The layer restricted to the given rows and columns, in their order; bias follows rows. */
  static DenseLayer slice(DenseLayer layer, int[] rows, int[] cols) {
    float[] weights = layer.weights();
    float[] bias = layer.bias();
    float[] newWeights = new float[rows.length * cols.length];
    float[] newBias = new float[rows.length];
    for (int r = 0; r < rows.length; r++) {
      int base = rows[r] * layer.inputs();
      for (int c = 0; c < cols.length; c++) {
        newWeights[r * cols.length + c] = weights[base + cols[c]];
      }
      newBias[r] = bias[rows[r]];
    }
    return new DenseLayer(cols.length, rows.length, newWeights, newBias, layer.activation());
  }

  @Override
  public String toString() {
    String by = calibration != null ? "activation on " + calibration.length + " samples"
        : norm.toString();
    return "NeuronPruner[" + by + ", fraction " + fraction + ", overrides " + overrides + "]";
  }
}
