package org.sparsenn.io.onnx;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparsenn.io.LoadedModel;
import org.sparsenn.io.ModelFormatException;
import org.sparsenn.io.ModelFormatReader;
import org.sparsenn.io.ModelReader;
import org.sparsenn.io.ReadOptions;

/**
 * {@link OnnxReader} as one of {@link ModelReader}'s formats ({@code .onnx}). An ONNX file
 * carries its own graph, so the activations in {@link ReadOptions} do not apply; the data cap
 * does. The metadata holds the producer, the opset, the graph's input and output names and the
 * model's {@code metadata_props}.
 */
public final class OnnxFormatReader implements ModelFormatReader {
  @Override
  public String format() {
    return "onnx";
  }

  @Override
  public List<String> extensions() {
    return List.of(".onnx");
  }

  /**
   * Reads an ONNX file.
   *
   * @throws ModelFormatException naming the file if it is malformed, truncated, unsupported,
   *     or holds more tensor data than {@link ReadOptions#maxTensorBytes()}
   * @throws java.io.UncheckedIOException if the file or its external data cannot be read
   */
  @Override
  public LoadedModel read(Path file, ReadOptions options) {
    OnnxModel model = OnnxReader.load(file, options.maxTensorBytes());
    Map<String, String> metadata = new LinkedHashMap<>(model.metadata());
    metadata.put("producer", model.producer());
    metadata.put("opset", Long.toString(model.opsetVersion()));
    metadata.put("input", model.inputName());
    metadata.put("output", model.outputName());
    return new LoadedModel(model.network(), format(), file, ModelReader.sha256(file), List.of(),
        "graph order", model.conversions(), metadata);
  }
}
