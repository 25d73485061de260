package org.sparsenn.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.ToDoubleFunction;
import org.sparsenn.model.Network;

/**
 * Per-layer sensitivity to pruning: each layer in turn is pruned to each sparsity while the
 * other layers stay as they are, and the caller's evaluator measures the accuracy. Layers
 * whose accuracy holds up can be pruned harder (see {@link TargetBuilder#override}).
 */
public final class SensitivityScan {
  private SensitivityScan() {}

  /**
   * Scans with layer-wise magnitude pruning of one layer at a time.
   *
   * @param sparsities the sparsities to try, each in [0, 1)
   * @param accuracy evaluates a network, e.g. accuracy on a validation set
   * @return the table; evaluations: {@code 1 + layers * sparsities}
   * @throws IllegalArgumentException if the list is empty or a sparsity is outside [0, 1)
   * @throws NullPointerException if an argument is null
   */
  public static SensitivityTable run(Network network, List<Double> sparsities,
      ToDoubleFunction<Network> accuracy) {
    return run(network, sparsities, accuracy,
        (layer, s) -> Pruners.magnitude().sparsity(0).override(layer, s).build());
  }

  /**
   * Scans with the caller's pruner for (layer, sparsity), which should prune only that layer.
   *
   * @throws IllegalArgumentException if the list is empty or a sparsity is outside [0, 1)
   * @throws NullPointerException if an argument is null
   */
  public static SensitivityTable run(Network network, List<Double> sparsities,
      ToDoubleFunction<Network> accuracy, BiFunction<Integer, Double, Pruner> prunerFor) {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(accuracy, "accuracy");
    Objects.requireNonNull(prunerFor, "prunerFor");
    List<Double> targets = List.copyOf(sparsities);
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("sensitivity scan needs at least one sparsity");
    }
    targets.forEach(s -> Checks.fraction("sparsity", s));

    double baseline = accuracy.applyAsDouble(network);
    List<SensitivityTable.Row> rows = new ArrayList<>();
    for (int layer = 0; layer < network.layers().size(); layer++) {
      List<Double> accuracies = new ArrayList<>();
      for (double s : targets) {
        accuracies.add(accuracy.applyAsDouble(prunerFor.apply(layer, s).apply(network)));
      }
      rows.add(new SensitivityTable.Row("layer " + layer, accuracies));
    }
    return new SensitivityTable(baseline, targets, rows);
  }
}
