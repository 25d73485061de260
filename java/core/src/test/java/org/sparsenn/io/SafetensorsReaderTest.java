package org.sparsenn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.io.Fixtures.St;
import org.sparsenn.model.Network;

class SafetensorsReaderTest {
  @TempDir Path dir;

  private LoadedModel read(byte[] bytes) {
    return new SafetensorsReader().read(Fixtures.write(dir, "m.safetensors", bytes),
        ReadOptions.defaults());
  }

  private ModelFormatException rejects(byte[] bytes, String... fragments) {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> read(bytes));
    assertTrue(e.getMessage().contains("m.safetensors"), e.getMessage());
    for (String fragment : fragments) {
      assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
    return e;
  }

  /** A one-tensor file with this header entry for "w.weight" and this many data bytes. */
  private static byte[] oneTensor(String entry, int dataBytes) {
    return Fixtures.safetensorsRaw("{\"w.weight\":" + entry + "}", new byte[dataBytes]);
  }

  @Test
  void float32ModelReadsExactlyWithMetadataAndMapping() {
    LoadedModel m = read(Fixtures.twoLayerSafetensors());
    Network net = m.network();
    assertEquals(2, net.layers().size());
    assertArrayEquals(Fixtures.fc1Weight(), net.layers().get(0).weights());
    assertArrayEquals(new float[] {0.5f, -0.5f, 0f, 1f}, net.layers().get(0).bias());
    assertArrayEquals(Fixtures.fc2Weight(), net.layers().get(1).weights());
    assertEquals("safetensors", m.format());
    assertEquals(Map.of("format", "pt"), m.metadata());
    assertEquals(List.of(), m.conversions());
    assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"),
        m.mapping().stream().map(TensorMapping::tensor).toList());
    assertEquals(List.of(4L, 3L), m.mapping().get(0).shape());
  }

  @Test
  void halfBfloat16AndFloat64AreConvertedAndReported() {
    LoadedModel m = read(Fixtures.safetensors(null,
        new St("l.0.weight", "F16", "[2,2]", Fixtures.u16(0x3c00, 0x0001, 0xfc00, 0x8000)),
        new St("l.0.bias", "BF16", "[2]", Fixtures.u16(0x4049, 0x0080)),
        new St("l.1.weight", "F64", "[1,2]", Fixtures.f64(0.1, -3))));
    float[] w0 = m.network().layers().get(0).weights();
    assertArrayEquals(new float[] {1f, 0x1p-24f, Float.NEGATIVE_INFINITY, -0f}, w0);
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(w0[3]));
    assertArrayEquals(new float[] {3.140625f, 0x1p-126f}, m.network().layers().get(0).bias());
    assertArrayEquals(new float[] {0.1f, -3f}, m.network().layers().get(1).weights());
    assertEquals(List.of("l.0.weight: F16 converted to float32",
        "l.0.bias: BF16 converted to float32", "l.1.weight: F64 converted to float32"),
        m.conversions());
    assertEquals("F16", m.mapping().get(0).dtype());
  }

  @Test
  void tensorsDeclaredOutOfOffsetOrderRead() {
    byte[] w = Fixtures.f32(1, 2);
    byte[] b = Fixtures.f32(3);
    String header = "{\"x.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
        + "\"x.weight\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]}}";
    byte[] data = ByteBuffer.allocate(12).put(w).put(b).array();
    LoadedModel m = read(Fixtures.safetensorsRaw(header, data));
    assertArrayEquals(new float[] {1, 2}, m.network().layers().get(0).weights());
    assertArrayEquals(new float[] {3}, m.network().layers().get(0).bias());
  }

  @Test
  void headerLengthOverLimitIsRejectedBeforeAllocating() {
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(1L << 40);
    rejects(b.array(), "limit");
    b.putLong(0, -1L);
    rejects(b.array(), "limit");
    b.putLong(0, 1000);
    rejects(b.array(), "truncated");
  }

  @Test
  void badJsonIsRejected() {
    rejects(Fixtures.safetensorsRaw("{\"w.weight\": {", new byte[0]), "not valid JSON");
    rejects(Fixtures.safetensorsRaw("[1, 2]", new byte[0]), "not a JSON object");
    rejects(Fixtures.safetensorsRaw("{\"a\":1,\"a\":1}", new byte[0]), "Duplicate field");
    rejects(Fixtures.safetensorsRaw("{}", new byte[0]), "no tensors");
    byte[] badUtf8 = Fixtures.safetensorsRaw("{\"w\u00e9\":1}", new byte[0]);
    badUtf8[12] = (byte) 0xff;
    rejects(badUtf8, "UTF-8");
  }

  @Test
  void malformedJsonIsRejectedAsModelFormat() {
    for (String bad : new String[] {"", "{", "{\"a\"}", "{\"a\":1,}", "[1,]", "{'a':1}",
        "[tru]", "\"abc", "{\"a\":1} 2", "{\"a\":1}}", "nul"}) {
      rejects(Fixtures.safetensorsRaw(bad, new byte[0]), "JSON");
    }
  }

  @Test
  void deepNestingIsRejectedNotAStackOverflow() {
    String deep = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
    rejects(Fixtures.safetensorsRaw(deep, new byte[0]), "JSON");
  }

  @Test
  void hugeIntegerIsRejected() {
    String huge = "{\"w.weight\":{\"dtype\":\"F32\",\"shape\":[" + "9".repeat(50)
        + "],\"data_offsets\":[0,4]}}";
    rejects(Fixtures.safetensorsRaw(huge, new byte[4]), "JSON");
  }

  @Test
  void unknownDtypeIsRejectedNamingTensorAndDtype() {
    rejects(oneTensor("{\"dtype\":\"I64\",\"shape\":[1,1],\"data_offsets\":[0,8]}", 8),
        "w.weight", "'I64'", "F32, F16, BF16 or F64");
  }

  @Test
  void malformedTensorEntriesAreRejected() {
    rejects(oneTensor("{\"dtype\":\"F32\",\"shape\":[1,1]}", 4), "data_offsets");
    rejects(oneTensor("{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[0]}", 4),
        "data_offsets");
    rejects(oneTensor("{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}", 4),
        "'shape'");
    rejects(oneTensor("{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}", 4),
        "'shape'");
    rejects(oneTensor("{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[0,4],\"x\":1}", 4),
        "'x'");
    rejects(oneTensor("7", 0), "not an object");
    rejects(Fixtures.safetensorsRaw("{\"__metadata__\":{\"a\":1},\"w.weight\":"
        + "{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[0,4]}}", new byte[4]),
        "__metadata__");
  }

  @Test
  void negativeDimensionIsRejected() {
    rejects(oneTensor("{\"dtype\":\"F32\",\"shape\":[-1,4],\"data_offsets\":[0,16]}", 16),
        "negative");
  }

  @Test
  void hugeClaimedShapeIsRejectedBeforeAllocating() {
    rejects(oneTensor("{\"dtype\":\"F32\",\"shape\":[1000000,1000000],\"data_offsets\":[0,4]}",
        4), "more elements");
    rejects(oneTensor("{\"dtype\":\"F32\",\"shape\":[100000,10000],\"data_offsets\":[0,4]}", 4),
        "needs 4000000000 bytes");
    rejects(oneTensor("{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[0,"
        + "99999999999999999999999]}", 4), "not an integer in range");
  }

  @Test
  void offsetPastEndIsRejected() {
    rejects(oneTensor("{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]}", 4),
        "past the end");
    rejects(oneTensor("{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[8,4]}", 8),
        "increasing");
  }

  @Test
  void overlappingOffsetsAreRejected() {
    String header = "{\"x.weight\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]},"
        + "\"x.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
    rejects(Fixtures.safetensorsRaw(header, new byte[8]), "overlaps");
  }

  @Test
  void gapsAndTrailingBytesAreRejected() {
    String gap = "{\"x.weight\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[4,8]}}";
    rejects(Fixtures.safetensorsRaw(gap, new byte[8]), "unused bytes");
    rejects(oneTensor("{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[0,4]}", 12),
        "trailing");
  }

  @Test
  void sizeDisagreeingWithShapeIsRejected() {
    rejects(oneTensor("{\"dtype\":\"F16\",\"shape\":[1,3],\"data_offsets\":[0,8]}", 8),
        "needs 6 bytes");
  }

  @Test
  void truncationAtEveryByteIsRejected() {
    byte[] ok = Fixtures.twoLayerSafetensors();
    for (int length = 0; length < ok.length; length++) {
      byte[] cut = Arrays.copyOf(ok, length);
      assertThrows(ModelFormatException.class, () -> read(cut), "length " + length);
    }
  }

  @Test
  void float64OverflowIsRejectedNamingTheTensor() {
    rejects(Fixtures.safetensors(null, new St("w.weight", "F64", "[1,1]", Fixtures.f64(1e39))),
        "w.weight", "float32 range");
  }
}
