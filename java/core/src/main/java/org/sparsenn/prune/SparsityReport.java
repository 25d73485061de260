package org.sparsenn.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.sparsenn.model.Network;

/**
 * Per-layer and total sparsity of a pruning result, measured against the network before
 * pruning: a structured method that shrinks a layer counts the removed weights as pruned.
 * Biases are not counted.
 *
 * @param layers one entry per layer, in order; for a network with recurrent layers, one entry
 *     per weight matrix ({@code "rnn i W"}, {@code "rnn i R"}, then {@code "layer i"})
 */
public record SparsityReport(List<Layer> layers) {
  /**
   * One layer's figures.
   *
   * @param name {@code "layer i"}, or {@code "rnn i W"} / {@code "rnn i R"}
   * @param outputs rows after pruning
   * @param inputs columns after pruning
   * @param originalOutputs rows before pruning
   * @param originalInputs columns before pruning
   * @param weights weights before pruning ({@code originalOutputs * originalInputs})
   * @param kept weights that survive (kept by the mask, in the possibly smaller layer)
   */
  public record Layer(String name, int outputs, int inputs, int originalOutputs,
      int originalInputs, long weights, long kept) {
    /** @throws IllegalArgumentException if kept is negative or exceeds weights */
    public Layer {
      Objects.requireNonNull(name, "name");
      if (kept < 0 || kept > weights) {
        throw new IllegalArgumentException("kept " + kept + " of " + weights + " weights");
      }
    }

    /** Fraction of the original weights that are pruned. */
    public double sparsity() {
      return 1.0 - (double) kept / weights;
    }

    /** {@code "OUTxIN"}, or {@code "OUTxIN (was OUTxIN)"} when the layer shrank. */
    public String shape() {
      String now = outputs + "x" + inputs;
      return outputs == originalOutputs && inputs == originalInputs ? now
          : now + " (was " + originalOutputs + "x" + originalInputs + ")";
    }
  }

  /** @throws NullPointerException if the list is null */
  public SparsityReport {
    layers = List.copyOf(layers);
  }

  /**
   * The report of {@code pruned} with {@code masks} against {@code original}.
   *
   * @throws IllegalArgumentException if the layer counts differ or the masks do not fit
   *     {@code pruned}
   */
  public static SparsityReport of(Network original, Network pruned, Masks masks) {
    masks.requireMatches(pruned);
    List<WeightMatrices.Shape> before = WeightMatrices.shapes(original);
    List<WeightMatrices.Shape> after = WeightMatrices.shapes(pruned);
    if (before.size() != after.size()) {
      throw new IllegalArgumentException("original has " + before.size()
          + " weight matrices, pruned has " + after.size());
    }
    List<Layer> rows = new ArrayList<>();
    for (int i = 0; i < after.size(); i++) {
      WeightMatrices.Shape was = before.get(i);
      WeightMatrices.Shape now = after.get(i);
      rows.add(new Layer(now.name(), now.rows(), now.cols(), was.rows(), was.cols(), was.size(),
          masks.kept(i)));
    }
    return new SparsityReport(rows);
  }

  /** Weights of all layers before pruning. */
  public long totalWeights() {
    return layers.stream().mapToLong(Layer::weights).sum();
  }

  /** Surviving weights of all layers. */
  public long totalKept() {
    return layers.stream().mapToLong(Layer::kept).sum();
  }

  /** Fraction of all original weights that are pruned. */
  public double totalSparsity() {
    return 1.0 - (double) totalKept() / totalWeights();
  }

  /** A table for the terminal: one line per layer and a total line. */
  public String format() {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "%-10s %-24s %12s %12s %9s%n", "layer", "shape", "weights", "kept", "sparsity"));
    for (Layer layer : layers) {
      out.append(String.format(Locale.ROOT, "%-10s %-24s %12d %12d %8.2f%%%n", layer.name(),
          layer.shape(), layer.weights(), layer.kept(), 100 * layer.sparsity()));
    }
    out.append(String.format(Locale.ROOT, "%-10s %-24s %12d %12d %8.2f%%%n", "total", "",
        totalWeights(), totalKept(), 100 * totalSparsity()));
    return out.toString();
  }
}
