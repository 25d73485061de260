package org.sparsenn.prune;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * The result of a {@link SensitivityScan}: accuracy per layer and sparsity.
 *
 * @param baseline accuracy of the network as given
 * @param sparsities the sparsities tried, the columns
 * @param rows one row per layer
 */
public record SensitivityTable(double baseline, List<Double> sparsities, List<Row> rows) {
  /**
   * One layer's accuracies.
   *
   * @param name {@code "layer i"}
   * @param accuracies one per sparsity, in the table's order
   */
  public record Row(String name, List<Double> accuracies) {
    /** @throws NullPointerException if an argument is null */
    public Row {
      Objects.requireNonNull(name, "name");
      accuracies = List.copyOf(accuracies);
    }
  }

  /** @throws IllegalArgumentException if a row's length differs from the sparsities' */
  public SensitivityTable {
    sparsities = List.copyOf(sparsities);
    rows = List.copyOf(rows);
    for (Row row : rows) {
      if (row.accuracies().size() != sparsities.size()) {
        throw new IllegalArgumentException(row.name() + " has " + row.accuracies().size()
            + " accuracies for " + sparsities.size() + " sparsities");
      }
    }
  }

  /**
   * Accuracy with layer {@code layer} at the {@code column}-th sparsity.
   *
   * @throws IndexOutOfBoundsException if an index is out of range
   */
  public double accuracy(int layer, int column) {
    return rows.get(layer).accuracies().get(column);
  }

  /**
   * The highest sparsity tried for {@code layer} whose accuracy is at most {@code maxDrop}
   * below the baseline (and every lower sparsity's too), or 0 if none: a per-layer override.
   *
   * @throws IndexOutOfBoundsException if the layer is out of range
   */
  public double maxSparsityWithin(int layer, double maxDrop) {
    double best = 0;
    List<Double> accuracies = rows.get(layer).accuracies();
    List<Integer> order = IntStream.range(0, sparsities.size()).boxed()
        .sorted(Comparator.comparing(sparsities::get)).toList();
    for (int column : order) {
      if (baseline - accuracies.get(column) > maxDrop) {
        break;
      }
      best = sparsities.get(column);
    }
    return best;
  }

  /** A table for the terminal: accuracy in percent, one line per layer. */
  public String format() {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-10s", "layer"));
    for (double s : sparsities) {
      out.append(String.format(Locale.ROOT, " %7.1f%%", 100 * s));
    }
    out.append(System.lineSeparator());
    for (Row row : rows) {
      out.append(String.format(Locale.ROOT, "%-10s", row.name()));
      for (double a : row.accuracies()) {
        out.append(String.format(Locale.ROOT, " %7.2f%%", 100 * a));
      }
      out.append(System.lineSeparator());
    }
    out.append(String.format(Locale.ROOT, "baseline (unpruned): %.2f%%%n", 100 * baseline));
    return out.toString();
  }
}
