package org.sparsenn.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads a weights-only model from a NumPy {@code .npz} file ({@code numpy.savez} or
 * {@code savez_compressed}: a zip of {@code NAME.npy} arrays, stored or deflated), mapping the
 * names to layers with {@link LayerNameMapper}.
 *
 * <p>Zip bombs are checked before anything is inflated: each entry's declared size must match
 * what its {@code .npy} header announces, must be reachable from its compressed size (deflate
 * expands at most 1032 times), and all entries together must fit
 * {@link ReadOptions#maxTensorBytes()}, as declared and as float32 once converted. While
 * reading, the bytes are counted and their CRC-32 compared with the directory's: inflating stops
 * one byte past the declared size, so an entry that inflates to more or less than it declared,
 * or to other bytes, is rejected without being inflated further.
 */
public final class NpzReader implements ModelFormatReader {
  /** Deflate's largest possible expansion (258-byte matches coded in about 2 bits). */
  static final long MAX_DEFLATE_RATIO = 1032;
  private static final long ZIP_OVERHEAD = 1024;

  /** Creates the reader (stateless). */
  public NpzReader() {}

  @Override
  public String format() {
    return "npz";
  }

  @Override
  public List<String> extensions() {
    return List.of(".npz");
  }

  /**
   * {@inheritDoc}
   *
   * @throws ModelFormatException naming the file and entry if the zip or an array is malformed,
   *     truncated, a zip bomb, of an unsupported dtype, or the names do not map to layers
   * @throws UncheckedIOException if the file cannot be read
   */
  @Override
  public LoadedModel read(Path file, ReadOptions options) {
    String where = file.toString();
    long fileSize;
    try {
      fileSize = Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + where + ": " + e.getMessage(), e);
    }
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (IOException | RuntimeException e) {
      throw new ModelFormatException(where + ": not a readable .npz (zip) file: "
          + e.getMessage(), e);
    }
    try (zip) {
      List<ZipEntry> entries = entries(zip, where, fileSize, options);
      // Pass 1: headers only, so the whole file is checked before data is allocated.
      List<LayerNameMapper.TensorSpec> specs = new ArrayList<>();
      Map<String, NpyHeader> headers = new HashMap<>();
      long floatBytes = 0;
      for (ZipEntry entry : entries) {
        String tensor = tensorName(entry);
        String at = where + " entry '" + entry.getName() + "'";
        try (InputStream in = new Guarded(zip.getInputStream(entry))) {
          NpyHeader header = NpyHeader.read(in, entry.getSize(), at);
          // float16 doubles in size as float32: the cap is on what will be allocated
          floatBytes += 4L * header.count();
          if (floatBytes > options.maxTensorBytes()) {
            throw new ModelFormatException(at + ": the arrays need more than the "
                + options.maxTensorBytes() + " bytes allowed as float32"
                + " (ReadOptions.maxTensorBytes)");
          }
          headers.put(tensor, header);
          List<Long> shape = new ArrayList<>();
          for (long dim : header.shape()) {
            shape.add(dim);
          }
          specs.add(new LayerNameMapper.TensorSpec(tensor, shape, header.descr()));
        } catch (IOException e) {
          throw wrap(e, at);
        }
      }
      LayerNameMapper.Plan plan = LayerNameMapper.plan(specs, where);
      // Pass 2: the data, counted and CRC-checked.
      Map<String, float[]> data = new HashMap<>();
      List<String> conversions = new ArrayList<>();
      for (ZipEntry entry : entries) {
        String tensor = tensorName(entry);
        String at = where + " entry '" + entry.getName() + "'";
        NpyHeader header = headers.get(tensor);
        CRC32 crc = new CRC32();
        try (InputStream in = new CheckedInputStream(new Guarded(zip.getInputStream(entry)),
            crc)) {
          NpyHeader again = NpyHeader.read(in, entry.getSize(), at);
          if (again.count() != header.count() || again.type() != header.type()) {
            throw new ModelFormatException(at + ": header changed between reads");
          }
          data.put(tensor, NpyReader.readData(in, header, at));
          if (in.read() != -1) {
            throw new ModelFormatException(at + ": inflates to more bytes than the "
                + entry.getSize() + " it declares");
          }
        } catch (IOException e) {
          throw wrap(e, at);
        }
        if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
          throw new ModelFormatException(at + ": CRC-32 mismatch (corrupt entry)");
        }
        if (!header.descr().equals("<f4")) {
          conversions.add(tensor + ": " + header.descr() + " converted to float32");
        }
      }
      return new LoadedModel(LayerNameMapper.build(plan, data, options), format(), file,
          FileDigests.sha256(file), plan.mapping(), plan.ordering(), conversions, Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + where + ": " + e.getMessage(), e);
    }
  }

  /** The entries in directory order, with every size checked before anything is inflated. */
  private static List<ZipEntry> entries(ZipFile zip, String where, long fileSize,
      ReadOptions options) {
    List<ZipEntry> entries = new ArrayList<>();
    Set<String> names = new HashSet<>();
    long total = 0;
    Enumeration<? extends ZipEntry> all = zip.entries();
    while (true) {
      ZipEntry entry;
      try {
        if (!all.hasMoreElements()) {
          break;
        }
        entry = all.nextElement();
      } catch (RuntimeException e) {
        throw wrap(e, where);
      }
      String at = where + " entry '" + entry.getName() + "'";
      if (entry.isDirectory() || !entry.getName().endsWith(".npy")) {
        throw new ModelFormatException(at + ": not a .npy array; an .npz holds only"
            + " NAME.npy entries");
      }
      if (!names.add(tensorName(entry))) {
        throw new ModelFormatException(at + ": appears twice");
      }
      long size = entry.getSize();
      long compressed = entry.getCompressedSize();
      if (size < 0 || compressed < 0 || compressed > fileSize) {
        throw new ModelFormatException(at + ": invalid sizes in the zip directory"
            + " (compressed " + compressed + ", uncompressed " + size + ", file "
            + fileSize + ")");
      }
      if (entry.getMethod() == ZipEntry.STORED) {
        if (size != compressed) {
          throw new ModelFormatException(at + ": stored entry declares " + size
              + " bytes but occupies " + compressed);
        }
      } else if (entry.getMethod() == ZipEntry.DEFLATED) {
        if (size > compressed * MAX_DEFLATE_RATIO + ZIP_OVERHEAD) {
          throw new ModelFormatException(at + ": declares " + size + " bytes from "
              + compressed + " compressed, more than deflate can produce (zip bomb?)");
        }
      } else {
        throw new ModelFormatException(at + ": compression method " + entry.getMethod()
            + " is not supported (expected stored or deflated)");
      }
      total += size;
      if (total > options.maxTensorBytes()) {
        throw new ModelFormatException(where + ": entries declare more than the "
            + options.maxTensorBytes() + " bytes allowed (ReadOptions.maxTensorBytes)");
      }
      entries.add(entry);
    }
    return entries;
  }

  private static String tensorName(ZipEntry entry) {
    String name = entry.getName();
    return name.substring(0, name.length() - ".npy".length());
  }

  private static ModelFormatException wrap(Exception e, String at) {
    return new ModelFormatException(at + ": corrupt or truncated zip data ("
        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", e);
  }

  /** Turns the zip library's runtime exceptions on hostile data into I/O errors. */
  private static final class Guarded extends FilterInputStream {
    Guarded(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (RuntimeException e) {
        throw new IOException(e.toString(), e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (RuntimeException e) {
        throw new IOException(e.toString(), e);
      }
    }
  }
}
