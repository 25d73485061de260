package org.sparsenn.prune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.ToDoubleBiFunction;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

/**
 * Input-feature pruning: drops input features (columns of the first layer), so that the
 * network takes fewer inputs. The result records which original features it keeps
 * ({@link Network#inputFeatures()}), composed with any selection the network already had.
 *
 * <p>Features are ranked by the L1 or L2 norm of their first-layer column, or by permutation
 * importance: the accuracy lost when the feature's values are shuffled across the calibration
 * samples (one seeded permutation per feature). The least important go first, ties by the
 * lower index; at least one feature is kept. The masks keep every weight of the new shapes.
 */
public final class FeaturePruner implements Pruner {
  private final Norm norm;
  private final float[][] calibration;
  private final int[] labels;
  private final ToDoubleBiFunction<Network, float[][]> evaluator;
  private final long seed;
  private final double fraction;
  private final int keep;

  private FeaturePruner(Builder builder) {
    if (Double.isNaN(builder.fraction) && builder.keep < 0) {
      throw new IllegalStateException("say how many features to drop: fraction(f) or keep(n)");
    }
    this.norm = builder.norm;
    this.calibration = builder.calibration;
    this.labels = builder.labels;
    this.evaluator = builder.evaluator;
    this.seed = builder.seed;
    this.fraction = builder.fraction;
    this.keep = builder.keep;
  }

  /** Builds a {@link FeaturePruner}; see {@link Pruners#features()}. */
  public static final class Builder {
    private Norm norm = Norm.L2;
    private float[][] calibration;
    private int[] labels;
    private ToDoubleBiFunction<Network, float[][]> evaluator;
    private long seed;
    private double fraction = Double.NaN;
    private int keep = -1;

    Builder() {}

    /** Ranks features by the L1 norm of their first-layer column. */
    public Builder l1() {
      return norm(Norm.L1);
    }

    /** Ranks features by the L2 norm of their first-layer column (the default). */
    public Builder l2() {
      return norm(Norm.L2);
    }

    /**
     * Ranks features by the norm of their first-layer column.
     *
     * @throws NullPointerException if {@code norm} is null
     */
    public Builder norm(Norm norm) {
      this.norm = Objects.requireNonNull(norm, "norm");
      this.calibration = null;
      this.labels = null;
      this.evaluator = null;
      return this;
    }

    /**
     * Ranks features by permutation importance, measured as arg-max accuracy of the plain-Java
     * forward pass on {@code inputs} against {@code labels}. The arrays are copied; widths and
     * label range are checked when applied.
     *
     * @throws NullPointerException if an array or row is null
     * @throws IllegalArgumentException if the set is empty or the label count differs
     */
    public Builder permutation(float[][] inputs, int[] labels, long seed) {
      Objects.requireNonNull(labels, "labels");
      float[][] copy = copyCalibration(inputs);
      if (labels.length != copy.length) {
        throw new IllegalArgumentException("calibration set has " + copy.length
            + " inputs but " + labels.length + " labels");
      }
      this.calibration = copy;
      this.labels = labels.clone();
      this.evaluator = null;
      this.seed = seed;
      return this;
    }

    /**
     * Ranks features by permutation importance, measured by the caller's {@code accuracy}
     * (the network and a set of inputs in, accuracy out; it holds the labels), e.g. one that
     * runs the engine. The inputs are copied; widths are checked when applied.
     *
     * @throws NullPointerException if an argument or row is null
     * @throws IllegalArgumentException if the set is empty
     */
    public Builder permutation(float[][] inputs, ToDoubleBiFunction<Network, float[][]> accuracy,
        long seed) {
      Objects.requireNonNull(accuracy, "accuracy");
      this.calibration = copyCalibration(inputs);
      this.labels = null;
      this.evaluator = accuracy;
      this.seed = seed;
      return this;
    }

    /**
     * Drops {@code round(fraction * inputs)} features (keeping at least one).
     *
     * @throws IllegalArgumentException naming the value if it is outside [0, 1)
     */
    public Builder fraction(double fraction) {
      this.fraction = Checks.fraction("feature fraction", fraction);
      this.keep = -1;
      return this;
    }

    /**
     * Keeps exactly {@code count} features (at most the network's inputs; checked when
     * applied).
     *
     * @throws IllegalArgumentException if {@code count} is not positive
     */
    public Builder keep(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("must keep at least one feature, got " + count);
      }
      this.keep = count;
      this.fraction = Double.NaN;
      return this;
    }

