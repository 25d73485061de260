package org.sparsenn.io.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.sparsenn.io.Limits;
import org.sparsenn.io.ModelFormatException;
import org.sparsenn.io.onnx.proto.OnnxProtos.StringStringEntryProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.TensorProto;

/**
 * Decodes ONNX tensors (inline {@code raw_data}, typed fields, or external data files) into
 * float arrays (float32, float16, float64) or long arrays (int64, bool). Every size is
 * checked against what the file holds before an array is allocated.
 */
final class OnnxTensors {
  /** The largest array the JVM reliably allocates. */
  static final int MAX_ELEMENTS = (int) Limits.MAX_ARRAY_ELEMENTS;

  private static final int CHUNK_BYTES = 1 << 23;

  private OnnxTensors() {}

  /** A cap on the bytes of tensor data (as stored) that one model may make the reader decode. */
  static final class Budget {
    private final long limit;
    private long used;

    Budget(long limit) {
      this.limit = limit;
    }

    void take(String tensor, long bytes) {
      if (bytes > limit - used) {
        throw new ModelFormatException("tensor '" + tensor + "' brings the tensor data to "
            + (used + bytes) + " bytes, more than the " + limit + " allowed");
      }
      used += bytes;
    }
  }

  /** A decoded constant: its shape and its values as float32, or as int64 (int64, bool). */
  record Constant(String name, long[] dims, float[] floats, long[] ints, int sourceType) {
    int elements() {
      return floats != null ? floats.length : ints.length;
    }

    boolean isScalar() {
      return elements() == 1;
    }
  }

  /**
   * Decodes a float (float32, float16 or float64), int64 or bool tensor.
   *
   * @param baseDir the directory external data locations are relative to, or null when the
   *     model has none (then external data is rejected)
   * @param budget charged with the tensor's stored bytes before anything is allocated
   * @throws ModelFormatException if the type is unsupported, a size is inconsistent, the
   *     budget is exceeded, or the external data cannot be read as described
   */
  static Constant decode(TensorProto t, Path baseDir, Budget budget) {
    String name = t.getName();
    int type = t.getDataType();
    long n = elementCount(t);
    int size = switch (type) {
      case TensorProto.DataType.FLOAT_VALUE -> 4;
      case TensorProto.DataType.FLOAT16_VALUE -> 2;
      case TensorProto.DataType.BOOL_VALUE -> 1;
      case TensorProto.DataType.DOUBLE_VALUE, TensorProto.DataType.INT64_VALUE -> 8;
      default -> throw new ModelFormatException("tensor '" + name + "' has data type "
          + typeName(type) + "; only float32, float16, float64, int64 and bool are supported");
    };
    int count = (int) n;
    budget.take(name, n * size);
    boolean external = t.getDataLocation() == TensorProto.DataLocation.EXTERNAL
        || t.getExternalDataCount() > 0;
    ByteSource bytes;
    if (external) {
      bytes = external(t, baseDir, n * size);
    } else if (t.hasRawData()) {
      if (t.getRawData().size() != n * size) {
        throw new ModelFormatException("tensor '" + name + "' has " + t.getRawData().size()
            + " bytes of raw_data; its dims " + dimsText(t) + " need " + n * size);
      }
      ByteBuffer buffer = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      bytes = into -> {
        ByteBuffer part = buffer.slice().limit(into.remaining());
        buffer.position(buffer.position() + part.remaining());
        into.put(part);
      };
    } else {
      return fromTypedFields(t, count);
    }
    return fromBytes(t, count, size, bytes);
  }

  private static long elementCount(TensorProto t) {
    return Limits.elementCount(dims(t), "tensor '" + t.getName() + "'");
  }

  private interface ByteSource {
    /** Fills {@code into} (little-endian) with the next bytes. */
    void fill(ByteBuffer into) throws IOException;
  }

