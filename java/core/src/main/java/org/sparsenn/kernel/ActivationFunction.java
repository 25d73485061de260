package org.sparsenn.kernel;

/**
 * An activation fused into a kernel's epilogue. Codes match {@code SNN_ACT_*} in the native
 * header, and {@link #apply} is the scalar reference semantics that every kernel follows,
 * including for NaN and infinities (NaN propagates).
 */
public enum ActivationFunction {
  IDENTITY(0),
  RELU(1),
  /** {@code x < 0 ? alpha * x : x}, with alpha the negative slope. */
  LEAKY_RELU(2),
  SIGMOID(3),
  TANH(4),
  /** The exact erf form: {@code 0.5 x (1 + erf(x / sqrt 2))}. */
  GELU(5);

  private final int code;

  ActivationFunction(int code) {
    this.code = code;
  }

  /** The native code of this activation. */
  public int code() {
    return code;
  }

  /** Applies the activation to one value; {@code alpha} is used by LeakyReLU only. */
  public float apply(float x, float alpha) {
    switch (this) {
      case IDENTITY:
        return x;
      case RELU:
        return x < 0f ? 0f : x;
      case LEAKY_RELU:
        return x < 0f ? alpha * x : x;
      case SIGMOID:
        return (float) (1.0 / (1.0 + Math.exp(-(double) x)));
      case TANH:
        return (float) Math.tanh(x);
      case GELU:
        return (float) (0.5 * x * (1.0 + Erf.erf(x / Math.sqrt(2.0))));
      default:
        throw new AssertionError(this);
    }
  }
}
