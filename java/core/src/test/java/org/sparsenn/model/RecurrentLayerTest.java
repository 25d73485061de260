package org.sparsenn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparsenn.model.RecurrentLayer.Cell;
import org.sparsenn.model.RecurrentLayer.Direction;

class RecurrentLayerTest {
  static RecurrentLayer layer(Cell cell, Direction direction, int inputs, int hidden) {
    int rows = direction.count() * cell.gates() * hidden;
    return new RecurrentLayer(cell, direction, inputs, hidden, Activation.TANH, false,
        new float[rows * inputs], new float[rows * hidden], null, null);
  }

  private static DenseLayer dense(int in, int out) {
    return new DenseLayer(in, out, new float[in * out], null, Activation.IDENTITY);
  }

  @Test
  void shapesFollowTheCellAndDirection() {
    RecurrentLayer lstm = layer(Cell.LSTM, Direction.BIDIRECTIONAL, 5, 3);
    assertEquals(12, lstm.gateRows());
    assertEquals(6, lstm.outputs());
    assertEquals(12 * 5, lstm.inputWeights(1).length);
    assertEquals(12 * 3, lstm.recurrentWeights(0).length);
    assertEquals(2 * (12 * 5 + 12 * 3 + 2 * 12), lstm.parameterCount());
    assertEquals("RecurrentLayer[LSTM, bidirectional, 5 -> 3]", lstm.toString());
  }

