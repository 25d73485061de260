package org.sparsenn.cli;

import org.sparsenn.io.ReadOptions;
import org.sparsenn.model.Activation;
import picocli.CommandLine.Option;

/** The options of every command that reads a model: activations for weights-only files. */
final class ReadOptionsMixin {
  @Option(names = "--activation", defaultValue = "relu",
      description = "Activation between layers for weights-only files (.npz, .safetensors):"
          + " identity, relu, leaky_relu[:ALPHA], sigmoid, tanh, gelu (default: ${DEFAULT-VALUE}).")
  String activation;

  @Option(names = "--output-activation", defaultValue = "identity",
      description = "Activation after the last layer for weights-only files"
          + " (default: ${DEFAULT-VALUE}).")
  String outputActivation;

  /**
   * The reader options these flags describe.
   *
   * @throws IllegalArgumentException naming an unknown activation
   */
  ReadOptions readOptions() {
    return ReadOptions.defaults()
        .withHiddenActivation(Activation.parse(activation))
        .withOutputActivation(Activation.parse(outputActivation));
  }
}
