package org.sparsenn.io.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/** Writes small synthetic IDX files and MNIST-style folders for tests. */
public final class IdxTestFiles {
  private IdxTestFiles() {}

  /** The bytes of an unsigned-byte IDX array: header, then {@code data}. */
  public static byte[] idx(int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.put((byte) 0).put((byte) 0).put((byte) IdxReader.UNSIGNED_BYTE).put((byte) dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    return b.put(data).array();
  }

  /** {@code bytes} gzip-compressed. */
  public static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Writes the four MNIST files into {@code dir}: {@code trainCount} and {@code testCount}
   * images of {@code side x side} pixels in {@code classes} classes, each class a different
   * bright pixel band (so a small network separates them), gzipped if {@code gz}.
   */
  public static void writeFolder(Path dir, int trainCount, int testCount, int side,
      int classes, boolean gz, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    writePart(dir, "train", trainCount, side, classes, gz, random);
    writePart(dir, "t10k", testCount, side, classes, gz, random);
  }

  private static void writePart(Path dir, String prefix, int count, int side, int classes,
      boolean gz, SplittableRandom random) throws IOException {
    byte[] pixels = new byte[count * side * side];
    byte[] labels = new byte[count];
    for (int i = 0; i < count; i++) {
      int label = i % classes;
      labels[i] = (byte) label;
      for (int p = 0; p < side * side; p++) {
        int row = p / side;
        boolean band = row * classes / side == label;
        int value = band ? 180 + random.nextInt(76) : random.nextInt(60);
        pixels[i * side * side + p] = (byte) value;
      }
    }
    write(dir.resolve(prefix + "-images-idx3-ubyte"), idx(new int[] {count, side, side}, pixels),
        gz);
    write(dir.resolve(prefix + "-labels-idx1-ubyte"), idx(new int[] {count}, labels), gz);
  }

  private static void write(Path file, byte[] bytes, boolean gz) throws IOException {
    if (gz) {
      Files.write(file.resolveSibling(file.getFileName() + ".gz"), gzip(bytes));
    } else {
      Files.write(file, bytes);
    }
  }
}
