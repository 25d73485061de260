package org.sparsenn.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.sparsenn.io.onnx.OnnxWriter;
import org.sparsenn.io.snn.SnnWriteOptions;
import org.sparsenn.io.snn.SnnWriter;
import org.sparsenn.model.Network;

/** Writes a network as {@code .snn} or {@code .onnx}, the file's extension choosing. */
final class ModelOutput {
  private ModelOutput() {}

  /**
   * Checks the output's extension, before any work is done.
   *
   * @throws IllegalArgumentException unless the name ends in {@code .snn} or {@code .onnx}
   */
  static void check(Path output) {
    String name = name(output);
    if (!name.endsWith(".snn") && !name.endsWith(".onnx")) {
      throw new IllegalArgumentException(output + ": the output must be a .snn or .onnx file");
    }
  }

  /**
   * Writes {@code network} (whole or not at all) with {@code provenance}: .snn metadata or
   * ONNX metadata_props.
   *
   * @return what was written, for the user
   */
  static String write(Network network, Path output, Map<String, String> provenance) {
    check(output);
    if (name(output).endsWith(".onnx")) {
      OnnxWriter.write(network, output, provenance);
      return String.format(Locale.ROOT, "wrote %s: %s as ONNX (opset %d)", output, network,
          OnnxWriter.OPSET);
    }
    SnnWriter.write(network, output, new SnnWriteOptions(SnnWriteOptions.StorageChoice.AUTO,
        provenance));
    return String.format(Locale.ROOT, "wrote %s: %s", output, network);
  }

  private static String name(Path output) {
    return output.getFileName() == null ? ""
        : output.getFileName().toString().toLowerCase(Locale.ROOT);
  }
}
