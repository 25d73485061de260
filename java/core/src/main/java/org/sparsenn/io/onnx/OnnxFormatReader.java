package org.sparsenn.io.onnx;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparsenn.io.FileDigests;
import org.sparsenn.io.InMemoryReader;
import org.sparsenn.io.LoadedModel;
import org.sparsenn.io.ModelFormatException;
import org.sparsenn.io.ModelFormatReader;
import org.sparsenn.io.ReadOptions;

/**
 * {@link OnnxReader} as one of {@code ModelReader}'s formats ({@code .onnx}). An ONNX file
 * carries its own graph, so the activations in {@link ReadOptions} do not apply; the data cap
 * does. The metadata holds the producer, the opset, the graph's input and output names and the
 * model's {@code metadata_props}.
 */
public final class OnnxFormatReader implements ModelFormatReader, InMemoryReader {
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
    return loaded(model, file, FileDigests.sha256(file));
  }

  /**
   * Reads an ONNX model held in memory; it may not use external data.
   *
   * @throws ModelFormatException if the bytes are not a valid ONNX model, use something
   *     sparsenn does not support, or hold more tensor data than
   *     {@link ReadOptions#maxTensorBytes()}
   */
  @Override
  public LoadedModel read(byte[] model, ReadOptions options) {
    OnnxModel onnx = OnnxReader.load(model, null, options.maxTensorBytes());
    return loaded(onnx, Path.of("memory.onnx"), FileDigests.sha256(model));
  }

  private LoadedModel loaded(OnnxModel model, Path source, String sha256) {
    Map<String, String> metadata = new LinkedHashMap<>(model.metadata());
    metadata.put("producer", model.producer());
    metadata.put("opset", Long.toString(model.opsetVersion()));
    metadata.put("input", model.inputName());
    metadata.put("output", model.outputName());
    return new LoadedModel(model.network(), format(), source, sha256, List.of(), "graph order",
        model.conversions(), metadata);
  }
}
