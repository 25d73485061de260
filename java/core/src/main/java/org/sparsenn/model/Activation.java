package org.sparsenn.model;

import java.util.Locale;
import java.util.Objects;

/**
 * The activation that follows a fully connected layer.
 *
 * @param kind the function
 * @param alpha the LeakyReLU negative slope; 0 for every other kind
 */
public record Activation(Kind kind, float alpha) {
  /** Activation functions a layer may end with. */
  public enum Kind {
    IDENTITY,
    RELU,
    /** {@code x < 0 ? alpha * x : x}. */
    LEAKY_RELU,
    SIGMOID,
    TANH,
    /** The exact erf form, {@code 0.5 x (1 + erf(x / sqrt 2))}. */
    GELU
  }

  public static final Activation IDENTITY = new Activation(Kind.IDENTITY, 0f);
  public static final Activation RELU = new Activation(Kind.RELU, 0f);
  public static final Activation SIGMOID = new Activation(Kind.SIGMOID, 0f);
  public static final Activation TANH = new Activation(Kind.TANH, 0f);
  public static final Activation GELU = new Activation(Kind.GELU, 0f);

  /**
   * @throws NullPointerException if {@code kind} is null
   * @throws IllegalArgumentException if alpha is not finite, or non-zero for a kind other than
   *     LeakyReLU
   */
  public Activation {
    Objects.requireNonNull(kind, "kind");
    if (!Float.isFinite(alpha)) {
      throw new IllegalArgumentException("activation alpha must be finite, got " + alpha);
    }
    if (kind != Kind.LEAKY_RELU && alpha != 0f) {
      throw new IllegalArgumentException("alpha is only meaningful for LEAKY_RELU, got " + kind);
    }
  }

  /** LeakyReLU with the given negative slope. */
  public static Activation leakyRelu(float alpha) {
    return new Activation(Kind.LEAKY_RELU, alpha);
  }

  /**
   * Parses {@code identity}, {@code relu}, {@code sigmoid}, {@code tanh}, {@code gelu},
   * {@code leaky_relu} (slope 0.01) or {@code leaky_relu:ALPHA}, ignoring case.
   *
   * @throws IllegalArgumentException naming the text when it is none of these
   */
  public static Activation parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("leaky_relu")) {
      if (t.equals("leaky_relu")) {
        return leakyRelu(0.01f);
      }
      if (t.startsWith("leaky_relu:")) {
        try {
          return leakyRelu(Float.parseFloat(t.substring("leaky_relu:".length())));
        } catch (NumberFormatException e) {
          // reported below
        }
      }
    } else {
      for (Kind kind : Kind.values()) {
        if (kind != Kind.LEAKY_RELU && kind.name().toLowerCase(Locale.ROOT).equals(t)) {
          return new Activation(kind, 0f);
        }
      }
    }
    throw new IllegalArgumentException("unknown activation '" + text + "': expected identity,"
        + " relu, leaky_relu[:ALPHA], sigmoid, tanh or gelu");
  }

  @Override
  public String toString() {
    String name = kind.name().toLowerCase(Locale.ROOT);
    return kind == Kind.LEAKY_RELU ? name + ":" + alpha : name;
  }
}
