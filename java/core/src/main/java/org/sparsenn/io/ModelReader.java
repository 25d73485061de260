package org.sparsenn.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.sparsenn.io.onnx.OnnxFormatReader;
import org.sparsenn.io.snn.SnnFormatReader;
import org.sparsenn.model.Network;

/**
 * Reads a model file with the reader registered for its extension.
 *
 * <p>Readers are tried in the order of {@link #READERS}; a new format is one more entry there.
 */
public final class ModelReader {
  /** The registered formats, in the order they are tried. */
  private static final List<ModelFormatReader> READERS = List.of(
      new OnnxFormatReader(),
      new NpzReader(),
      new SafetensorsReader(),
      new SnnFormatReader());

  private ModelReader() {}

  /**
   * Reads a network with the default options (ReLU between layers, none after the last).
   *
   * @throws ModelFormatException naming the file if it is malformed, truncated or unsupported
   * @throws IllegalArgumentException if no reader takes the file's extension
   * @throws UncheckedIOException if the file cannot be read
   */
  public static Network read(Path file) {
    return load(file, ReadOptions.defaults()).network();
  }

  /**
   * Reads a network and where it came from.
   *
   * @throws ModelFormatException naming the file if it is malformed, truncated or unsupported
   * @throws IllegalArgumentException if no reader takes the file's extension, or the file is a
   *     single {@code .npy} array
   * @throws UncheckedIOException if the file does not exist or cannot be read
   */
  public static LoadedModel load(Path file, ReadOptions options) {
    String name = file.getFileName() == null ? ""
        : file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".npy")) {
      throw new IllegalArgumentException(file + ": a .npy file holds one array, not a model;"
          + " save the layers' weights and biases together with numpy.savez into a .npz");
    }
    for (ModelFormatReader reader : READERS) {
      if (reader.accepts(file)) {
        if (!Files.isRegularFile(file)) {
          throw new UncheckedIOException(file + (Files.exists(file) ? ": not a regular file"
              : ": no such file"), new NoSuchFileException(file.toString()));
        }
        return reader.read(file, options);
      }
    }
    List<String> known = new ArrayList<>();
    READERS.forEach(r -> known.addAll(r.extensions()));
    throw new IllegalArgumentException(file + ": unknown model format; sparsenn reads "
        + String.join(", ", known));
  }

  /** The registered readers, in the order they are tried. */
  public static List<ModelFormatReader> readers() {
    return READERS;
  }

  /**
   * The SHA-256 digest of a file, lowercase hex, for provenance.
   *
   * @throws UncheckedIOException if the file cannot be read
   */
  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
