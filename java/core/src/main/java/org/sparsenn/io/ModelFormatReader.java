package org.sparsenn.io;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One model file format. {@link ModelReader} asks each registered reader in turn whether it
 * {@linkplain #accepts accepts} a file and reads it with the first that does.
 */
public interface ModelFormatReader {
  /** The format's short name, e.g. {@code safetensors}. */
  String format();

  /** The file extensions this reader takes, with the dot, e.g. {@code .safetensors}. */
  List<String> extensions();

  /** Whether this reader handles the file (by its name; the file is not opened). */
  default boolean accepts(Path file) {
    String name = file.getFileName() == null ? ""
        : file.getFileName().toString().toLowerCase(Locale.ROOT);
    return extensions().stream().anyMatch(name::endsWith);
  }

  /**
   * Reads a network.
   *
   * @throws ModelFormatException naming the file if it is malformed, truncated or unsupported
   * @throws java.io.UncheckedIOException if the file cannot be read
   */
  LoadedModel read(Path file, ReadOptions options);
}
