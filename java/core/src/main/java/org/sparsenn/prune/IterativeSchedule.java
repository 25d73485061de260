package org.sparsenn.prune;

import java.util.List;

/**
 * Iterative pruning (Han et al. 2015, "Learning both weights and connections"): prune to
 * {@code sparsities[0]} at {@code start}, fine-tune {@code interval} steps, prune to
 * {@code sparsities[1]}, and so on; after the last, only fine-tune.
 *
 * @param sparsities the targets in order, increasing, each in [0, 1)
 * @param start the first pruning step
 * @param interval steps of fine-tuning between two prunings
 */
public record IterativeSchedule(List<Double> sparsities, long start, long interval)
    implements SparsitySchedule {
  /**
   * @throws IllegalArgumentException if the list is empty, a sparsity is outside [0, 1) or not
   *     above the one before, the start is negative or the interval not positive
   */
  public IterativeSchedule {
    sparsities = List.copyOf(sparsities);
    if (sparsities.isEmpty()) {
      throw new IllegalArgumentException("an iterative schedule needs at least one sparsity");
    }
    for (int i = 0; i < sparsities.size(); i++) {
      Checks.fraction("sparsity " + i, sparsities.get(i));
      if (i > 0 && sparsities.get(i) <= sparsities.get(i - 1)) {
        throw new IllegalArgumentException("sparsities must increase, got "
            + sparsities.get(i - 1) + " then " + sparsities.get(i));
      }
    }
    if (start < 0 || interval < 1) {
      throw new IllegalArgumentException("need start >= 0 and interval >= 1, got start "
          + start + ", interval " + interval);
    }
  }

  /** {@inheritDoc} */
  @Override
  public double targetAt(long step) {
    if (step < start) {
      return 0;
    }
    long round = Math.min((step - start) / interval, sparsities.size() - 1);
    return sparsities.get((int) round);
  }

  /** {@inheritDoc} */
  @Override
  public boolean isPruningStep(long step) {
    return step >= start && (step - start) % interval == 0
        && (step - start) / interval < sparsities.size();
  }

  /** {@inheritDoc} */
  @Override
  public long lastPruningStep() {
    return start + (sparsities.size() - 1) * interval;
  }
}
