package org.sparsenn.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import org.sparsenn.io.onnx.OnnxFormatReader;
import org.sparsenn.io.snn.SnnFormatReader;
import org.sparsenn.model.Network;

/**
 * Reads a model file with the reader registered for its extension, or a model held in memory
 * (a classpath resource, say) with the reader named by its format.
 *
 * <p>Formats are tried in the order of {@link #FORMATS}; a new format is one more entry there.
 * Each reader is created on first use, so a format's dependencies are needed only when a model
 * of that format is read: {@code .npz} needs nothing beyond the JDK, ONNX needs protobuf-java,
 * safetensors and {@code .snn} need Jackson (their headers are JSON).
 */
public final class ModelReader {
  /**
   * The registered formats, in the order they are tried. Names and extensions are repeated
   * here so that choosing a reader loads no reader class; a test checks they match.
   */
  private static final List<Format> FORMATS = List.of(
      new Format("onnx", List.of(".onnx"), "com.google.protobuf:protobuf-java",
          () -> new OnnxFormatReader()),
      new Format("npz", List.of(".npz"), "nothing beyond the JDK", () -> new NpzReader()),
      new Format("safetensors", List.of(".safetensors"),
          "com.fasterxml.jackson.core:jackson-databind", () -> new SafetensorsReader()),
      new Format("snn", List.of(".snn"), "com.fasterxml.jackson.core:jackson-databind",
          () -> new SnnFormatReader()));

  /** A format known by name and extensions; its reader is created when first needed. */
  private static final class Format {
    final String name;
    final List<String> extensions;
    /** The library its reader needs on the class path, for the message when it is missing. */
    final String needs;
    private final Supplier<ModelFormatReader> factory;
    private volatile ModelFormatReader reader;

    Format(String name, List<String> extensions, String needs,
        Supplier<ModelFormatReader> factory) {
      this.name = name;
      this.extensions = extensions;
      this.needs = needs;
      this.factory = factory;
    }

    boolean accepts(String lowerCaseName) {
      return extensions.stream().anyMatch(lowerCaseName::endsWith);
    }

    ModelFormatReader reader() {
      ModelFormatReader r = reader;
      if (r == null) {
        r = factory.get();
        reader = r;
      }
      return r;
    }

    /** Runs a read, saying which library is missing if the reader's classes cannot load. */
    LoadedModel read(Supplier<LoadedModel> read) {
      try {
        return read.get();
      } catch (NoClassDefFoundError e) {
        throw new IllegalStateException("reading " + name + " models needs " + needs
            + " on the class path (missing: " + e.getMessage() + ")", e);
      }
    }
  }

  private ModelReader() {}

