package org.sparsenn.kernel;

/** The element type of a sparse matrix's stored values, as the kernels read them. */
public enum ValueType {
  /** IEEE fp32: the model's weights as they are. */
  FP32(Float.BYTES),
  /**
   * bf16: the upper 16 bits of an fp32 (8 exponent bits, 7 mantissa bits), rounded to nearest
   * even when the matrix is built ({@link org.sparsenn.sparse.BFloat16}); the kernels widen it
   * exactly and compute in fp32. Half the bytes, about 3 significant decimal digits.
   */
  BF16(Short.BYTES);

  private final int bytes;

  ValueType(int bytes) {
    this.bytes = bytes;
  }

  /** Bytes per stored value. */
  public int bytes() {
    return bytes;
  }
}
