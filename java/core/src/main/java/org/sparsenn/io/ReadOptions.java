package org.sparsenn.io;

import java.util.Objects;
import org.sparsenn.model.Activation;

/**
 * What a model file does not say and the caller must: for weights-only formats (NumPy,
 * safetensors) the activations, for every format a cap on the bytes of tensor data read, and
 * for {@code .snn} files whether their weights may be memory-mapped.
 *
 * @param hiddenActivation the activation after every layer but the last (weights-only formats)
 * @param outputActivation the activation after the last layer (weights-only formats)
 * @param maxTensorBytes the most bytes of tensor data (as stored, before conversion) one file
 *     may make the reader decode; larger files are rejected before reading
 * @param memoryMapped whether an {@code .snn} file opened with
 *     {@link org.sparsenn.io.snn.MappedSnnFile} keeps its CSR values mapped from the file
 *     (zero-copy) instead of copying them into memory it owns. Off by default. A mapped file
 *     may be replaced by a rename at any time (the old file stays mapped), but it must never be
 *     overwritten in place or truncated while open: the process may then die of SIGBUS. Other
 *     formats and {@link org.sparsenn.io.snn.SnnFile#read} ignore it (they never keep the file)
 */
public record ReadOptions(Activation hiddenActivation, Activation outputActivation,
    long maxTensorBytes, boolean memoryMapped) {

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

  /**
   * Options that copy {@code .snn} weights into owned memory (not memory-mapped).
   *
   * @throws NullPointerException if an activation is null
   * @throws IllegalArgumentException if {@code maxTensorBytes} is not positive
   */
  public ReadOptions(Activation hiddenActivation, Activation outputActivation,
      long maxTensorBytes) {
    this(hiddenActivation, outputActivation, maxTensorBytes, false);
  }

  /**
   * ReLU between layers, none after the last, at most the JVM's maximum heap of data, and no
   * memory mapping.
   */
  public static ReadOptions defaults() {
    return new ReadOptions(Activation.RELU, Activation.IDENTITY,
        Runtime.getRuntime().maxMemory(), false);
  }

  /** The same options with another hidden activation. */
  public ReadOptions withHiddenActivation(Activation activation) {
    return new ReadOptions(activation, outputActivation, maxTensorBytes, memoryMapped);
  }

  /** The same options with another output activation. */
  public ReadOptions withOutputActivation(Activation activation) {
    return new ReadOptions(hiddenActivation, activation, maxTensorBytes, memoryMapped);
  }

  /**
   * The same options with another data cap.
   *
   * @throws IllegalArgumentException if {@code bytes} is not positive
   */
  public ReadOptions withMaxTensorBytes(long bytes) {
    return new ReadOptions(hiddenActivation, outputActivation, bytes, memoryMapped);
  }

  /**
   * The same options with memory mapping of {@code .snn} weights on or off (see the record's
   * {@code memoryMapped} for the contract the file must then keep).
   */
  public ReadOptions withMemoryMapped(boolean mapped) {
    return new ReadOptions(hiddenActivation, outputActivation, maxTensorBytes, mapped);
  }
}
