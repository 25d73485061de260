package org.sparsenn.engine;

import java.util.Objects;

/**
 * What the {@link Planner} chose for one matrix of a recurrent layer: each of a layer's input
 * weights W and recurrent weights R is planned on its own, per direction, as a dense layer
 * is. W runs once per call over {@code steps * batch} columns, so its batched choice is the one
 * used; R runs once per step, with the batch-1 choice for single sequences.
 *
 * @param layer the recurrent layer's position in the front end
 * @param direction 0 forward (or the one direction), 1 backward
 * @param matrix {@code W}, {@code R}, or for a GRU that resets before the product
 *     {@code R (z, r)} and {@code R (h)}
 * @param plan the choice, as for a dense layer (its index is 0)
 */
public record RecurrentMatrixPlan(int layer, int direction, String matrix, Plan.LayerPlan plan) {
  /**
   * @throws NullPointerException if {@code matrix} or {@code plan} is null
   */
  public RecurrentMatrixPlan {
    Objects.requireNonNull(matrix, "matrix");
    Objects.requireNonNull(plan, "plan");
  }

  /** One line: which matrix, its shape and sparsity, and the methods chosen. */
  public String describe() {
    return String.format(java.util.Locale.ROOT,
        "recurrent %d direction %d %s: %d x %d, %.1f%% sparse: batch 1 -> %s, batched -> %s (%s)",
        layer, direction, matrix, plan.rows(), plan.cols(), 100 * plan.sparsity(),
        plan.single().label(), plan.batched().label(), plan.reason());
  }
}
