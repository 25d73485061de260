package org.sparsenn.prune;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The options that the sparsity-target pruners share: scope, target sparsity and per-layer
 * overrides. A layer with an override is always pruned on its own to its own target, also
 * under {@link Scope#GLOBAL}, where the other layers share one ranking.
 *
 * @param <B> the concrete builder, returned by every setter for chaining
 */
public abstract class TargetBuilder<B extends TargetBuilder<B>> {
  Scope scope = Scope.LAYER;
  double sparsity = Double.NaN;
  final Map<Integer, Double> overrides = new TreeMap<>();

  TargetBuilder() {}

  abstract B self();

  /** Each layer to its target on its own (the default). */
  public B layerWise() {
    return scope(Scope.LAYER);
  }

  /** One ranking across all layers without an override. */
  public B global() {
    return scope(Scope.GLOBAL);
  }

  /**
   * Sets the scope.
   *
   * @throws NullPointerException if {@code scope} is null
   */
  public B scope(Scope scope) {
    this.scope = Objects.requireNonNull(scope, "scope");
    return self();
  }

  /**
   * The target sparsity: exactly {@code round(sparsity * n)} of {@code n} units are pruned.
   *
   * @throws IllegalArgumentException naming the value if it is outside [0, 1)
   */
  public B sparsity(double sparsity) {
    this.sparsity = Checks.fraction("sparsity", sparsity);
    return self();
  }

  /**
   * Prunes layer {@code layer} to its own {@code sparsity}, on its own. Whether the layer
   * exists is checked when the pruner is applied.
   *
   * @throws IllegalArgumentException if the layer index is negative or the sparsity is
   *     outside [0, 1)
   */
  public B override(int layer, double sparsity) {
    overrides.put(Checks.layerIndex(layer), Checks.fraction("sparsity of layer " + layer,
        sparsity));
    return self();
  }

  /** @throws IllegalStateException if no sparsity was set */
  double requireSparsity() {
    if (Double.isNaN(sparsity)) {
      throw new IllegalStateException("no target sparsity: call sparsity(s)");
    }
    return sparsity;
  }
}