    /**
     * The configured pruner.
     *
     * @throws IllegalStateException if neither a fraction nor a count was set
     */
    public FeaturePruner build() {
      return new FeaturePruner(this);
    }

    private static float[][] copyCalibration(float[][] inputs) {
      Objects.requireNonNull(inputs, "calibration inputs");
      if (inputs.length == 0) {
        throw new IllegalArgumentException("calibration set is empty");
      }
      float[][] copy = new float[inputs.length][];
      for (int i = 0; i < inputs.length; i++) {
        copy[i] = Objects.requireNonNull(inputs[i], "calibration input " + i).clone();
      }
      return copy;
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if calibration inputs are not as wide as the network's
   *     inputs, a label is not an output index, or more features are to be kept than the
   *     network takes
   */
  @Override
  public PruneResult prune(Network network) {
    Objects.requireNonNull(network, "network");
    network.requireFeedForward("pruning");
    int inputs = network.inputs();
    if (keep > inputs) {
      throw new IllegalArgumentException(
          "cannot keep " + keep + " features, network takes " + inputs);
    }
    if (calibration != null) {
      Checks.calibration(calibration, network);
    }
    if (labels != null) {
      for (int s = 0; s < labels.length; s++) {
        if (labels[s] < 0 || labels[s] >= network.outputs()) {
          throw new IllegalArgumentException("label " + labels[s] + " of sample " + s
              + " is outside [0, " + network.outputs() + ")");
        }
      }
    }
    float[] scores = calibration != null ? permutationImportance(network) : columnNorms(network);
    int remove = keep >= 0 ? inputs - keep
        : (int) Math.min(Selection.count(fraction, inputs), inputs - 1);
    int[] kept = Arrays.copyOfRange(Selection.ascending(scores), remove, inputs);
    Arrays.sort(kept);

    List<DenseLayer> layers = new ArrayList<>(network.layers());
    DenseLayer first = layers.get(0);
    layers.set(0, NeuronPruner.slice(first, NeuronPruner.identity(first.outputs()), kept));
    Network pruned = new Network(layers, network.softmaxOutput());
    if (remove > 0 || network.hasInputSelection()) {
      int[] original = network.inputFeatures();
      int[] features = new int[kept.length];
      for (int i = 0; i < kept.length; i++) {
        features[i] = original[kept[i]];
      }
      pruned = pruned.withInputSelection(network.originalInputs(), features);
    }
    Masks masks = Masks.keepAll(pruned);
    return new PruneResult(pruned, masks, SparsityReport.of(network, pruned, masks));
  }

  private float[] columnNorms(Network network) {
    DenseLayer first = network.layers().get(0);
    float[] weights = first.weights();
    float[] scores = new float[first.inputs()];
    for (int c = 0; c < scores.length; c++) {
      scores[c] = (float) norm.of(weights, c, first.outputs(), first.inputs());
    }
    return scores;
  }

  private float[] permutationImportance(Network network) {
    double baseline = accuracy(network, calibration);
    SplittableRandom random = new SplittableRandom(seed);
    float[][] shuffled = new float[calibration.length][];
    for (int s = 0; s < shuffled.length; s++) {
      shuffled[s] = calibration[s].clone();
    }
    float[] scores = new float[network.inputs()];
    int[] order = new int[calibration.length];
    for (int feature = 0; feature < scores.length; feature++) {
      Arrays.setAll(order, i -> i);
      for (int i = order.length - 1; i > 0; i--) { // Fisher-Yates
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      for (int s = 0; s < shuffled.length; s++) {
        shuffled[s][feature] = calibration[order[s]][feature];
      }
      scores[feature] = (float) (baseline - accuracy(network, shuffled));
      for (int s = 0; s < shuffled.length; s++) {
        shuffled[s][feature] = calibration[s][feature];
      }
    }
    return scores;
  }

  private double accuracy(Network network, float[][] inputs) {
    return evaluator != null ? evaluator.applyAsDouble(network, inputs)
        : Forward.accuracy(network, inputs, labels);
  }

  @Override
  public String toString() {
    String by = calibration == null ? norm.toString()
        : "permutation on " + calibration.length + " samples, seed " + seed;
    String amount = keep >= 0 ? "keep " + keep : "fraction " + fraction;
    return "FeaturePruner[" + by + ", " + amount + "]";
  }
}
