package org.sparsenn.io;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.sparsenn.model.Network;

/**
 * A network read from a file, with where it came from and what reading it involved.
 *
 * @param network the network
 * @param format the file format, e.g. {@code safetensors} or {@code npz}
 * @param source the file
 * @param sha256 the file's SHA-256 digest, lowercase hex
 * @param mapping for weights-only formats, how each tensor became part of a layer, in layer
 *     order; empty for formats that carry a graph
 * @param ordering how the layer order was decided (e.g. "numeric order of the names")
 * @param conversions what was converted while reading (e.g. "fc1.weight: F16 converted to float32")
 * @param metadata free-form metadata stored in the file (safetensors {@code __metadata__})
 */
public record LoadedModel(Network network, String format, Path source, String sha256,
    List<TensorMapping> mapping, String ordering, List<String> conversions,
    Map<String, String> metadata) {

  /**
   * @throws NullPointerException if any argument is null
   */
  public LoadedModel {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(ordering, "ordering");
    mapping = List.copyOf(mapping);
    conversions = List.copyOf(conversions);
    metadata = Map.copyOf(metadata);
  }
}
