package org.sparsenn.cli;

import org.sparsenn.engine.Precision;
import picocli.CommandLine.Option;

/** {@code --precision}: the weight precision of the commands that run models. */
final class PrecisionMixin {
  @Option(names = "--precision", defaultValue = "fp32", paramLabel = "P",
      description = "Weight precision: fp32 (exact, the default) or bf16 (opt-in, lossy: lets"
          + " sparse layers store bf16 values, 4 bytes per nonzero instead of 6; outputs change"
          + " in about the third significant digit).")
  String precision;

  /**
   * The precision the flag names.
   *
   * @throws IllegalArgumentException naming an unknown precision
   */
  Precision precision() {
    return Precision.ofLabel(precision);
  }
}
