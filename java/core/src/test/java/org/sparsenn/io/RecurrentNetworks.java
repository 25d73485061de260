package org.sparsenn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.model.RecurrentLayer;
import org.sparsenn.model.RecurrentLayer.Cell;
import org.sparsenn.model.RecurrentLayer.Direction;
import org.sparsenn.model.SequenceOutput;
import org.sparsenn.sparse.RandomWeights;

/**
 * Recurrent networks for the writers' round trips: every cell (GRU in both reset forms, RNN
 * tanh and ReLU), direction and sequence output, stacked, pruned, with initial states; and the
 * bit-for-bit comparison of two networks, front end and dense layers.
 */
public final class RecurrentNetworks {
  /** A network named for what it exercises. */
  public record Case(String name, Network network) {
    @Override
    public String toString() {
      return name;
    }
  }

  private RecurrentNetworks() {}

  /** Every cell form in every direction, with both sequence outputs, and stacked variants. */
  public static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    long seed = 100;
    String[] forms = {"lstm", "gru", "gru_linear_before_reset", "rnn_tanh", "rnn_relu"};
    for (String form : forms) {
      for (Direction direction : Direction.values()) {
        for (SequenceOutput output : SequenceOutput.values()) {
          String name = form + "_" + direction.name().toLowerCase(Locale.ROOT) + "_"
              + output.name().toLowerCase(Locale.ROOT);
          cases.add(new Case(name, network(output, false,
              layer(form, direction, 5, 7, 0.3, seed++))));
        }
      }
    }
    cases.add(new Case("lstm_pruned90_initial_states_softmax", network(SequenceOutput.LAST_STEP,
        true, withStates(layer("lstm", Direction.FORWARD, 6, 16, 0.9, seed++), seed++))));
    cases.add(new Case("lstm_bidirectional_initial_hidden_only",
        network(SequenceOutput.FINAL_STATE, false,
            layer("lstm", Direction.BIDIRECTIONAL, 4, 5, 0.0, seed++)
                .withInitialState(RandomWeights.vector(10, seed++), null))));
    cases.add(new Case("lstm_initial_cell_only", network(SequenceOutput.LAST_STEP, false,
        layer("lstm", Direction.FORWARD, 4, 5, 0.0, seed++)
            .withInitialState(null, RandomWeights.vector(5, seed++)))));
    cases.add(new Case("stacked_lstm_gru_rnn_final_state", network(SequenceOutput.FINAL_STATE,
        true,
        withStates(layer("lstm", Direction.BIDIRECTIONAL, 6, 5, 0.5, seed++), seed++),
        layer("gru_linear_before_reset", Direction.BIDIRECTIONAL, 10, 4, 0.5, seed++),
        withStates(layer("rnn_relu", Direction.REVERSE, 8, 6, 0.2, seed++), seed++))));
    cases.add(new Case("stacked_gru_last_step_pruned90", network(SequenceOutput.LAST_STEP,
        false,
        layer("gru", Direction.FORWARD, 6, 24, 0.9, seed++),
        layer("gru", Direction.FORWARD, 24, 24, 0.9, seed++))));
    return cases;
  }

  /**
   * A layer of the given form ({@code lstm}, {@code gru}, {@code gru_linear_before_reset},
   * {@code rnn_tanh}, {@code rnn_relu}) with weights in [-0.5, 0.5), {@code sparsity} of them
   * zero, and non-zero biases.
   */
  public static RecurrentLayer layer(String form, Direction direction, int inputs, int hidden,
      double sparsity, long seed) {
    Cell cell = switch (form) {
      case "lstm" -> Cell.LSTM;
      case "gru", "gru_linear_before_reset" -> Cell.GRU;
      default -> Cell.RNN;
    };
    Activation activation = form.equals("rnn_relu") ? Activation.RELU : Activation.TANH;
    int rows = direction.count() * cell.gates() * hidden;
    return new RecurrentLayer(cell, direction, inputs, hidden, activation,
        form.equals("gru_linear_before_reset"),
        scaled(RandomWeights.dense(rows, inputs, sparsity, seed)),
        scaled(RandomWeights.dense(rows, hidden, sparsity, seed + 1)),
        scaled(RandomWeights.vector(rows, seed + 2)),
        scaled(RandomWeights.vector(rows, seed + 3)));
  }

  private static RecurrentLayer withStates(RecurrentLayer layer, long seed) {
    int n = layer.direction().count() * layer.hidden();
    return layer.withInitialState(RandomWeights.vector(n, seed),
        layer.cell() == Cell.LSTM ? RandomWeights.vector(n, seed + 1) : null);
  }

  private static float[] scaled(float[] v) {
    for (int i = 0; i < v.length; i++) {
      v[i] *= 0.5f;
    }
    return v;
  }

  /** The recurrent layers, then dense layers of 9 (ReLU) and 3 outputs. */
  public static Network network(SequenceOutput output, boolean softmax,
      RecurrentLayer... layers) {
    int width = layers[layers.length - 1].outputs();
    return Network.sequence(List.of(layers), output, List.of(
        new DenseLayer(width, 9, scaled(RandomWeights.dense(9, width, 0.3, width)),
            RandomWeights.vector(9, width + 1), Activation.RELU),
        new DenseLayer(9, 3, RandomWeights.dense(3, 9, 0.0, width + 2),
            RandomWeights.vector(3, width + 3), Activation.IDENTITY)), softmax);
  }

  /** {@code batch * steps * inputs} values in about [-2, 2]. */
  public static float[] input(Network network, int batch, int steps, long seed) {
    Random random = new Random(seed);
    float[] x = new float[batch * steps * network.inputs()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }

  /** Asserts that two networks hold the same layers, attributes and bits. */
  public static void assertSameNetwork(Network expected, Network actual) {
    assertEquals(expected.toString(), actual.toString());
    assertEquals(expected.sequenceOutput(), actual.sequenceOutput());
    assertEquals(expected.recurrentLayers().size(), actual.recurrentLayers().size());
    for (int i = 0; i < expected.recurrentLayers().size(); i++) {
      RecurrentLayer a = expected.recurrentLayers().get(i);
      RecurrentLayer b = actual.recurrentLayers().get(i);
      String at = "recurrent layer " + i;
      assertEquals(a.cell(), b.cell(), at);
      assertEquals(a.direction(), b.direction(), at);
      assertEquals(a.inputs(), b.inputs(), at);
      assertEquals(a.hidden(), b.hidden(), at);
      assertEquals(a.activation(), b.activation(), at);
      assertEquals(a.linearBeforeReset(), b.linearBeforeReset(), at);
      assertBits(a.inputWeights(), b.inputWeights(), at + " W");
      assertBits(a.recurrentWeights(), b.recurrentWeights(), at + " R");
      for (int d = 0; d < a.direction().count(); d++) {
        assertBits(a.inputBias(d), b.inputBias(d), at + " Wb " + d);
        assertBits(a.recurrentBias(d), b.recurrentBias(d), at + " Rb " + d);
        assertBits(a.initialHidden(d), b.initialHidden(d), at + " initial h " + d);
        assertBits(a.initialCell(d), b.initialCell(d), at + " initial c " + d);
      }
    }
    assertEquals(expected.layers().size(), actual.layers().size());
    assertEquals(expected.softmaxOutput(), actual.softmaxOutput());
    for (int i = 0; i < expected.layers().size(); i++) {
      DenseLayer x = expected.layers().get(i);
      DenseLayer y = actual.layers().get(i);
      assertEquals(x.inputs(), y.inputs());
      assertEquals(x.outputs(), y.outputs());
      assertBits(x.weights(), y.weights(), "layer " + i + " weights");
      assertArrayEquals(x.bias(), y.bias(), "layer " + i + " bias");
      assertEquals(x.activation(), y.activation());
    }
  }

  private static void assertBits(float[] a, float[] b, String what) {
    assertEquals(a.length, b.length, what + ": length");
    for (int k = 0; k < a.length; k++) {
      if (Float.floatToRawIntBits(a[k]) != Float.floatToRawIntBits(b[k])) {
        fail(what + " " + k + ": " + a[k] + " != " + b[k]);
      }
    }
  }
}
