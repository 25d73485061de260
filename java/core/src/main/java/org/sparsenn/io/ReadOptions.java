package org.sparsenn.io;

import java.util.Objects;
import org.sparsenn.model.Activation;

/**
 * What a model file does not say and the caller must: for weights-only formats (NumPy,
 * safetensors) the activations, and for every format a cap on the bytes of tensor data read.
 *
 * @param hiddenActivation the activation after every layer but the last (weights-only formats)
 * @param outputActivation the activation after the last layer (weights-only formats)
 * @param maxTensorBytes the most bytes of tensor data (as stored, before conversion) one file
 *     may make the reader decode; larger files are rejected before reading
 */
public record ReadOptions(Activation hiddenActivation, Activation outputActivation,
    long maxTensorBytes) {

  /**
   * @throws NullPointerException if an activation is null
   * @throws IllegalArgumentException if {@code maxTensorBytes} is not positive
   */
  public ReadOptions {
    Objects.requireNonNull(hiddenActivation, "hiddenActivation");
    Objects.requireNonNull(outputActivation, "outputActivation");
    if (maxTensorBytes < 1) {
      throw new IllegalArgumentException("maxTensorBytes must be positive, got "
          + maxTensorBytes);
    }
  }

  /** ReLU between layers, none after the last, and at most the JVM's maximum heap of data. */
  public static ReadOptions defaults() {
    return new ReadOptions(Activation.RELU, Activation.IDENTITY,
        Runtime.getRuntime().maxMemory());
  }

  /** The same options with another hidden activation. */
  public ReadOptions withHiddenActivation(Activation activation) {
    return new ReadOptions(activation, outputActivation, maxTensorBytes);
  }

  /** The same options with another output activation. */
  public ReadOptions withOutputActivation(Activation activation) {
    return new ReadOptions(hiddenActivation, activation, maxTensorBytes);
  }

  /**
   * The same options with another data cap.
   *
   * @throws IllegalArgumentException if {@code bytes} is not positive
   */
  public ReadOptions withMaxTensorBytes(long bytes) {
    return new ReadOptions(hiddenActivation, outputActivation, bytes);
  }
}
