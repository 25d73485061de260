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
  BLOCK16X1("block16x1"),
  /**
   * N:M semi-structured along each layer's inputs at the pattern nearest the level
   * ({@link #nmPattern}): 0.5 is 2:4, 0.75 1:4, 0.875 1:8, 0.9375 1:16; the sessions run it on
   * the N:M layout.
   */
  NM("nm");

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

  /**
   * Whether its pruners handle recurrent layers (their W and R as weight matrices): magnitude
   * and block pruning do.
   */
  public boolean handlesRecurrent() {
    return this == MAGNITUDE || this == MAGNITUDE_LAYER || this == BLOCK || this == BLOCK16X1;
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
      case NM -> {
        int[] nm = nmPattern(level);
        yield Pruners.nm(nm[0], nm[1]);
      }
    };
  }

  /**
   * The N:M pattern {@link #NM} prunes to at {@code level}: groups of 4 up to 0.75, of 8 up to
   * 0.875, of 16 beyond, keeping {@code round(M (1 - level))} of each group, at least 1 and at
   * most M - 1 (the low levels of a gradual ramp keep 3 of 4).
   */
  static int[] nmPattern(double level) {
    int m = level <= 0.75 ? 4 : level <= 0.875 ? 8 : 16;
    int n = (int) Math.round(m * (1 - level));
    return new int[] {Math.max(1, Math.min(m - 1, n)), m};
  }
}
