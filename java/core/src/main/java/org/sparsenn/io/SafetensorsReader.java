package org.sparsenn.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a weights-only model from a safetensors file: an 8-byte little-endian header length, a
 * JSON header mapping each tensor name to {@code dtype}, {@code shape} and
 * {@code data_offsets} (relative to the data after the header) plus an optional
 * {@code __metadata__} object of strings, then the raw little-endian data. Dtypes {@code F32},
 * {@code F16}, {@code BF16} and {@code F64} are read as float32 (the last three converted, and
 * reported); the names are mapped to layers by {@link LayerNameMapper}.
 *
 * <p>As in the reference implementation, the tensors must tile the data region exactly: sorted
 * by offset, the first starts at 0, each starts where the previous ends, the last ends at the
 * end of the file, and each spans exactly its shape's bytes. Everything is checked before any
 * tensor is allocated.
 */
public final class SafetensorsReader implements ModelFormatReader {
  /** The largest header read (the reference implementation's limit). */
  static final long MAX_HEADER_BYTES = 100_000_000;
  private static final int CHUNK_BYTES = 1 << 20;
  private static final Set<String> TENSOR_KEYS = Set.of("dtype", "shape", "data_offsets");
  // Strict: duplicate keys and trailing text are errors; integers stay exact (BigInteger);
  // nesting and number lengths are bounded so a hostile header cannot exhaust the stack.
  private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxNestingDepth(64).maxNumberLength(40).build())
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  /** Creates the reader (stateless). */
  public SafetensorsReader() {}

  @Override
  public String format() {
    return "safetensors";
  }

  @Override
  public List<String> extensions() {
    return List.of(".safetensors");
  }

  /** One tensor's header entry, checked. */
  private record Entry(String name, ElementType type, long[] shape, int count, long begin,
      long end) {}

  /**
   * {@inheritDoc}
   *
   * @throws ModelFormatException naming the file and tensor if the header is malformed, a
   *     dtype is unsupported, offsets are out of bounds, overlap or leave gaps, the file is
   *     truncated, or the names do not map to layers
   * @throws UncheckedIOException if the file cannot be read
   */
  @Override
  public LoadedModel read(Path file, ReadOptions options) {
    String where = file.toString();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long fileSize = channel.size();
      if (fileSize < 8) {
        throw new ModelFormatException(where + ": truncated: " + fileSize
            + " bytes, too short for the 8-byte header length");
      }
      ByteBuffer lengthField = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, lengthField, 0, where);
      long headerLength = lengthField.flip().getLong();
      if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
        throw new ModelFormatException(where + ": header length "
            + Long.toUnsignedString(headerLength) + " is over the " + MAX_HEADER_BYTES
            + "-byte limit");
      }
      if (headerLength > fileSize - 8) {
        throw new ModelFormatException(where + ": truncated: header length " + headerLength
            + " runs past the end of the " + fileSize + "-byte file");
      }
      ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
      readFully(channel, headerBytes, 8, where);
      headerBytes.flip();
      long dataStart = 8 + headerLength;
      long dataLength = fileSize - dataStart;

      Map<String, String> metadata = new LinkedHashMap<>();
      List<Entry> entries = parseHeader(headerBytes, dataLength, where, metadata);
      checkTiling(entries, dataLength, where);
      long total = 0;
      for (Entry entry : entries) {
        total += entry.end() - entry.begin();
      }
      if (total > options.maxTensorBytes()) {
        throw new ModelFormatException(where + ": " + total + " bytes of tensors, more than"
            + " the " + options.maxTensorBytes() + " allowed (ReadOptions.maxTensorBytes)");
      }
      List<LayerNameMapper.TensorSpec> specs = new ArrayList<>();
      for (Entry entry : entries) {
        List<Long> shape = new ArrayList<>();
        for (long dim : entry.shape()) {
          shape.add(dim);
        }
        specs.add(new LayerNameMapper.TensorSpec(entry.name(), shape, entry.type().name()));
      }
      LayerNameMapper.Plan plan = LayerNameMapper.plan(specs, where);

      Map<String, float[]> data = new HashMap<>();
      List<String> conversions = new ArrayList<>();
      for (Entry entry : entries) {
        String at = where + " tensor '" + entry.name() + "'";
        data.put(entry.name(), readTensor(channel, entry, dataStart, at));
        if (entry.type().converts()) {
          conversions.add(entry.name() + ": " + entry.type().name() + " converted to float32");
        }
      }
      return new LoadedModel(LayerNameMapper.build(plan, data, options), format(), file,
          FileDigests.sha256(file), plan.mapping(), plan.ordering(), conversions, metadata);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + where + ": " + e.getMessage(), e);
    }
  }

  private static List<Entry> parseHeader(ByteBuffer bytes, long dataLength, String where,
      Map<String, String> metadata) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes).toString();
    } catch (CharacterCodingException e) {
      throw new ModelFormatException(where + ": header is not valid UTF-8");
    }
    Object root;
    try {
      root = JSON.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      throw new ModelFormatException(
          where + ": header is not valid JSON: " + e.getOriginalMessage());
    }
    if (!(root instanceof Map<?, ?> tensors)) {
      throw new ModelFormatException(where + ": header is not a JSON object");
    }
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<?, ?> field : tensors.entrySet()) {
      String name = (String) field.getKey();
      if (name.equals("__metadata__")) {
        if (!(field.getValue() instanceof Map<?, ?> meta)) {
          throw new ModelFormatException(where + ": __metadata__ is not an object");
        }
        for (Map.Entry<?, ?> m : meta.entrySet()) {
          if (!(m.getValue() instanceof String value)) {
            throw new ModelFormatException(where + ": __metadata__ value of '" + m.getKey()
                + "' is not a string");
          }
          metadata.put((String) m.getKey(), value);
        }
        continue;
      }
      entries.add(entry(name, field.getValue(), dataLength, where + " tensor '" + name + "'"));
    }
    return entries;
  }

  private static Entry entry(String name, Object value, long dataLength, String at) {
    if (!(value instanceof Map<?, ?> info)) {
      throw new ModelFormatException(at + ": header entry is not an object");
    }
    for (Object key : info.keySet()) {
      if (!TENSOR_KEYS.contains(key)) {
        throw new ModelFormatException(at + ": unexpected field '" + key
            + "' (expected dtype, shape, data_offsets)");
      }
    }
    if (!(info.get("dtype") instanceof String dtype)) {
      throw new ModelFormatException(at + ": 'dtype' is missing or not a string");
    }
    ElementType type = switch (dtype) {
      case "F32" -> ElementType.F32;
      case "F16" -> ElementType.F16;
      case "BF16" -> ElementType.BF16;
      case "F64" -> ElementType.F64;
      default -> throw new ModelFormatException(at + ": dtype '" + dtype
          + "' is not supported (expected F32, F16, BF16 or F64)");
    };
    long[] shape = integers(info.get("shape"), "shape", -1, at);
    long[] offsets = integers(info.get("data_offsets"), "data_offsets", 2, at);
    for (long dim : shape) {
      if (dim < 0) {
        throw new ModelFormatException(at + ": negative dimension in shape "
            + Limits.shapeText(shape));
      }
    }
    long begin = offsets[0];
    long end = offsets[1];
    if (begin < 0 || end < begin) {
      throw new ModelFormatException(at + ": data_offsets [" + begin + ", " + end
          + "] are not an increasing pair of non-negative offsets");
    }
    if (end > dataLength) {
      throw new ModelFormatException(at + ": data_offsets [" + begin + ", " + end
          + "] run past the end of the data (" + dataLength + " bytes; truncated file?)");
    }
    int count = Limits.elementCount(shape, at);
    long bytes = (long) count * type.bytes;
    if (end - begin != bytes) {
      throw new ModelFormatException(at + ": shape " + Limits.shapeText(shape) + " of "
          + dtype + " needs " + bytes + " bytes but data_offsets [" + begin + ", " + end
          + "] span " + (end - begin));
    }
    return new Entry(name, type, shape, count, begin, end);
  }

  /** An array of non-negative-or-not integers that fit a long; {@code size} -1 for any. */
  private static long[] integers(Object value, String field, int size, String at) {
    if (!(value instanceof List<?> list) || (size >= 0 && list.size() != size)) {
      throw new ModelFormatException(at + ": '" + field + "' is missing or not an array of "
          + (size >= 0 ? size + " " : "") + "integers");
    }
    if (list.size() > 64) {
      throw new ModelFormatException(at + ": '" + field + "' has " + list.size()
          + " dimensions (at most 64)");
    }
    long[] out = new long[list.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(list.get(i) instanceof BigInteger number) || number.bitLength() > 63) {
        throw new ModelFormatException(at + ": '" + field + "' holds " + list.get(i)
            + ", not an integer in range");
      }
      out[i] = number.longValue();
    }
    return out;
  }

  /** Sorted by offset, tensors must cover the data exactly once, without gaps or overlaps. */
  private static void checkTiling(List<Entry> entries, long dataLength, String where) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long expected = 0;
    Entry previous = null;
    for (Entry entry : sorted) {
      if (entry.begin() < expected) {
        throw new ModelFormatException(where + ": tensor '" + entry.name() + "' data ["
            + entry.begin() + ", " + entry.end() + ") overlaps tensor '" + previous.name()
            + "' [" + previous.begin() + ", " + previous.end() + ")");
      }
      if (entry.begin() > expected) {
        throw new ModelFormatException(where + ": " + (entry.begin() - expected)
            + " unused bytes before tensor '" + entry.name() + "' at offset " + entry.begin()
            + " (offsets must be contiguous)");
      }
      expected = entry.end();
      previous = entry;
    }
    if (expected != dataLength) {
      throw new ModelFormatException(where + ": " + (dataLength - expected)
          + " bytes after the last tensor's data (file has trailing bytes)");
    }
  }

  private static float[] readTensor(FileChannel channel, Entry entry, long dataStart,
      String at) throws IOException {
    float[] out = Limits.floats(entry.count(), at);
    int elementBytes = entry.type().bytes;
    int perChunk = CHUNK_BYTES / elementBytes;
    ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(entry.end() - entry.begin(),
        (long) perChunk * elementBytes)).order(ByteOrder.LITTLE_ENDIAN);
    long position = dataStart + entry.begin();
    for (int done = 0; done < entry.count(); ) {
      int n = Math.min(perChunk, entry.count() - done);
      chunk.clear().limit(n * elementBytes);
      readFully(channel, chunk, position, at);
      chunk.flip();
      entry.type().decode(chunk, out, done, n, at);
      position += (long) n * elementBytes;
      done += n;
    }
    return out;
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position,
      String where) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        throw new ModelFormatException(where + ": truncated (file shrank while reading)");
      }
      at += n;
    }
  }
}