  @Test
  void wrongArrayLengthsAreRejectedNamingTheArray() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new RecurrentLayer(Cell.GRU, Direction.FORWARD, 2, 2, Activation.TANH, true,
            new float[12], new float[11], null, null));
    assertTrue(e.getMessage().contains("recurrent weights has 11 values, expected 12"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new RecurrentLayer(Cell.GRU, Direction.FORWARD, 2, 2, Activation.TANH, true,
            new float[12], new float[12], new float[5], null));
    assertThrows(IllegalArgumentException.class,
        () -> layer(Cell.RNN, Direction.FORWARD, 0, 2));
  }

  @Test
  void activationAndResetFlagMustFitTheCell() {
    assertThrows(IllegalArgumentException.class,
        () -> new RecurrentLayer(Cell.RNN, Direction.FORWARD, 1, 1, Activation.SIGMOID, false,
            new float[1], new float[1], null, null));
    assertThrows(IllegalArgumentException.class,
        () -> new RecurrentLayer(Cell.LSTM, Direction.FORWARD, 1, 1, Activation.RELU, false,
            new float[4], new float[4], null, null));
    assertThrows(IllegalArgumentException.class,
        () -> new RecurrentLayer(Cell.LSTM, Direction.FORWARD, 1, 1, Activation.TANH, true,
            new float[4], new float[4], null, null));
    assertThrows(IllegalArgumentException.class,
        () -> layer(Cell.GRU, Direction.FORWARD, 1, 1).withInitialState(null, new float[1]));
  }

  @Test
  void initialStatesDefaultToZerosAndCanBeGiven() {
    RecurrentLayer lstm = layer(Cell.LSTM, Direction.BIDIRECTIONAL, 1, 2);
    assertArrayEquals(new float[2], lstm.initialHidden(1));
    RecurrentLayer started = lstm.withInitialState(new float[] {1, 2, 3, 4},
        new float[] {5, 6, 7, 8});
    assertArrayEquals(new float[] {3, 4}, started.initialHidden(1));
    assertArrayEquals(new float[] {5, 6}, started.initialCell(0));
  }

  @Test
  void sequenceNetworkChainsFrontEndAndDenseLayers() {
    Network net = Network.sequence(List.of(layer(Cell.LSTM, Direction.BIDIRECTIONAL, 5, 3),
        layer(Cell.GRU, Direction.FORWARD, 6, 4)), SequenceOutput.LAST_STEP,
        List.of(dense(4, 2)), false);
    assertTrue(net.isRecurrent());
    assertEquals(5, net.inputs());
    assertEquals(2, net.outputs());
    assertEquals("Network[5-LSTM6-GRU4-last_step-2]", net.toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> net.requireFeedForward("pruning"));
    assertTrue(e.getMessage().startsWith("pruning supports feed-forward networks only"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> net.withInputSelection(9, new int[5]));
    assertTrue(net.withLayers(List.of(dense(4, 2))).isRecurrent());
    assertFalse(new Network(List.of(dense(4, 2)), false).isRecurrent());
  }

  @Test
  void frontEndThatDoesNotChainIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> Network.sequence(
        List.of(layer(Cell.LSTM, Direction.BIDIRECTIONAL, 5, 3),
            layer(Cell.GRU, Direction.FORWARD, 3, 4)), SequenceOutput.LAST_STEP,
        List.of(dense(4, 2)), false));
    assertThrows(IllegalArgumentException.class, () -> Network.sequence(
        List.of(layer(Cell.RNN, Direction.FORWARD, 5, 3)), SequenceOutput.LAST_STEP,
        List.of(dense(4, 2)), false));
    assertThrows(IllegalArgumentException.class, () -> Network.sequence(List.of(),
        SequenceOutput.LAST_STEP, List.of(dense(4, 2)), false));
  }

  /** The oracle itself against the equations worked by hand for one hidden unit. */
  @Test
  void referenceMatchesHandWorkedCells() {
    double x1 = 0.5;
    double x2 = -1.0;
    // RNN tanh: h1 = tanh(w x1 + b), h2 = tanh(w x2 + r h1 + b)
    RecurrentLayer rnn = new RecurrentLayer(Cell.RNN, Direction.FORWARD, 1, 1, Activation.TANH,
        false, new float[] {0.8f}, new float[] {-0.6f}, new float[] {0.1f}, new float[] {0.2f});
    double h1 = Math.tanh(0.8 * x1 + 0.3);
    double h2 = Math.tanh(0.8 * x2 - 0.6 * h1 + 0.3);
    assertEquals(h2, lastHidden(rnn, x1, x2), 1e-6);
    // LSTM gates i, o, f, c with weights 0.1..0.4 and recurrent 0.5..0.8, no bias
    RecurrentLayer lstm = new RecurrentLayer(Cell.LSTM, Direction.FORWARD, 1, 1,
        Activation.TANH, false, new float[] {0.1f, 0.2f, 0.3f, 0.4f},
        new float[] {0.5f, 0.6f, 0.7f, 0.8f}, null, null);
    double h = 0;
    double c = 0;
    for (double x : new double[] {x1, x2}) {
      double i = sig(0.1 * x + 0.5 * h);
      double o = sig(0.2 * x + 0.6 * h);
      double f = sig(0.3 * x + 0.7 * h);
      double g = Math.tanh(0.4 * x + 0.8 * h);
      c = f * c + i * g;
      h = o * Math.tanh(c);
    }
    assertEquals(h, lastHidden(lstm, x1, x2), 1e-6);
    // GRU z, r, h; the two reset forms differ once h is not zero
    float[] w = {0.3f, -0.2f, 0.9f};
    float[] r = {0.4f, 0.7f, -0.5f};
    float[] rb = {0f, 0f, 0.25f};
    for (boolean linearBeforeReset : new boolean[] {false, true}) {
      RecurrentLayer gru = new RecurrentLayer(Cell.GRU, Direction.FORWARD, 1, 1,
          Activation.TANH, linearBeforeReset, w, r, null, rb);
      h = 0;
      for (double x : new double[] {x1, x2}) {
        double z = sig(0.3 * x + 0.4 * h);
        double reset = sig(-0.2 * x + 0.7 * h);
        double candidate = linearBeforeReset ? Math.tanh(0.9 * x + reset * (-0.5 * h + 0.25))
            : Math.tanh(0.9 * x + -0.5 * (reset * h) + 0.25);
        h = (1 - z) * candidate + z * h;
      }
      assertEquals(h, lastHidden(gru, x1, x2), 1e-6);
    }
  }

  @Test
  void bidirectionalLastStepAndFinalStateDiffer() {
    RecurrentLayer rnn = new RecurrentLayer(Cell.RNN, Direction.BIDIRECTIONAL, 1, 1,
        Activation.TANH, false, new float[] {1f, 0.5f}, new float[] {0.5f, 0.5f}, null, null);
    double[][] seq = {{1}, {2}};
    double forward = Math.tanh(2 + 0.5 * Math.tanh(1));
    double backwardAtLast = Math.tanh(0.5 * 2);
    double backwardFinal = Math.tanh(0.5 * 1 + 0.5 * backwardAtLast);
    double[] last = ReferenceSequenceForward.frontEnd(Network.sequence(List.of(rnn),
        SequenceOutput.LAST_STEP, List.of(dense(2, 1)), false), seq);
    double[] fin = ReferenceSequenceForward.frontEnd(Network.sequence(List.of(rnn),
        SequenceOutput.FINAL_STATE, List.of(dense(2, 1)), false), seq);
    assertArrayEquals(new double[] {forward, backwardAtLast}, last, 1e-12);
    assertArrayEquals(new double[] {forward, backwardFinal}, fin, 1e-12);
  }

  private static double lastHidden(RecurrentLayer layer, double... xs) {
    double[][] seq = new double[xs.length][];
    for (int t = 0; t < xs.length; t++) {
      seq[t] = new double[] {xs[t]};
    }
    Network net = Network.sequence(List.of(layer), SequenceOutput.LAST_STEP,
        List.of(dense(1, 1)), false);
    return ReferenceSequenceForward.frontEnd(net, seq)[0];
  }

  private static double sig(double x) {
    return 1 / (1 + Math.exp(-x));
  }
}
