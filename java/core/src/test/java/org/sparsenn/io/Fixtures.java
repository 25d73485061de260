package org.sparsenn.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds .npy, .npz and safetensors files byte by byte, so tests need no Python. */
final class Fixtures {
  private Fixtures() {}

  /** A .npy file with the given dict text (version 1.0, padded to 64) and raw data. */
  static byte[] npy(String dict, byte[] data) {
    return npy(1, dict, data);
  }

  /** A .npy file of the given major version (1, 2 or 3) with this dict and raw data. */
  static byte[] npy(int major, String dict, byte[] data) {
    int lengthBytes = major == 1 ? 2 : 4;
    int unpadded = 8 + lengthBytes + dict.length() + 1;
    String padded = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    byte[] text = padded.getBytes(major == 3 ? StandardCharsets.UTF_8
        : StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.allocate(8 + lengthBytes + text.length + data.length)
        .order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    if (major == 1) {
      b.putShort((short) text.length);
    } else {
      b.putInt(text.length);
    }
    return b.put(text).put(data).array();
  }

  /** A C-order {@code <f4} .npy of this shape text (e.g. "(2, 3)") and values. */
  static byte[] npyF32(String shape, float... values) {
    return npy("{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }",
        f32(values));
  }

  static byte[] f32(float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  static byte[] f64(double... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      b.putDouble(v);
    }
    return b.array();
  }

  static byte[] u16(int... values) {
    ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putShort((short) v);
    }
    return b.array();
  }

  /** A zip of the given entries (name to bytes), deflated or stored. */
  static byte[] zip(Map<String, byte[]> entries, boolean deflate) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ZipEntry entry = new ZipEntry(e.getKey());
        if (!deflate) {
          entry.setMethod(ZipEntry.STORED);
          entry.setSize(e.getValue().length);
          entry.setCompressedSize(e.getValue().length);
          CRC32 crc = new CRC32();
          crc.update(e.getValue());
          entry.setCrc(crc.getValue());
        }
        zip.putNextEntry(entry);
        zip.write(e.getValue());
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The 3-4-2 test network as .npy entries: fc1.weight [4, 3], fc1.bias, fc2.weight, fc2.bias. */
  static Map<String, byte[]> twoLayerNpyEntries() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("fc1.weight.npy", npyF32("(4, 3)", fc1Weight()));
    entries.put("fc1.bias.npy", npyF32("(4,)", 0.5f, -0.5f, 0f, 1f));
    entries.put("fc2.weight.npy", npyF32("(2, 4)", fc2Weight()));
    entries.put("fc2.bias.npy", npyF32("(2,)", 0.25f, -0.25f));
    return entries;
  }

  static float[] fc1Weight() {
    return new float[] {1, 0, -2, 0, 0, 0, 3.5f, 4, 0, -1e-3f, 0, 7};
  }

  static float[] fc2Weight() {
    return new float[] {1, 2, 3, 4, 0, 0, -1, 0};
  }

  /** One safetensors tensor: dtype, shape text (e.g. "[2, 3]") and raw little-endian bytes. */
  record St(String name, String dtype, String shape, byte[] data) {}

  /** A safetensors file of these tensors laid out in order, with optional metadata JSON. */
  static byte[] safetensors(String metadataJson, St... tensors) {
    StringBuilder header = new StringBuilder("{");
    if (metadataJson != null) {
      header.append("\"__metadata__\":").append(metadataJson);
    }
    long offset = 0;
    for (St t : tensors) {
      if (header.length() > 1) {
        header.append(',');
      }
      header.append('"').append(t.name()).append("\":{\"dtype\":\"").append(t.dtype())
          .append("\",\"shape\":").append(t.shape()).append(",\"data_offsets\":[")
          .append(offset).append(',').append(offset + t.data().length).append("]}");
      offset += t.data().length;
    }
    header.append('}');
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (St t : tensors) {
      data.writeBytes(t.data());
    }
    return safetensorsRaw(header.toString(), data.toByteArray());
  }

  /** A safetensors file with this exact header text (padded to 8 bytes) and data. */
  static byte[] safetensorsRaw(String header, byte[] data) {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer b = ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(padded).put(json);
    for (int i = json.length; i < padded; i++) {
      b.put((byte) ' ');
    }
    return b.put(data).array();
  }

  /** The 3-4-2 network as F32 safetensors. */
  static byte[] twoLayerSafetensors() {
    return safetensors("{\"format\":\"pt\"}",
        new St("fc1.weight", "F32", "[4,3]", f32(fc1Weight())),
        new St("fc1.bias", "F32", "[4]", f32(0.5f, -0.5f, 0f, 1f)),
        new St("fc2.weight", "F32", "[2,4]", f32(fc2Weight())),
        new St("fc2.bias", "F32", "[2]", f32(0.25f, -0.25f)));
  }

  static Path write(Path dir, String name, byte[] bytes) {
    try {
      return Files.write(dir.resolve(name), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
