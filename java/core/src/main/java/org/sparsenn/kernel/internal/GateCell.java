package org.sparsenn.kernel.internal;

/**
 * Internal: the cells of the fused recurrent gate epilogue, {@link RawKernels#gates}; codes match
 * {@code SNN_CELL_*} in the native header. Gate rows are in ONNX order.
 */
public enum GateCell {
  /** Rows i, o, f, c: {@code c = f c + i g}, {@code h = o tanh(c)}. */
  LSTM(0),
  /**
   * GRU with {@code linear_before_reset}: rows z, r, h, the product's h rows holding
   * {@code R_h h + Rb_h}: {@code h = (1 - z) tanh(p_h + r q_h) + z h}.
   */
  GRU(1),
  /**
   * GRU without {@code linear_before_reset}, first half: {@code c = z} (scratch) and
   * {@code out = r h}, the input of the candidate product.
   */
  GRU_RESET(2),
  /**
   * Second half: the product is {@code R_h (r h)} ({@code hidden} rows) and z is read from
   * {@code c}: {@code h = (1 - z) tanh(p_h + q) + z h}.
   */
  GRU_CANDIDATE(3),
  /** One row block: {@code h = act(p + q)}. */
  RNN(4);

  private final int code;

  GateCell(int code) {
    this.code = code;
  }

  /** The native code of this cell. */
  public int code() {
    return code;
  }
}
