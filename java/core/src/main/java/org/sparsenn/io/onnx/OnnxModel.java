package org.sparsenn.io.onnx;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.sparsenn.model.Network;

/**
 * What {@link OnnxReader} read from an ONNX file: the network and what {@code inspect} needs
 * to say about where it came from.
 *
 * @param network the network, exactly as the graph computes it
 * @param opsetVersion the imported {@code ai.onnx} operator set version
 * @param producer the exporter's name and version as the file states them (may be empty)
 * @param inputName the graph input the network reads
 * @param outputName the graph output the network computes
 * @param conversions one line per initializer that was not float32 and was converted (e.g.
 *     {@code "fc1.weight: float16 converted to float32"}); empty when none was
 * @param metadata the model's {@code metadata_props} (a later entry wins over an earlier one
 *     with the same key)
 */
public record OnnxModel(Network network, long opsetVersion, String producer, String inputName,
    String outputName, List<String> conversions, Map<String, String> metadata) {

  /**
   * @throws NullPointerException if any argument is null
   */
  public OnnxModel {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(producer, "producer");
    Objects.requireNonNull(inputName, "inputName");
    Objects.requireNonNull(outputName, "outputName");
    conversions = List.copyOf(conversions);
    metadata = Map.copyOf(metadata);
  }
}
