package org.sparsenn.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads NumPy {@code .npy} arrays (format versions 1.0, 2.0 and 3.0) as float32: dtypes
 * {@code <f4} as is; {@code <f8} and {@code <f2} converted to float32 (a float64 value outside
 * the float32 range is an error, not an infinity); the big-endian forms {@code >f4} and
 * {@code >f8} byte-swapped. Fortran order, object arrays and every other dtype are rejected.
 * The header is checked against the file size before the data is allocated.
 */
public final class NpyReader {
  private static final int CHUNK_BYTES = 1 << 20;

  private NpyReader() {}

  /**
   * Reads a whole {@code .npy} file.
   *
   * @throws ModelFormatException naming the file if it is not a supported, complete array
   * @throws UncheckedIOException if the file does not exist, is not a regular file (a FIFO or
   *     device) or cannot be read
   */
  public static NpyArray read(Path file) {
    String where = file.toString();
    RegularFiles.require(file);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return read(in, Files.size(file), where);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + where + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads an array of exactly {@code available} bytes (header and data) from a stream; the
   * stream is left after the data.
   *
   * @param where the file (and entry) for messages
   * @throws ModelFormatException if it is not a supported array that fills exactly
   *     {@code available} bytes
   * @throws IOException if the stream fails
   */
  static NpyArray read(InputStream in, long available, String where) throws IOException {
    NpyHeader header = NpyHeader.read(in, available, where);
    float[] data = readData(in, header, where);
    int[] shape = new int[header.shape().length];
    for (int i = 0; i < shape.length; i++) {
      // every dimension fits: the element count was checked against the array limit
      shape[i] = (int) header.shape()[i];
    }
    return new NpyArray(shape, data, header.descr());
  }

  /** Reads the data the header announces (already checked against the source size). */
  static float[] readData(InputStream in, NpyHeader header, String where) throws IOException {
    float[] data = Limits.floats(header.count(), where);
    int elementBytes = header.type().bytes;
    int perChunk = CHUNK_BYTES / elementBytes;
    byte[] chunk = new byte[(int) Math.min(header.dataBytes(), (long) perChunk * elementBytes)];
    for (int done = 0; done < header.count(); ) {
      int n = Math.min(perChunk, header.count() - done);
      int bytes = n * elementBytes;
      if (in.readNBytes(chunk, 0, bytes) != bytes) {
        throw new ModelFormatException(where + ": truncated: data ends after "
            + ((long) done * elementBytes) + " of " + header.dataBytes() + " bytes");
      }
      header.type().decode(ByteBuffer.wrap(chunk, 0, bytes).order(header.order()), data, done,
          n, where);
      done += n;
    }
    return data;
  }
}
