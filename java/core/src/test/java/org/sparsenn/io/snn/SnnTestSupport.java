package org.sparsenn.io.snn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

/** Builders and checks shared by the .snn tests. */
public final class SnnTestSupport {
  private SnnTestSupport() {}

  /** A network of these layer sizes with about {@code sparsity} of its weights zero. */
  static Network randomNetwork(long seed, double sparsity, Activation hidden, boolean softmax,
      int... sizes) {
    Random random = new Random(seed);
    List<DenseLayer> layers = new ArrayList<>();
    for (int i = 0; i + 1 < sizes.length; i++) {
      int in = sizes[i];
      int out = sizes[i + 1];
      float[] w = new float[in * out];
      for (int k = 0; k < w.length; k++) {
        w[k] = random.nextDouble() < sparsity ? 0f : (float) random.nextGaussian();
      }
      float[] b = new float[out];
      for (int k = 0; k < b.length; k++) {
        b[k] = (float) random.nextGaussian();
      }
      layers.add(new DenseLayer(in, out, w, b,
          i + 2 == sizes.length ? Activation.IDENTITY : hidden));
    }
    return new Network(layers, softmax);
  }

  /** Same shapes, activations, softmax flag, and weights and biases bit for bit. */
  public static void assertSameNetwork(Network expected, Network actual) {
    assertEquals(expected.softmaxOutput(), actual.softmaxOutput(), "softmax flag");
    assertEquals(expected.layers().size(), actual.layers().size(), "layer count");
    for (int i = 0; i < expected.layers().size(); i++) {
      DenseLayer e = expected.layers().get(i);
      DenseLayer a = actual.layers().get(i);
      assertEquals(e.inputs(), a.inputs(), "layer " + i + " inputs");
      assertEquals(e.outputs(), a.outputs(), "layer " + i + " outputs");
      assertEquals(e.activation(), a.activation(), "layer " + i + " activation");
      assertArrayEquals(bits(e.weights()), bits(a.weights()), "layer " + i + " weights");
      assertArrayEquals(bits(e.bias()), bits(a.bias()), "layer " + i + " bias");
    }
  }

  static int[] bits(float[] values) {
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Float.floatToRawIntBits(values[i]);
    }
    return out;
  }

  static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path file, byte[] bytes) {
    try {
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ByteBuffer le(byte[] bytes) {
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Recomputes the header CRC32C of a file (whose N and M fields are intact) in place. */
  static byte[] reseal(byte[] bytes) {
    ByteBuffer b = le(bytes);
    if (bytes.length < SnnFormat.HEADER_BYTES) {
      return bytes;
    }
    long end = SnnFormat.HEADER_BYTES
        + (long) SnnFormat.TOC_ENTRY_BYTES * Integer.toUnsignedLong(b.getInt(12))
        + Integer.toUnsignedLong(b.getInt(16));
    if (end <= bytes.length) {
      b.putInt(SnnFormat.HEADER_CRC_OFFSET,
          SnnFormat.headerCrc(le(bytes).limit((int) end)));
    }
    return bytes;
  }

  /** Table entry {@code i} field at {@code fieldOffset} (8 offset, 16 length, 24 count). */
  static long tocLong(byte[] bytes, int i, int fieldOffset) {
    return le(bytes).getLong(SnnFormat.HEADER_BYTES + i * SnnFormat.TOC_ENTRY_BYTES
        + fieldOffset);
  }

  static void setTocLong(byte[] bytes, int i, int fieldOffset, long value) {
    le(bytes).putLong(SnnFormat.HEADER_BYTES + i * SnnFormat.TOC_ENTRY_BYTES + fieldOffset,
        value);
  }

  static int sectionCount(byte[] bytes) {
    return le(bytes).getInt(12);
  }

  /** One raw section for {@link #assemble}. */
  record Raw(int kind, int type, long count, byte[] data) {}

  static Raw f32(int kind, float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return new Raw(kind, 1, values.length, b.array());
  }

  static Raw i32(int kind, int... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putInt(v);
    }
    return new Raw(kind, 2, values.length, b.array());
  }

  static Raw u16(int kind, int... values) {
    ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putShort((short) v);
    }
    return new Raw(kind, 3, values.length, b.array());
  }

  /** bf16 elements given as their 16 bits. */
  static Raw bf16(int kind, int... bits) {
    Raw raw = u16(kind, bits);
    return new Raw(kind, 4, raw.count(), raw.data());
  }

  /**
   * A well-formed file (magic, version 1.0, correct offsets, lengths and checksums) around any
   * metadata text and sections: for files whose content, not framing, is hostile.
   */
  static byte[] assemble(String metadataJson, Raw... sections) {
    byte[] meta = metadataJson.getBytes(StandardCharsets.UTF_8);
    long headerEnd = SnnFormat.HEADER_BYTES + (long) SnnFormat.TOC_ENTRY_BYTES * sections.length
        + meta.length;
    long[] offsets = new long[sections.length];
    long end = headerEnd;
    for (int i = 0; i < sections.length; i++) {
      offsets[i] = SnnFormat.align(end);
      end = offsets[i] + sections[i].data().length;
    }
    ByteBuffer b = ByteBuffer.allocate((int) end).order(ByteOrder.LITTLE_ENDIAN);
    b.put(SnnFormat.MAGIC).putShort((short) 1).putShort((short) 0);
    b.putInt(sections.length).putInt(meta.length).putInt(0).putLong(end);
    for (int i = 0; i < sections.length; i++) {
      Raw s = sections[i];
      CRC32C crc = new CRC32C();
      crc.update(s.data());
      b.putShort((short) s.kind()).putShort((short) s.type()).putInt(0);
      b.putLong(offsets[i]).putLong(s.data().length).putLong(s.count());
      b.putInt((int) crc.getValue()).putInt(0);
    }
    b.put(meta);
    for (int i = 0; i < sections.length; i++) {
      b.position((int) offsets[i]);
      b.put(sections[i].data());
    }
    return reseal(b.array());
  }

  /** Metadata JSON for layers given as {@code {inputs, outputs, storage, sections...}} text. */
  static String metadata(String... layers) {
    return "{\"softmaxOutput\":false,\"layers\":[" + String.join(",", layers) + "]}";
  }
}
