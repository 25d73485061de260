package org.sparsenn.cli.sweep;

import java.util.Arrays;
import java.util.Locale;
import org.sparsenn.prune.Pruner;
import org.sparsenn.prune.Pruners;

/** The pruning methods a sweep can walk through levels of, by their command-line names. */
public enum SweepMethod {
  /** Unstructured magnitude pruning, one threshold across all layers. */
  MAGNITUDE("magnitude"),
  /** Unstructured magnitude pruning, every layer to the same sparsity. */
  MAGNITUDE_LAYER("magnitude-layer"),
  /** Random pruning, the baseline (seeded). */
  RANDOM("random"),
  /** 4 x 4 blocks by L2 norm, one threshold across all layers. */
  BLOCK("block"),
  /** Whole hidden neurons by the L2 norm of their weights; the level is the fraction removed. */
  NEURON("neuron"),
  /**
   * 16 x 1 blocks (16 output rows of one input) by L2 norm, one threshold across all layers: the
   * shape the bsr16 layer format runs at one index per 16 weights.
   */
  BLOCK16X1("block16x1");

  private static final long SEED = 42;
  private final String label;

  SweepMethod(String label) {
    this.label = label;
  }

  /** The command-line name. */
  public String label() {
    return label;
  }

  /**
   * The method named {@code text}.
   *
   * @throws IllegalArgumentException naming the known methods
   */
  public static SweepMethod parse(String text) {
    String wanted = text.trim().toLowerCase(Locale.ROOT);
    for (SweepMethod m : values()) {
      if (m.label.equals(wanted)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown method '" + text + "': expected one of "
        + Arrays.stream(values()).map(SweepMethod::label).toList());
  }

  /** Whether its pruners keep layer shapes, so it can prune gradually during training. */
  boolean keepsShapes() {
    return this != NEURON;
  }

  /** The pruner for {@code level} ({@code 0 < level < 1}). */
  Pruner pruner(double level) {
    return switch (this) {
      case MAGNITUDE -> Pruners.magnitude().global().sparsity(level).build();
      case MAGNITUDE_LAYER -> Pruners.magnitude().layerWise().sparsity(level).build();
      case RANDOM -> Pruners.random(SEED).global().sparsity(level).build();
      case BLOCK -> Pruners.blocks(4, 4).global().sparsity(level).build();
      case NEURON -> Pruners.neurons().l2().fraction(level).build();
      case BLOCK16X1 -> Pruners.blocks(16, 1).global().sparsity(level).build();
    };
  }
}
