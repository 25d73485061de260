package org.sparsenn.prune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import org.sparsenn.model.Network;

/**
 * Which weights of a network survive pruning: one keep-mask per layer, in the layer's
 * row-major {@code [outputs][inputs]} order (bit {@code row * inputs + col}). Immutable.
 *
 * <p>A network with recurrent layers has one mask per weight matrix: for each recurrent layer
 * its input weights {@code W} then its recurrent weights {@code R} (every direction, in
 * {@link org.sparsenn.model.RecurrentLayer}'s row-major layout), then one per dense layer; the
 * mask "layers" below are these matrices. A feed-forward network's masks are its layers'.
 *
 * <p>Masks travel beside a {@link Network} from pruning into fine-tuning, which retrains only
 * the kept weights so that pruned ones stay exactly zero. Biases are never masked.
 */
public final class Masks {
  private final int[] sizes;
  private final List<BitSet> keep;

  private Masks(int[] sizes, List<BitSet> keep) {
    this.sizes = sizes;
    this.keep = keep;
  }

  /** Keeps every weight of {@code network}. */
  public static Masks keepAll(Network network) {
    Objects.requireNonNull(network, "network");
    int[] sizes = sizesOf(network);
    List<BitSet> keep = new ArrayList<>();
    for (int size : sizes) {
      BitSet bits = new BitSet(size);
      bits.set(0, size);
      keep.add(bits);
    }
    return new Masks(sizes, List.copyOf(keep));
  }

  /** Keeps the weights of {@code network} that are not exactly zero (a pruned model's mask). */
  public static Masks ofNonzeros(Network network) {
    Objects.requireNonNull(network, "network");
    int[] sizes = sizesOf(network);
    List<BitSet> keep = new ArrayList<>();
    for (float[] weights : WeightMatrices.weights(network)) {
      BitSet bits = new BitSet(weights.length);
      for (int i = 0; i < weights.length; i++) {
        if (weights[i] != 0f) {
          bits.set(i);
        }
      }
      keep.add(bits);
    }
    return new Masks(sizes, List.copyOf(keep));
  }

  /**
   * Masks from one keep-array per layer ({@code true} = the weight survives).
   *
   * @throws IllegalArgumentException if the count or a length does not match the network
   */
  public static Masks of(Network network, List<boolean[]> keepPerLayer) {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(keepPerLayer, "keepPerLayer");
    int[] sizes = sizesOf(network);
    if (keepPerLayer.size() != sizes.length) {
      throw new IllegalArgumentException("got " + keepPerLayer.size()
          + " masks for a network of " + sizes.length + " layers");
    }
    List<BitSet> keep = new ArrayList<>();
    for (int layer = 0; layer < sizes.length; layer++) {
      boolean[] flags = Objects.requireNonNull(keepPerLayer.get(layer), "mask " + layer);
      if (flags.length != sizes[layer]) {
        throw new IllegalArgumentException("mask " + layer + " has " + flags.length
            + " entries, layer " + layer + " has " + sizes[layer] + " weights");
      }
      BitSet bits = new BitSet(flags.length);
      for (int i = 0; i < flags.length; i++) {
        if (flags[i]) {
          bits.set(i);
        }
      }
      keep.add(bits);
    }
    return new Masks(sizes, List.copyOf(keep));
  }

  /** Number of layers. */
  public int layerCount() {
    return sizes.length;
  }

  /** Number of weights (kept or not) in {@code layer}. */
  public int size(int layer) {
    return sizes[layer];
  }

  /** Whether weight {@code index} (row-major) of {@code layer} survives. */
  public boolean keeps(int layer, int index) {
    Objects.checkIndex(index, sizes[layer]);
    return keep.get(layer).get(index);
  }

  /** A copy of {@code layer}'s keep-flags, row-major. */
  public boolean[] keepFlags(int layer) {
    boolean[] flags = new boolean[sizes[layer]];
    BitSet bits = keep.get(layer);
    for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
      flags[i] = true;
    }
    return flags;
  }

  /** Number of surviving weights in {@code layer}. */
  public long kept(int layer) {
    return keep.get(layer).cardinality();
  }

  /** Fraction of {@code layer}'s weights that are pruned. */
  public double sparsity(int layer) {
    return 1.0 - (double) kept(layer) / sizes[layer];
  }

  /** Fraction of all weights (biases excluded) that are pruned. */
  public double sparsity() {
    long total = 0;
    long kept = 0;
    for (int layer = 0; layer < sizes.length; layer++) {
      total += sizes[layer];
      kept += kept(layer);
    }
    return 1.0 - (double) kept / total;
  }

  /** Keeps what both masks keep (pruning again never revives a weight). */
  public Masks and(Masks other) {
    Objects.requireNonNull(other, "other");
    if (!Arrays.equals(sizes, other.sizes)) {
      throw new IllegalArgumentException("masks are for networks of different shapes");
    }
    List<BitSet> both = new ArrayList<>();
    for (int layer = 0; layer < sizes.length; layer++) {
      BitSet bits = (BitSet) keep.get(layer).clone();
      bits.and(other.keep.get(layer));
      both.add(bits);
    }
    return new Masks(sizes, List.copyOf(both));
  }

  /**
   * The network with every pruned weight set to exactly zero.
   *
   * @throws IllegalArgumentException if the network's layer shapes differ from the masks'
   */
  public Network apply(Network network) {
    requireMatches(network);
    List<float[]> all = WeightMatrices.weights(network);
    for (int layer = 0; layer < sizes.length; layer++) {
      zeroPruned(layer, all.get(layer));
    }
    return WeightMatrices.withWeights(network, all);
  }

  /**
   * Zeroes the pruned entries of {@code weights}, a row-major weight array of {@code layer},
   * in place: what a masked optimizer step calls after each update.
   */
  public void zeroPruned(int layer, float[] weights) {
    if (weights.length != sizes[layer]) {
      throw new IllegalArgumentException("layer " + layer + " has " + sizes[layer]
          + " weights, array has " + weights.length);
    }
    BitSet bits = keep.get(layer);
    for (int i = bits.nextClearBit(0); i < weights.length; i = bits.nextClearBit(i + 1)) {
      weights[i] = 0f;
    }
  }

  /** @throws IllegalArgumentException if {@code network}'s layer shapes differ from these masks' */
  public void requireMatches(Network network) {
    Objects.requireNonNull(network, "network");
    int[] other = sizesOf(network);
    if (!Arrays.equals(sizes, other)) {
      throw new IllegalArgumentException("masks have layer sizes "
          + Arrays.toString(sizes) + ", network has " + Arrays.toString(other));
    }
  }

  private static int[] sizesOf(Network network) {
    long[] counts = WeightMatrices.counts(network);
    int[] sizes = new int[counts.length];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = Math.toIntExact(counts[i]);
    }
    return sizes;
  }

  @Override
  public String toString() {
    return String.format("Masks[%d layers, %.2f%% pruned]", sizes.length, 100 * sparsity());
  }
}
