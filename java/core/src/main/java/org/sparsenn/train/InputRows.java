package org.sparsenn.train;

import org.sparsenn.io.data.Dataset;
import org.sparsenn.model.Network;

/**
 * Cuts batches of network inputs from a data set's feature rows, row-major: the rows as they
 * are, or, for a network with an input selection (input features pruned away), only the
 * selected features of each row.
 */
final class InputRows {
  private final int[] selection;
  private final int inputs;
  private final float[] row;

  InputRows(Network network, int featureCount) {
    // a recurrent network reads the whole row as its sequence
    this.inputs = network.isRecurrent() ? featureCount : network.inputs();
    this.selection = network.hasInputSelection() ? network.inputFeatures() : null;
    this.row = selection == null ? null : new float[featureCount];
  }

  /** Copies example {@code example}'s inputs to batch row {@code r} of {@code dst}. */
  void copy(Dataset data, int example, float[] dst, int r) {
    if (selection == null) {
      data.copyFeatures(example, example + 1, dst, r * inputs);
      return;
    }
    data.copyFeatures(example, example + 1, row, 0);
    int base = r * inputs;
    for (int i = 0; i < inputs; i++) {
      dst[base + i] = row[selection[i]];
    }
  }

  /** Copies examples {@code [from, from + rows)} to batch rows {@code 0 .. rows} of {@code dst}. */
  void copyRange(Dataset data, int from, int rows, float[] dst) {
    if (selection == null) {
      data.copyFeatures(from, from + rows, dst, 0);
      return;
    }
    for (int r = 0; r < rows; r++) {
      copy(data, from + r, dst, r);
    }
  }
}
