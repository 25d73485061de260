package org.sparsenn.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes float32 arrays as NumPy {@code .npy} files: format 1.0, dtype {@code <f4}, C order,
 * the header padded so that the data starts on a 64-byte boundary (as NumPy does).
 */
public final class NpyWriter {
  private NpyWriter() {}

  /**
   * Writes an array, replacing the file if it exists.
   *
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void write(Path file, NpyArray array) {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      write(out, array);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes a {@code [rows, columns]} array, e.g. a batch of outputs.
   *
   * @throws IllegalArgumentException if {@code data.length != rows * columns}
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void write(Path file, int rows, int columns, float[] data) {
    write(file, NpyArray.matrix(rows, columns, data));
  }

  /**
   * Writes an array to a stream (not closed).
   *
   * @throws IOException if the stream fails
   */
  public static void write(OutputStream out, NpyArray array) throws IOException {
    out.write(header(array.shape()));
    float[] data = array.data();
    ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (int done = 0; done < data.length; ) {
      int n = Math.min(chunk.capacity() / 4, data.length - done);
      chunk.clear();
      chunk.asFloatBuffer().put(data, done, n);
      out.write(chunk.array(), 0, n * 4);
      done += n;
    }
  }

  /** Magic, version 1.0, length, and the dict padded with spaces and a newline to 64 bytes. */
  static byte[] header(int[] shape) {
    StringBuilder dims = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      dims.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    dims.append(shape.length == 1 ? ",)" : ")");
    StringBuilder dict = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': ")
        .append(dims).append(", }");
    int unpadded = NpyHeader.MAGIC.length + 2 + 2 + dict.length() + 1;
    int padding = (64 - unpadded % 64) % 64;
    dict.append(" ".repeat(padding)).append('\n');
    byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer header = ByteBuffer.allocate(10 + text.length).order(ByteOrder.LITTLE_ENDIAN);
    header.put(NpyHeader.MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length)
        .put(text);
    return header.array();
  }
}