  private static Constant fromBytes(TensorProto t, int count, int size, ByteSource source) {
    int type = t.getDataType();
    boolean integral = type == TensorProto.DataType.INT64_VALUE
        || type == TensorProto.DataType.BOOL_VALUE;
    float[] floats = integral ? null : new float[count];
    long[] ints = floats == null ? new long[count] : null;
    int perChunk = CHUNK_BYTES / size;
    ByteBuffer chunk = ByteBuffer.allocate(Math.min(count, perChunk) * size)
        .order(ByteOrder.LITTLE_ENDIAN);
    try {
      for (int done = 0; done < count; ) {
        int now = Math.min(count - done, perChunk);
        chunk.clear().limit(now * size);
        source.fill(chunk);
        chunk.flip();
        for (int i = 0; i < now; i++) {
          switch (type) {
            case TensorProto.DataType.FLOAT_VALUE -> floats[done + i] = chunk.getFloat();
            case TensorProto.DataType.FLOAT16_VALUE ->
                floats[done + i] = halfToFloat(chunk.getShort());
            case TensorProto.DataType.DOUBLE_VALUE -> floats[done + i] = (float) chunk.getDouble();
            case TensorProto.DataType.BOOL_VALUE -> ints[done + i] = chunk.get();
            default -> ints[done + i] = chunk.getLong();
          }
        }
        done += now;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the data of tensor '" + t.getName() + "'", e);
    }
    return new Constant(t.getName(), dims(t), floats, ints, type);
  }

  private static Constant fromTypedFields(TensorProto t, int count) {
    String name = t.getName();
    int type = t.getDataType();
    int have = switch (type) {
      case TensorProto.DataType.FLOAT_VALUE -> t.getFloatDataCount();
      case TensorProto.DataType.FLOAT16_VALUE, TensorProto.DataType.BOOL_VALUE ->
          t.getInt32DataCount();
      case TensorProto.DataType.DOUBLE_VALUE -> t.getDoubleDataCount();
      default -> t.getInt64DataCount();
    };
    if (have != count) {
      String field = switch (type) {
        case TensorProto.DataType.FLOAT_VALUE -> "float_data";
        case TensorProto.DataType.FLOAT16_VALUE, TensorProto.DataType.BOOL_VALUE -> "int32_data";
        case TensorProto.DataType.DOUBLE_VALUE -> "double_data";
        default -> "int64_data";
      };
      throw new ModelFormatException("tensor '" + name + "' has " + have + " values in " + field
          + " (and no raw_data); its dims " + dimsText(t) + " need " + count);
    }
    if (type == TensorProto.DataType.INT64_VALUE || type == TensorProto.DataType.BOOL_VALUE) {
      long[] ints = new long[count];
      for (int i = 0; i < count; i++) {
        ints[i] = type == TensorProto.DataType.BOOL_VALUE ? t.getInt32Data(i) : t.getInt64Data(i);
      }
      return new Constant(name, dims(t), null, ints, type);
    }
    float[] floats = new float[count];
    for (int i = 0; i < count; i++) {
      floats[i] = switch (type) {
        case TensorProto.DataType.FLOAT_VALUE -> t.getFloatData(i);
        case TensorProto.DataType.FLOAT16_VALUE -> halfToFloat((short) t.getInt32Data(i));
        default -> (float) t.getDoubleData(i);
      };
    }
    return new Constant(name, dims(t), floats, null, type);
  }

  private static ByteSource external(TensorProto t, Path baseDir, long expectedBytes) {
    String name = t.getName();
    String location = null;
    long offset = 0;
    long length = -1;
    for (StringStringEntryProto e : t.getExternalDataList()) {
      switch (e.getKey()) {
        case "location" -> location = e.getValue();
        case "offset" -> offset = parseLong(name, "offset", e.getValue());
        case "length" -> length = parseLong(name, "length", e.getValue());
        default -> { } // "checksum" and keys from later ONNX versions carry nothing we need
      }
    }
    if (location == null || location.isEmpty()) {
      throw new ModelFormatException("tensor '" + name + "' has external data without a location");
    }
    if (baseDir == null) {
      throw new ModelFormatException("tensor '" + name + "' has its data in external file '"
          + location + "', but the model was not read from a directory");
    }
    Path dir = baseDir.toAbsolutePath().normalize();
    Path file;
    try {
      file = dir.resolve(location).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      throw new ModelFormatException("tensor '" + name + "' has an invalid external data"
          + " location '" + location + "'", e);
    }
    if (Path.of(location).isAbsolute() || !file.startsWith(dir) || file.equals(dir)) {
      throw new ModelFormatException("tensor '" + name + "' has external data location '"
          + location + "' outside the model's directory " + dir);
    }
    long fileSize;
    try {
      if (!file.toRealPath().startsWith(dir.toRealPath())) {
        throw new ModelFormatException("tensor '" + name + "' has external data location '"
            + location + "' that links outside the model's directory " + dir);
      }
      if (!Files.isRegularFile(file)) {
        throw new ModelFormatException("tensor '" + name + "': external data location '"
            + location + "' is not a regular file");
      }
      fileSize = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new ModelFormatException("tensor '" + name + "' has its data in external file '"
          + location + "', which does not exist in " + dir, e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading external data of tensor '" + name + "'", e);
    }
    if (length < 0) {
      length = fileSize - offset;
    }
    if (offset > fileSize || length > fileSize - offset) {
      throw new ModelFormatException("tensor '" + name + "': external data at offset " + offset
          + " with length " + length + " reaches past the end of '" + location + "' ("
          + fileSize + " bytes)");
    }
    if (length != expectedBytes) {
      throw new ModelFormatException("tensor '" + name + "' has " + length + " bytes of external"
          + " data; its dims " + dimsText(t) + " need " + expectedBytes);
    }
    long start = offset;
    String where = location;
    return new ByteSource() {
      private long position = start;

      @Override
      public void fill(ByteBuffer into) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
          while (into.hasRemaining()) {
            int read = channel.read(into, position);
            if (read < 0) {
              throw new ModelFormatException("tensor '" + name + "': external file '" + where
                  + "' ended early (was it changed while reading?)");
            }
            position += read;
          }
        }
      }
    };
  }

  private static long parseLong(String tensor, String key, String value) {
    try {
      long v = Long.parseLong(value.trim());
      if (v < 0) {
        throw new ModelFormatException("tensor '" + tensor + "' has a negative external data "
            + key + ": " + value);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new ModelFormatException("tensor '" + tensor + "' has an external data " + key
          + " that is not a number: '" + value + "'", e);
    }
  }

  private static long[] dims(TensorProto t) {
    long[] dims = new long[t.getDimsCount()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = t.getDims(i);
    }
    return dims;
  }

  static String dimsText(TensorProto t) {
    return t.getDimsList().toString();
  }

  /** The ONNX name of a TensorProto data type, lower case (e.g. {@code float16}). */
  static String typeName(int type) {
    return switch (type) {
      case TensorProto.DataType.FLOAT_VALUE -> "float32";
      case TensorProto.DataType.FLOAT16_VALUE -> "float16";
      case TensorProto.DataType.DOUBLE_VALUE -> "float64";
      case TensorProto.DataType.BFLOAT16_VALUE -> "bfloat16";
      default -> {
        TensorProto.DataType known = TensorProto.DataType.forNumber(type);
        yield known == null ? "unknown (" + type + ")" : known.name().toLowerCase();
      }
    };
  }

  /** IEEE 754 binary16 to float32, exactly (subnormals, infinities and NaN included). */
  static float halfToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }
}
