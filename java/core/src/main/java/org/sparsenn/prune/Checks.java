package org.sparsenn.prune;

import java.util.Map;
import java.util.Objects;
import org.sparsenn.model.Network;

/** Argument checks shared by the pruners, so that every method words its errors alike. */
final class Checks {
  private Checks() {}

  /** @throws IllegalArgumentException naming {@code what} and the value unless in [0, 1) */
  static double fraction(String what, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(what + " must be in [0, 1), got " + value);
    }
    return value;
  }

  /** @throws IllegalArgumentException if {@code layer} is negative (upper bound checked later) */
  static int layerIndex(int layer) {
    if (layer < 0) {
      throw new IllegalArgumentException("layer index must be >= 0, got " + layer);
    }
    return layer;
  }

  /** @throws IllegalArgumentException if an override names a layer the network lacks */
  static void overridesFit(Map<Integer, Double> overrides, int layerCount, int limit,
      String what) {
    for (int layer : overrides.keySet()) {
      if (layer >= limit) {
        throw new IllegalArgumentException("override for layer " + layer + ", but the network"
            + " has " + layerCount + " layers" + what);
      }
    }
  }

  /**
   * Checks calibration inputs against the network: non-empty, every row as wide as the
   * network's inputs.
   *
   * @throws IllegalArgumentException naming both widths, or if the set is empty
   */
  static void calibration(float[][] inputs, Network network) {
    Objects.requireNonNull(inputs, "calibration inputs");
    if (inputs.length == 0) {
      throw new IllegalArgumentException("calibration set is empty");
    }
    for (int i = 0; i < inputs.length; i++) {
      Objects.requireNonNull(inputs[i], "calibration input " + i);
      if (inputs[i].length != network.inputs()) {
        throw new IllegalArgumentException("calibration input " + i + " has "
            + inputs[i].length + " features, network takes " + network.inputs());
      }
    }
  }
}
