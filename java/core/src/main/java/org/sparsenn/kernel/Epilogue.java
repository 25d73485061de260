package org.sparsenn.kernel;

import java.util.Objects;

/**
 * What a kernel applies to each output before it stores it: {@code y = f(A x + bias)}.
 *
 * @param function the activation
 * @param alpha the LeakyReLU negative slope; 0 for every other function
 */
public record Epilogue(ActivationFunction function, float alpha) {
  /** No activation. */
  public static final Epilogue IDENTITY = new Epilogue(ActivationFunction.IDENTITY, 0f);
  /** ReLU. */
  public static final Epilogue RELU = new Epilogue(ActivationFunction.RELU, 0f);
  /** Logistic sigmoid. */
  public static final Epilogue SIGMOID = new Epilogue(ActivationFunction.SIGMOID, 0f);
  /** Hyperbolic tangent. */
  public static final Epilogue TANH = new Epilogue(ActivationFunction.TANH, 0f);
  /** GELU, erf form. */
  public static final Epilogue GELU = new Epilogue(ActivationFunction.GELU, 0f);

  /**
   * @throws NullPointerException if {@code function} is null
   * @throws IllegalArgumentException if alpha is not finite, or non-zero for a function other
   *     than LeakyReLU
   */
  public Epilogue {
    Objects.requireNonNull(function, "function");
    if (!Float.isFinite(alpha)) {
      throw new IllegalArgumentException("epilogue alpha must be finite, got " + alpha);
    }
    if (function != ActivationFunction.LEAKY_RELU && alpha != 0f) {
      throw new IllegalArgumentException("alpha is only meaningful for LEAKY_RELU, got " + function);
    }
  }

  /** LeakyReLU with the given negative slope. */
  public static Epilogue leakyRelu(float alpha) {
    return new Epilogue(ActivationFunction.LEAKY_RELU, alpha);
  }

  /** Applies this epilogue's activation to one pre-activation value. */
  public float apply(float x) {
    return function.apply(x, alpha);
  }
}
