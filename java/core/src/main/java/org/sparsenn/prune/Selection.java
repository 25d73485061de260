package org.sparsenn.prune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.sparsenn.model.DenseLayer;

/**
 * Exact selection of the units (weights or blocks) to prune: the {@code k} with the smallest
 * score, ties broken by the lower index, so that results are deterministic.
 *
 * <p>Scores are non-negative floats. A non-negative float's bit pattern orders like its value,
 * so score and index pack into one {@code long} key ({@code bits << 32 | index}) and a sort of
 * primitive longs does the ranking without boxing.
 */
final class Selection {
  private Selection() {}

  /** The number of weights of each layer. */
  static long[] weightCounts(List<DenseLayer> layers) {
    long[] counts = new long[layers.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = (long) layers.get(i).outputs() * layers.get(i).inputs();
    }
    return counts;
  }

  /** The sort key of a non-negative score: its bits, the sign cleared (so -0 ranks as 0). */
  static int scoreBits(float score) {
    return Float.floatToRawIntBits(score) & 0x7fffffff;
  }

  /** Number of units to prune for {@code sparsity} of {@code units}: round half up. */
  static long count(double sparsity, long units) {
    return Math.round(sparsity * units);
  }

  /**
   * Marks the {@code k} lowest-keyed units of each scope as pruned.
   *
   * @param scores per layer, the score bits of each unit ({@link #scoreBits})
   * @param scope LAYER: each layer at its own target; GLOBAL: one ranking over the layers
   *     without an override
   * @param sparsity the target of layers without an override
   * @param overrides layer index to its own target; such layers are always ranked alone
   * @param unitName what a unit is, for error messages ("weights", "blocks")
   * @return per layer, {@code true} for each pruned unit
   * @throws IllegalArgumentException if a target would prune every unit of a layer (layer
   *     scope) or of all layers (global scope)
   */
  static boolean[][] pruneSmallest(int[][] scores, Scope scope, double sparsity,
      Map<Integer, Double> overrides, String unitName) {
    int layers = scores.length;
    long[] units = new long[layers];
    for (int layer = 0; layer < layers; layer++) {
      units[layer] = scores[layer].length;
    }
    checkTargets(units, scope, sparsity, overrides, unitName);
    boolean[][] pruned = new boolean[layers][];
    long globalUnits = 0;
    for (int layer = 0; layer < layers; layer++) {
      pruned[layer] = new boolean[scores[layer].length];
      Double own = overrides.get(layer);
      if (own == null && scope == Scope.GLOBAL) {
        globalUnits += units[layer];
      } else {
        long k = count(own != null ? own : sparsity, units[layer]);
        if (k > 0) {
          markSmallest(scores[layer], (int) k, pruned[layer]);
        }
      }
    }
    if (globalUnits > 0) {
      markGlobal(scores, overrides, globalUnits, count(sparsity, globalUnits), pruned);
    }
    return pruned;
  }

  /**
   * Checks, before any ranking, that no target prunes every unit of a layer (or, in global
   * scope, every unit of the globally ranked layers).
   *
   * @param units per layer, the number of units
   * @throws IllegalArgumentException naming the sparsity, the count and the layer; or if the
   *     globally ranked units are more than an int can index
   */
  static void checkTargets(long[] units, Scope scope, double sparsity,
      Map<Integer, Double> overrides, String unitName) {
    long globalUnits = 0;
    for (int layer = 0; layer < units.length; layer++) {
      Double own = overrides.get(layer);
      if (own == null && scope == Scope.GLOBAL) {
        globalUnits += units[layer];
        continue;
      }
      double target = own != null ? own : sparsity;
      if (count(target, units[layer]) >= units[layer]) {
        throw new IllegalArgumentException("sparsity " + target + " would prune all "
            + units[layer] + " " + unitName + " of layer " + layer);
      }
    }
    if (globalUnits > Integer.MAX_VALUE) { // the index must fit the key's low 32 bits
      throw new IllegalArgumentException("global ranking supports at most "
          + Integer.MAX_VALUE + " " + unitName + ", got " + globalUnits);
    }
    if (globalUnits > 0 && count(sparsity, globalUnits) >= globalUnits) {
      throw new IllegalArgumentException("sparsity " + sparsity + " would prune all "
          + globalUnits + " " + unitName + " of the globally ranked layers");
    }
  }

  private static void markSmallest(int[] scores, int k, boolean[] pruned) {
    long[] keys = new long[scores.length];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = (long) scores[i] << 32 | i;
    }
    Arrays.sort(keys);
    for (int i = 0; i < k; i++) {
      pruned[(int) keys[i]] = true;
    }
  }

  /** One ranking over the non-overridden layers, indices running through them in order. */
  private static void markGlobal(int[][] scores, Map<Integer, Double> overrides, long units,
      long k, boolean[][] pruned) {
    long[] keys = new long[(int) units];
    int[] layerOf = new int[scores.length];
    int[] offsets = new int[scores.length + 1];
    int members = 0;
    int at = 0;
    for (int layer = 0; layer < scores.length; layer++) {
      if (overrides.containsKey(layer)) {
        continue;
      }
      layerOf[members] = layer;
      offsets[members] = at;
      for (int score : scores[layer]) {
        keys[at] = (long) score << 32 | at;
        at++;
      }
      members++;
    }
    offsets[members] = at;
    Arrays.sort(keys);
    for (int i = 0; i < k; i++) {
      int index = (int) keys[i];
      int member = Arrays.binarySearch(offsets, 0, members + 1, index);
      if (member < 0) {
        member = -member - 2; // offsets strictly increase: every layer has a unit
      }
      pruned[layerOf[member]][index - offsets[member]] = true;
    }
  }

  /**
   * Indices {@code 0 .. scores.length - 1} ordered by ascending score, ties by lower index;
   * scores may be negative (not NaN).
   */
  static int[] ascending(float[] scores) {
    long[] keys = new long[scores.length];
    for (int i = 0; i < keys.length; i++) {
      int bits = Float.floatToIntBits(scores[i] + 0f); // + 0f folds -0 into +0
      int sortable = bits ^ ((bits >> 31) & 0x7fffffff); // negative floats order reversed
      keys[i] = (long) sortable << 32 | i;
    }
    Arrays.sort(keys);
    int[] order = new int[keys.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = (int) keys[i];
    }
    return order;
  }

  /** Per layer, the keep-flags that are the complement of {@code pruned}. */
  static List<boolean[]> keepFlags(boolean[][] pruned) {
    List<boolean[]> keep = new ArrayList<>(pruned.length);
    for (boolean[] layer : pruned) {
      boolean[] flags = new boolean[layer.length];
      for (int j = 0; j < flags.length; j++) {
        flags[j] = !layer[j];
      }
      keep.add(flags);
    }
    return keep;
  }
}
