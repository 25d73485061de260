package org.sparsenn.prune;

import java.util.ArrayList;
import java.util.List;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.model.RecurrentLayer;

/**
 * The prunable weight matrices of a network, in the order masks and pruners index them: for
 * each recurrent layer its input weights {@code W} then its recurrent weights {@code R} (all
 * directions, stacked as {@link RecurrentLayer} stores them: {@code dirs * gates * hidden}
 * rows), then each dense layer. A feed-forward network's matrices are its dense layers, so
 * its indices are the layer indices.
 */
final class WeightMatrices {
  private WeightMatrices() {}

  /** One matrix's shape and, for a recurrent one, its gate structure. */
  record Shape(String name, int rows, int cols, int gates, int hidden) {
    long size() {
      return (long) rows * cols;
    }

    /** Whether the rows are gate blocks of a recurrent cell (more than one gate). */
    boolean gated() {
      return gates > 1;
    }
  }

  static List<Shape> shapes(Network network) {
    List<Shape> shapes = new ArrayList<>();
    List<RecurrentLayer> recurrent = network.recurrentLayers();
    for (int i = 0; i < recurrent.size(); i++) {
      RecurrentLayer layer = recurrent.get(i);
      int rows = layer.direction().count() * layer.gateRows();
      int gates = layer.cell().gates();
      shapes.add(new Shape("rnn " + i + " W", rows, layer.inputs(), gates, layer.hidden()));
      shapes.add(new Shape("rnn " + i + " R", rows, layer.hidden(), gates, layer.hidden()));
    }
    List<DenseLayer> layers = network.layers();
    for (int i = 0; i < layers.size(); i++) {
      DenseLayer layer = layers.get(i);
      shapes.add(new Shape("layer " + i, layer.outputs(), layer.inputs(), 1, layer.outputs()));
    }
    return shapes;
  }

  /** Copies of every matrix's weights, row-major, in {@link #shapes} order. */
  static List<float[]> weights(Network network) {
    List<float[]> all = new ArrayList<>();
    for (RecurrentLayer layer : network.recurrentLayers()) {
      all.add(layer.inputWeights());
      all.add(layer.recurrentWeights());
    }
    for (DenseLayer layer : network.layers()) {
      all.add(layer.weights());
    }
    return all;
  }

  /** The number of weights of each matrix. */
  static long[] counts(Network network) {
    List<Shape> shapes = shapes(network);
    long[] counts = new long[shapes.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = shapes.get(i).size();
    }
    return counts;
  }

  /** {@code network} with every matrix replaced by {@code weights} (same order and shapes). */
  static Network withWeights(Network network, List<float[]> weights) {
    int at = 0;
    List<RecurrentLayer> recurrent = new ArrayList<>();
    for (RecurrentLayer layer : network.recurrentLayers()) {
      recurrent.add(layer.withWeights(weights.get(at), weights.get(at + 1)));
      at += 2;
    }
    List<DenseLayer> layers = new ArrayList<>();
    for (DenseLayer layer : network.layers()) {
      layers.add(layer.withWeights(weights.get(at++)));
    }
    if (recurrent.isEmpty()) {
      return network.withLayers(layers);
    }
    return Network.sequence(recurrent, network.sequenceOutput(), layers,
        network.softmaxOutput());
  }
}
