package org.sparsenn.prune;

/** How a sparsity target is spread over the layers. */
public enum Scope {
  /** Each layer is pruned to the target on its own. */
  LAYER,
  /**
   * One ranking (one threshold) across all layers; per-layer sparsities then differ, and a
   * layer of small weights can lose all of them (check the report, or give it an override).
   */
  GLOBAL
}