  /**
   * Reads a network with the default options (ReLU between layers, none after the last).
   *
   * @throws ModelFormatException naming the file if it is malformed, truncated or unsupported
   * @throws IllegalArgumentException if no reader takes the file's extension
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalStateException if the library the format needs is not on the class path
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
   * @throws UncheckedIOException if the file does not exist, is not a regular file (a FIFO or
   *     device) or cannot be read
   * @throws IllegalStateException if the library the format needs is not on the class path
   */
  public static LoadedModel load(Path file, ReadOptions options) {
    String name = file.getFileName() == null ? ""
        : file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".npy")) {
      throw new IllegalArgumentException(file + ": a .npy file holds one array, not a model;"
          + " save the layers' weights and biases together with numpy.savez into a .npz");
    }
    for (Format format : FORMATS) {
      if (format.accepts(name)) {
        RegularFiles.require(file);
        return format.read(() -> format.reader().read(file, options));
      }
    }
    throw new IllegalArgumentException(file + ": unknown model format; sparsenn reads "
        + String.join(", ", extensions()));
  }

  /**
   * Reads a network held in memory with the default options.
   *
   * @param format a format name ({@code onnx}, {@code npz}, {@code safetensors}, {@code snn})
   *     or extension ({@code .onnx})
   * @throws ModelFormatException if the bytes are malformed, truncated or unsupported
   * @throws IllegalArgumentException if no reader has that format
   * @throws UncheckedIOException if a temporary copy cannot be written (formats other than ONNX)
   */
  public static Network read(byte[] model, String format) {
    return load(model, format, ReadOptions.defaults()).network();
  }

  /**
   * Reads a network from a stream (read to its end, not closed) with the default options, e.g.
   * {@code ModelReader.read(MyApp.class.getResourceAsStream("/mlp.onnx"), "onnx")}.
   *
   * @param format a format name or extension, as for {@link #read(byte[], String)}
   * @throws ModelFormatException if the stream does not hold a valid model this version reads
   * @throws IllegalArgumentException if no reader has that format
   * @throws UncheckedIOException if the stream cannot be read, or a temporary copy cannot be
   *     written (formats other than ONNX)
   */
  public static Network read(InputStream in, String format) {
    return load(in, format, ReadOptions.defaults()).network();
  }

  /**
   * Reads a network held in memory, and where it came from. ONNX models are parsed in memory;
   * the other formats are read from a temporary copy, deleted afterwards. The result's
   * {@link LoadedModel#source()} is {@code memory.<extension>}, not a file.
   *
   * @param format a format name or extension, as for {@link #read(byte[], String)}
   * @throws ModelFormatException if the bytes are malformed, truncated or unsupported
   * @throws IllegalArgumentException if no reader has that format
   * @throws UncheckedIOException if a temporary copy cannot be written
   * @throws IllegalStateException if the library the format needs is not on the class path
   */
  public static LoadedModel load(byte[] model, String format, ReadOptions options) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(options, "options");
    Format f = format(format);
    LoadedModel loaded = f.read(() -> f.reader() instanceof InMemoryReader memory
        ? memory.read(model, options) : readCopy(f.reader(), model, f.extensions.get(0), options));
    if (f.reader() instanceof InMemoryReader) {
      return loaded;
    }
    return new LoadedModel(loaded.network(), loaded.format(), inMemorySource(f.name),
        sha256(model), loaded.mapping(), loaded.ordering(), loaded.conversions(),
        loaded.metadata());
  }

  /**
   * Reads a network from a stream (read to its end, not closed), and where it came from.
   *
   * @param format a format name or extension, as for {@link #read(byte[], String)}
   * @throws ModelFormatException if the stream does not hold a valid model this version reads,
   *     or holds more than 2 GiB
   * @throws IllegalArgumentException if no reader has that format
   * @throws UncheckedIOException if the stream cannot be read or a temporary copy written
   */
  public static LoadedModel load(InputStream in, String format, ReadOptions options) {
    Objects.requireNonNull(in, "in");
    Format f = format(format);
    byte[] bytes;
    try {
      bytes = in.readNBytes(MAX_IN_MEMORY_BYTES + 1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model stream: " + e.getMessage(), e);
    }
    if (bytes.length > MAX_IN_MEMORY_BYTES) {
      throw new ModelFormatException("the model stream holds more than 2 GiB; read models that"
          + " large from a file");
    }
    return load(bytes, f.name, options);
  }

  /** Java arrays hold at most about 2 GiB. */
  private static final int MAX_IN_MEMORY_BYTES = Integer.MAX_VALUE - 8;

  private static LoadedModel readCopy(ModelFormatReader reader, byte[] model, String extension,
      ReadOptions options) {
    Path temp;
    try {
      temp = Files.createTempFile("sparsenn-", extension);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary copy of the model: "
          + e.getMessage(), e);
    }
    try {
      Files.write(temp, model);
      return reader.read(temp, options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a temporary copy of the model to " + temp
          + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        temp.toFile().deleteOnExit();
      }
    }
  }

  private static Format format(String nameOrExtension) {
    Objects.requireNonNull(nameOrExtension, "format");
    String key = nameOrExtension.toLowerCase(Locale.ROOT);
    for (Format f : FORMATS) {
      if (f.name.equals(key) || f.extensions.contains(key)) {
        return f;
      }
    }
    List<String> names = FORMATS.stream().map(f -> f.name).toList();
    throw new IllegalArgumentException("unknown model format '" + nameOrExtension
        + "'; sparsenn reads " + String.join(", ", names));
  }

  private static List<String> extensions() {
    List<String> known = new ArrayList<>();
    FORMATS.forEach(f -> known.addAll(f.extensions));
    return known;
  }

  /** The registered format names, in the order they are tried; loads no reader. */
  public static List<String> formats() {
    return FORMATS.stream().map(f -> f.name).toList();
  }

  /**
   * The registered readers, in the order they are tried. This creates every reader, so every
   * format's dependencies must be on the class path; {@link #formats()} needs none.
   */
  public static List<ModelFormatReader> readers() {
    return FORMATS.stream().map(Format::reader).toList();
  }

  /**
   * What {@link LoadedModel#source()} says for a model read from memory:
   * {@code memory.<extension>}, a name, not a file.
   *
   * @throws IllegalArgumentException if no reader has that format
   */
  public static Path inMemorySource(String format) {
    return Path.of("memory" + format(format).extensions.get(0));
  }

  /** The SHA-256 digest of bytes, lowercase hex. */
  public static String sha256(byte[] bytes) {
    return FileDigests.sha256(bytes);
  }

  /**
   * The SHA-256 digest of a file, lowercase hex, for provenance: {@link FileDigests#sha256}.
   *
   * @throws UncheckedIOException if the file cannot be read
   */
  public static String sha256(Path file) {
    return FileDigests.sha256(file);
  }
}
