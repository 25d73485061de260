package org.sparsenn.io.snn;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparsenn.io.LoadedModel;
import org.sparsenn.io.ModelFormatException;
import org.sparsenn.io.ModelFormatReader;
import org.sparsenn.io.FileDigests;
import org.sparsenn.io.ReadOptions;

/**
 * Reads sparsenn's own {@code .snn} files through {@link SnnFile}, verifying every checksum.
 * The file carries its activations, so only {@link ReadOptions#maxTensorBytes()} applies. The
 * model's metadata lists the format version, the writing tool, each layer's storage and the
 * provenance recorded by the writer (keys prefixed {@code provenance.}).
 */
public final class SnnFormatReader implements ModelFormatReader {
  /** Creates the reader (stateless). */
  public SnnFormatReader() {}

  @Override
  public String format() {
    return "snn";
  }

  @Override
  public List<String> extensions() {
    return List.of(".snn");
  }

  /**
   * {@inheritDoc}
   *
   * @throws ModelFormatException naming the file and the damaged part if it is not a valid
   *     {@code .snn} file this version reads
   */
  @Override
  public LoadedModel read(Path file, ReadOptions options) {
    SnnFile snn = SnnFile.read(file, options, true);
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("snn version", snn.version());
    if (!snn.creator().isEmpty()) {
      metadata.put("creator", snn.creator());
    }
    for (int i = 0; i < snn.recurrentStorages().size(); i++) {
      SnnFile.RecurrentStorage storage = snn.recurrentStorages().get(i);
      metadata.put("recurrent layer " + i + " storage", "W " + storage.inputWeights().label()
          + ", R " + storage.recurrentWeights().label());
    }
    for (int i = 0; i < snn.layerCount(); i++) {
      LayerStorage storage = snn.storage(i);
      metadata.put("layer " + i + " storage", storage.label()
          + (storage.isCsr() ? " (" + snn.storedWeights(i) + " stored weights)" : ""));
    }
    snn.provenance().forEach((k, v) -> metadata.put("provenance." + k, v));
    return new LoadedModel(snn.network(), format(), file, FileDigests.sha256(file), List.of(),
        "as stored", List.of(), metadata);
  }
}
