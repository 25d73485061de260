package org.sparsenn.io.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the layout of MNIST and Fashion-MNIST: two zero bytes, an element-type byte,
 * the number of dimensions, each dimension as a big-endian 32-bit count, then the elements in
 * row-major order. Only unsigned bytes (type {@code 0x08}, what those sets use) are supported.
 * A gzip-compressed file (recognised by its magic bytes, whatever its name) is inflated on the
 * fly.
 *
 * <p>The header is checked against the file before anything is allocated: a plain file must be
 * exactly as long as its header says; a gzip file cannot hold more than {@link #MAX_GZIP_RATIO}
 * times its own size (deflate's limit), and its data is read in chunks as it arrives, so a
 * truncated or lying file is a {@link DatasetFormatException}, never an {@link OutOfMemoryError}.
 */
public final class IdxReader {
  /** Element type of unsigned bytes. */
  public static final int UNSIGNED_BYTE = 0x08;
  /** Deflate never expands more than about 1032:1; anything beyond is a lie. */
  static final long MAX_GZIP_RATIO = 1032;
  private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private IdxReader() {}

  /**
   * An IDX array of unsigned bytes.
   *
   * @param dimensions the sizes, outermost first
   * @param data the elements, row-major, each to be read as {@code data[i] & 0xff}; kept
   */
  public record IdxArray(int[] dimensions, byte[] data) {
    /** The element at flat index {@code i}, in {@code [0, 255]}. */
    public int unsigned(int i) {
      return data[i] & 0xff;
    }

    /** Number of dimensions. */
    public int rank() {
      return dimensions.length;
    }

    /** The size of dimension {@code axis}. */
    public int dimension(int axis) {
      return dimensions[axis];
    }
  }

  /**
   * Reads a whole IDX file, plain or gzip-compressed.
   *
   * @throws DatasetFormatException naming the file if it is not a complete unsigned-byte IDX
   *     array
   * @throws UncheckedIOException if the file cannot be read
   */
  public static IdxArray read(Path file) {
    String where = file.toString();
    try {
      long fileSize = Files.size(file);
      boolean gzip = isGzip(file);
      try (InputStream raw = Files.newInputStream(file);
          InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16)
              : new BufferedInputStream(raw, 1 << 16)) {
        return read(in, gzip ? -1 : fileSize, gzip ? fileSize : -1, where);
      }
    } catch (ZipException e) {
      throw new DatasetFormatException(where + ": corrupt gzip data: " + e.getMessage(), e);
    } catch (java.io.EOFException e) {
      throw new DatasetFormatException(where + ": truncated gzip data", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + where + ": " + e.getMessage(), e);
    }
  }

  private static boolean isGzip(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] magic = in.readNBytes(2);
      return magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
    }
  }

  /**
   * Reads an IDX array from a stream.
   *
   * @param plainSize the exact byte count of an uncompressed source, or -1
   * @param gzipSize the compressed size of a gzip source (bounds what it can hold), or -1
   */
  static IdxArray read(InputStream in, long plainSize, long gzipSize, String where)
      throws IOException {
    byte[] magic = in.readNBytes(4);
    if (magic.length < 4) {
      throw new DatasetFormatException(where + ": truncated: an IDX file starts with 4 magic"
          + " bytes, this one has " + magic.length);
    }
    if (magic[0] != 0 || magic[1] != 0) {
      throw new DatasetFormatException(where + ": not an IDX file (it must start with two zero"
          + " bytes)");
    }
    int type = magic[2] & 0xff;
    int rank = magic[3] & 0xff;
    if (type != UNSIGNED_BYTE) {
      throw new DatasetFormatException(where + ": IDX element type 0x"
          + Integer.toHexString(type) + " is not supported (only unsigned bytes, 0x08)");
    }
    if (rank < 1 || rank > 4) {
      throw new DatasetFormatException(where + ": IDX rank " + rank
          + " is not supported (expected 1 to 4 dimensions)");
    }
    byte[] dimBytes = in.readNBytes(4 * rank);
    if (dimBytes.length < 4 * rank) {
      throw new DatasetFormatException(where + ": truncated: the header announces " + rank
          + " dimensions but ends after " + dimBytes.length / 4);
    }
    int[] dims = new int[rank];
    long count = 1;
    for (int d = 0; d < rank; d++) {
      int i = 4 * d;
      long dim = ((dimBytes[i] & 0xffL) << 24) | ((dimBytes[i + 1] & 0xff) << 16)
          | ((dimBytes[i + 2] & 0xff) << 8) | (dimBytes[i + 3] & 0xff);
      if (dim > Integer.MAX_VALUE) {
        throw new DatasetFormatException(where + ": dimension " + d + " is " + dim
            + ", larger than sparsenn can hold");
      }
      dims[d] = (int) dim;
      count = dim == 0 || count == 0 ? 0 : Math.min(count * dim, MAX_ELEMENTS + 1);
    }
    if (count > MAX_ELEMENTS) {
      throw new DatasetFormatException(where + ": shape " + Arrays.toString(dims)
          + " has more elements than one Java array holds");
    }
    long headerBytes = 4 + 4L * rank;
    if (plainSize >= 0 && headerBytes + count != plainSize) {
      throw new DatasetFormatException(where + ": " + (headerBytes + count > plainSize
          ? "truncated" : "trailing bytes") + ": shape " + Arrays.toString(dims) + " needs "
          + (headerBytes + count) + " bytes, the file has " + plainSize);
    }
    if (gzipSize >= 0 && headerBytes + count > gzipSize * MAX_GZIP_RATIO) {
      throw new DatasetFormatException(where + ": shape " + Arrays.toString(dims) + " needs "
          + (headerBytes + count) + " bytes, more than a " + gzipSize
          + "-byte gzip file can hold");
    }
    // readNBytes(n) allocates as data arrives, so a lying gzip file costs only what it holds.
    byte[] data = in.readNBytes((int) count);
    if (data.length < count) {
      throw new DatasetFormatException(where + ": truncated: shape " + Arrays.toString(dims)
          + " needs " + count + " data bytes, the file has " + data.length);
    }
    if (in.read() != -1) {
      throw new DatasetFormatException(where + ": trailing bytes after the " + count
          + " data bytes of shape " + Arrays.toString(dims));
    }
    return new IdxArray(dims, data);
  }
}
