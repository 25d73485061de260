package org.sparsenn.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A recurrent layer (LSTM, GRU or plain RNN) as plain immutable data, in the layout and gate
 * order of the ONNX {@code LSTM}, {@code GRU} and {@code RNN} operators, so that a model read
 * from ONNX keeps its arrays as they are.
 *
 * <p>Per direction {@code d} (forward first, then backward for a bidirectional layer), with
 * {@code G = cell.gates()} gate blocks of {@code hidden} rows each:
 * <ul>
 *   <li>input weights {@code W[d]}: {@code [G * hidden][inputs]}, row-major;
 *   <li>recurrent weights {@code R[d]}: {@code [G * hidden][hidden]}, row-major;
 *   <li>input bias {@code Wb[d]} and recurrent bias {@code Rb[d]}: {@code [G * hidden]} each.
 * </ul>
 * Gate blocks are in ONNX order: LSTM {@code i, o, f, c}; GRU {@code z, r, h}; RNN one block.
 * The cell equations are the ONNX ones with the default activations (sigmoid for the gates,
 * tanh for candidates and the LSTM output; tanh or ReLU for a plain RNN):
 * <pre>
 *   LSTM: i = σ(W_i x + R_i h + b_i), o = σ(..o), f = σ(..f), c~ = tanh(..c)
 *         c' = f * c + i * c~,  h' = o * tanh(c')
 *   GRU:  z = σ(W_z x + R_z h + b_z), r = σ(W_r x + R_r h + b_r)
 *         h~ = tanh(W_h x + R_h (r * h) + Rb_h + Wb_h)        (linearBeforeReset false)
 *         h~ = tanh(W_h x + r * (R_h h + Rb_h) + Wb_h)        (linearBeforeReset true, PyTorch's)
 *         h' = (1 - z) * h~ + z * h
 *   RNN:  h' = f(W x + R h + Wb + Rb)
 * </pre>
 * where {@code b = Wb + Rb}. The output of step {@code t} is the forward hidden state after
 * step {@code t} followed, for a bidirectional layer, by the backward one (which runs from the
 * last step to the first), {@link #outputs()} values in all.
 *
 * <p>Each direction starts from an initial hidden state (and, for an LSTM, cell state) that is
 * the same for every sequence of a batch: zeros unless given.
 */
public final class RecurrentLayer {
  /** The kind of cell, with the number of gate blocks its weights hold. */
  public enum Cell {
    LSTM(4),
    GRU(3),
    RNN(1);

    private final int gates;

    Cell(int gates) {
      this.gates = gates;
    }

    /** Gate blocks of {@code hidden} rows in W, R and the biases. */
    public int gates() {
      return gates;
    }
  }

  /** Which way the sequence is read; a bidirectional layer reads it both ways. */
  public enum Direction {
    FORWARD(1),
    REVERSE(1),
    BIDIRECTIONAL(2);

    private final int count;

    Direction(int count) {
      this.count = count;
    }

    /** Directions the layer holds weights for. */
    public int count() {
      return count;
    }
  }

  private final Cell cell;
  private final Direction direction;
  private final int inputs;
  private final int hidden;
  private final Activation activation;
  private final boolean linearBeforeReset;
  private final float[] inputWeights;
  private final float[] recurrentWeights;
  private final float[] inputBias;
  private final float[] recurrentBias;
  private final float[] initialHidden;
  private final float[] initialCell;

  /**
   * Copies the arrays; states start at zero.
   *
   * @param activation the plain RNN's function, {@link Activation#TANH} or {@link Activation#RELU};
   *     must be {@link Activation#TANH} for LSTM and GRU (their fixed candidate function)
   * @param linearBeforeReset GRU only (false for the others): whether the reset gate applies
   *     after the recurrent product, as PyTorch's GRU does
   * @param inputWeights {@code dirs * G * hidden * inputs} weights (see the class comment)
   * @param recurrentWeights {@code dirs * G * hidden * hidden} weights
   * @param inputBias {@code dirs * G * hidden} biases, or null for zeros
   * @param recurrentBias {@code dirs * G * hidden} biases, or null for zeros
   * @throws IllegalArgumentException if a size is not positive, an array's length disagrees
   *     with the sizes, or the activation or reset flag does not fit the cell
   * @throws NullPointerException if a required argument is null
   */
  public RecurrentLayer(Cell cell, Direction direction, int inputs, int hidden,
      Activation activation, boolean linearBeforeReset, float[] inputWeights,
      float[] recurrentWeights, float[] inputBias, float[] recurrentBias) {
    this(cell, direction, inputs, hidden, activation, linearBeforeReset, inputWeights,
        recurrentWeights, inputBias, recurrentBias, null, null);
  }

  private RecurrentLayer(Cell cell, Direction direction, int inputs, int hidden,
      Activation activation, boolean linearBeforeReset, float[] inputWeights,
      float[] recurrentWeights, float[] inputBias, float[] recurrentBias, float[] initialHidden,
      float[] initialCell) {
    Objects.requireNonNull(cell, "cell");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(activation, "activation");
    Objects.requireNonNull(inputWeights, "inputWeights");
    Objects.requireNonNull(recurrentWeights, "recurrentWeights");
    if (inputs < 1 || hidden < 1) {
      throw new IllegalArgumentException("recurrent layer sizes must be positive, got " + inputs
          + " inputs and hidden size " + hidden);
    }
    if (cell == Cell.RNN) {
      if (!activation.equals(Activation.TANH) && !activation.equals(Activation.RELU)) {
        throw new IllegalArgumentException("a plain RNN runs tanh or relu, got " + activation);
      }
    } else if (!activation.equals(Activation.TANH)) {
      throw new IllegalArgumentException("an " + cell + " runs its fixed sigmoid and tanh;"
          + " activation must be tanh, got " + activation);
    }
    if (linearBeforeReset && cell != Cell.GRU) {
      throw new IllegalArgumentException("linearBeforeReset applies to GRU only, not " + cell);
    }
    int dirs = direction.count();
    long gateRows = (long) cell.gates() * hidden;
    requireLength("input weights", inputWeights.length, dirs * gateRows * inputs);
    requireLength("recurrent weights", recurrentWeights.length, dirs * gateRows * hidden);
    if (inputBias != null) {
      requireLength("input bias", inputBias.length, dirs * gateRows);
    }
    if (recurrentBias != null) {
      requireLength("recurrent bias", recurrentBias.length, dirs * gateRows);
    }
    if (initialHidden != null) {
      requireLength("initial hidden state", initialHidden.length, (long) dirs * hidden);
    }
    if (initialCell != null) {
      if (cell != Cell.LSTM) {
        throw new IllegalArgumentException("only an LSTM has a cell state, not " + cell);
      }
      requireLength("initial cell state", initialCell.length, (long) dirs * hidden);
    }
    this.cell = cell;
    this.direction = direction;
    this.inputs = inputs;
    this.hidden = hidden;
    this.activation = activation;
    this.linearBeforeReset = linearBeforeReset;
    this.inputWeights = inputWeights.clone();
    this.recurrentWeights = recurrentWeights.clone();
    this.inputBias = inputBias == null ? new float[(int) (dirs * gateRows)] : inputBias.clone();
    this.recurrentBias = recurrentBias == null
        ? new float[(int) (dirs * gateRows)] : recurrentBias.clone();
    this.initialHidden = initialHidden == null ? new float[dirs * hidden] : initialHidden.clone();
    this.initialCell = initialCell == null ? new float[dirs * hidden] : initialCell.clone();
  }

  private static void requireLength(String what, long actual, long expected) {
    if (actual != expected) {
      throw new IllegalArgumentException(what + " has " + actual + " values, expected "
          + expected);
    }
  }

  /**
   * The same layer starting from the given states instead of zeros, the same for every
   * sequence of a batch.
   *
   * @param hiddenState {@code dirs * hidden} values (direction-major), or null for zeros
   * @param cellState LSTM only: {@code dirs * hidden} values, or null for zeros
   * @throws IllegalArgumentException if a length is wrong, or a cell state is given to a GRU or
   *     RNN
   */
  public RecurrentLayer withInitialState(float[] hiddenState, float[] cellState) {
    return new RecurrentLayer(cell, direction, inputs, hidden, activation, linearBeforeReset,
        inputWeights, recurrentWeights, inputBias, recurrentBias, hiddenState, cellState);
  }

  /**
   * The same layer with other weights of the same shapes (e.g. pruned).
   *
   * @throws IllegalArgumentException if a length differs from this layer's
   */
  public RecurrentLayer withWeights(float[] newInputWeights, float[] newRecurrentWeights) {
    return new RecurrentLayer(cell, direction, inputs, hidden, activation, linearBeforeReset,
        newInputWeights, newRecurrentWeights, inputBias, recurrentBias, initialHidden,
        initialCell);
  }

  /** The kind of cell. */
  public Cell cell() {
    return cell;
  }

  /** Which way the sequence is read. */
  public Direction direction() {
    return direction;
  }

  /** Features of one step of the input sequence. */
  public int inputs() {
    return inputs;
  }

  /** Hidden size of one direction. */
  public int hidden() {
    return hidden;
  }

  /** Values of one step of the output sequence: {@code directions * hidden}. */
  public int outputs() {
    return direction.count() * hidden;
  }

  /** Rows of W and R per direction: {@code gates * hidden}. */
  public int gateRows() {
    return cell.gates() * hidden;
  }

  /** The plain RNN's function; tanh for LSTM and GRU. */
  public Activation activation() {
    return activation;
  }

  /** GRU: whether the reset gate applies after the recurrent product (PyTorch's form). */
  public boolean linearBeforeReset() {
    return linearBeforeReset;
  }

  /** A copy of direction {@code d}'s input weights, {@code [gateRows][inputs]} row-major. */
  public float[] inputWeights(int d) {
    return slice(inputWeights, d, (long) gateRows() * inputs);
  }

  /** A copy of direction {@code d}'s recurrent weights, {@code [gateRows][hidden]} row-major. */
  public float[] recurrentWeights(int d) {
    return slice(recurrentWeights, d, (long) gateRows() * hidden);
  }

  /** A copy of direction {@code d}'s input bias, {@code gateRows} values. */
  public float[] inputBias(int d) {
    return slice(inputBias, d, gateRows());
  }

  /** A copy of direction {@code d}'s recurrent bias, {@code gateRows} values. */
  public float[] recurrentBias(int d) {
    return slice(recurrentBias, d, gateRows());
  }

  /** A copy of direction {@code d}'s initial hidden state, {@code hidden} values. */
  public float[] initialHidden(int d) {
    return slice(initialHidden, d, hidden);
  }

  /** A copy of direction {@code d}'s initial cell state (zeros for GRU and RNN). */
  public float[] initialCell(int d) {
    return slice(initialCell, d, hidden);
  }

  /** A copy of all input weights, every direction, as the constructor takes them. */
  public float[] inputWeights() {
    return inputWeights.clone();
  }

  /** A copy of all recurrent weights, every direction, as the constructor takes them. */
  public float[] recurrentWeights() {
    return recurrentWeights.clone();
  }

  private float[] slice(float[] all, int d, long length) {
    Objects.checkIndex(d, direction.count());
    return Arrays.copyOfRange(all, (int) (d * length), (int) ((d + 1) * length));
  }

  /** Weights and biases (not the initial states). */
  public long parameterCount() {
    return inputWeights.length + (long) recurrentWeights.length + inputBias.length
        + recurrentBias.length;
  }

  /** Weights of W and R that are not exactly zero. */
  public long nonzeroWeights() {
    long count = 0;
    for (float w : inputWeights) {
      count += w != 0f ? 1 : 0;
    }
    for (float w : recurrentWeights) {
      count += w != 0f ? 1 : 0;
    }
    return count;
  }

  @Override
  public String toString() {
    String kind = cell == Cell.RNN ? "RNN(" + activation + ")"
        : cell == Cell.GRU && linearBeforeReset ? "GRU(linear before reset)" : cell.name();
    return "RecurrentLayer[" + kind + ", " + direction.name().toLowerCase(java.util.Locale.ROOT)
        + ", " + inputs + " -> " + hidden + "]";
  }
}
