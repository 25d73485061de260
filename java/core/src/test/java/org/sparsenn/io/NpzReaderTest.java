package org.sparsenn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.model.Activation;
import org.sparsenn.model.Network;

class NpzReaderTest {
  @TempDir Path dir;

  private LoadedModel read(byte[] bytes) {
    return read(bytes, ReadOptions.defaults());
  }

  private LoadedModel read(byte[] bytes, ReadOptions options) {
    return new NpzReader().read(Fixtures.write(dir, "m.npz", bytes), options);
  }

  private ModelFormatException rejects(byte[] bytes, String... fragments) {
    return rejects(bytes, ReadOptions.defaults(), fragments);
  }

  private ModelFormatException rejects(byte[] bytes, ReadOptions options, String... fragments) {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> read(bytes,
        options));
    assertTrue(e.getMessage().contains("m.npz"), e.getMessage());
    for (String fragment : fragments) {
      assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
    return e;
  }

  private static void assertTwoLayerNetwork(Network net) {
    assertEquals(2, net.layers().size());
    assertEquals(3, net.inputs());
    assertEquals(2, net.outputs());
    assertArrayEquals(Fixtures.fc1Weight(), net.layers().get(0).weights());
    assertArrayEquals(new float[] {0.5f, -0.5f, 0f, 1f}, net.layers().get(0).bias());
    assertArrayEquals(Fixtures.fc2Weight(), net.layers().get(1).weights());
    assertArrayEquals(new float[] {0.25f, -0.25f}, net.layers().get(1).bias());
    assertEquals(Activation.RELU, net.layers().get(0).activation());
    assertEquals(Activation.IDENTITY, net.layers().get(1).activation());
  }

  @Test
  void storedAndDeflatedArchivesReadExactly() {
    for (boolean deflate : new boolean[] {false, true}) {
      LoadedModel m = read(Fixtures.zip(Fixtures.twoLayerNpyEntries(), deflate));
      assertTwoLayerNetwork(m.network());
      assertEquals("npz", m.format());
      assertEquals(64, m.sha256().length());
      assertEquals(List.of(), m.conversions());
      assertEquals(4, m.mapping().size());
      assertEquals("fc1.weight", m.mapping().get(0).tensor());
      assertEquals(TensorMapping.Role.BIAS, m.mapping().get(3).role());
    }
  }

  @Test
  void float64EntriesAreConvertedAndReported() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("0.weight.npy", Fixtures.npy(
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }", Fixtures.f64(0.5, 2)));
    LoadedModel m = read(Fixtures.zip(entries, true));
    assertArrayEquals(new float[] {0.5f, 2f}, m.network().layers().get(0).weights());
    assertEquals(List.of("0.weight: <f8 converted to float32"), m.conversions());
  }

  @Test
  void entryThatIsNotNpyIsRejected() {
    Map<String, byte[]> entries = new LinkedHashMap<>(Fixtures.twoLayerNpyEntries());
    entries.put("README.txt", new byte[] {'h', 'i'});
    rejects(Fixtures.zip(entries, false), "README.txt", "not a .npy");
  }

  @Test
  void badArrayInsideEntryNamesTheEntry() {
    Map<String, byte[]> entries = new LinkedHashMap<>(Fixtures.twoLayerNpyEntries());
    entries.put("fc2.bias.npy", Fixtures.npy(
        "{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", Fixtures.f32(1, 2)));
    rejects(Fixtures.zip(entries, true), "fc2.bias.npy", "Fortran");
  }

  @Test
  void batchNormEntryIsRejectedByName() {
    Map<String, byte[]> entries = new LinkedHashMap<>(Fixtures.twoLayerNpyEntries());
    entries.put("bn.running_var.npy", Fixtures.npyF32("(4,)", 1, 1, 1, 1));
    rejects(Fixtures.zip(entries, false), "bn.running_var");
  }

  @Test
  void notAZipIsRejected() {
    rejects(new byte[] {1, 2, 3, 4, 5}, "not a readable .npz");
    rejects(new byte[0], "not a readable .npz");
  }

  @Test
  void truncationAtEveryByteIsRejected() {
    byte[] ok = Fixtures.zip(Fixtures.twoLayerNpyEntries(), true);
    for (int length = 0; length < ok.length; length++) {
      byte[] cut = Arrays.copyOf(ok, length);
      assertThrows(ModelFormatException.class, () -> read(cut), "length " + length);
    }
  }

  /** Patches the uncompressed size of every entry, in local and central headers. */
  private static byte[] withDeclaredSize(byte[] zip, long size) {
    byte[] out = zip.clone();
    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i + 4 <= out.length; i++) {
      int signature = b.getInt(i);
      if (signature == 0x04034b50) {
        b.putInt(i + 22, (int) size);
      } else if (signature == 0x02014b50) {
        b.putInt(i + 24, (int) size);
      }
    }
    return out;
  }

  @Test
  void zipBombDeclaringMoreThanDeflateCanProduceIsRejectedBeforeInflating() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("w.weight.npy", Fixtures.npyF32("(1, 2)", 1, 2));
    byte[] bomb = withDeclaredSize(Fixtures.zip(entries, true), 0x7fff_0000L);
    rejects(bomb, "zip bomb");
  }

  @Test
  void entryDeclaringOtherSizeThanItsHeaderIsRejected() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    byte[] npy = Fixtures.npyF32("(1, 2)", 1, 2);
    entries.put("w.weight.npy", npy);
    rejects(withDeclaredSize(Fixtures.zip(entries, true), npy.length + 8), "trailing");
    rejects(withDeclaredSize(Fixtures.zip(entries, true), npy.length - 4), "truncated");
  }

  @Test
  void hugeAllZeroEntryOverTheCapIsRejectedBeforeReading() {
    // 4 MiB of zeros deflates to a few KiB: legitimate, but over a 1 MiB cap
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("w.weight.npy", Fixtures.npy(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1024, 1024), }",
        new byte[4 << 20]));
    byte[] zip = Fixtures.zip(entries, true);
    assertTrue(zip.length < 64 << 10, "compressed " + zip.length);
    rejects(zip, ReadOptions.defaults().withMaxTensorBytes(1 << 20), "maxTensorBytes");
    assertEquals(1.0, read(zip).network().layers().get(0).sparsity());
  }

  @Test
  void entryInflatingFarPastItsDeclaredSizeStopsAtTheBound() {
    // A true bomb: the directory declares the 136 bytes its header announces, but the deflate
    // stream goes on with 16 MiB of zeros. Reading stops one byte past the declared size (the
    // CRC check, which comes after the whole entry, would give another message).
    byte[] npy = Fixtures.npyF32("(1, 2)", 1, 2);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("w.weight.npy", Arrays.copyOf(npy, npy.length + (16 << 20)));
    byte[] zip = Fixtures.zip(entries, true);
    assertTrue(zip.length < 1 << 20, "compressed " + zip.length);
    rejects(withDeclaredSize(zip, npy.length), "inflates to more bytes than the " + npy.length);
  }

  @Test
  void float16EntriesAreCappedAtTheirFloat32Size() {
    // 300 000 halves are 600 000 bytes in the file but 1 200 000 as float32
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("w.weight.npy", Fixtures.npy(
        "{'descr': '<f2', 'fortran_order': False, 'shape': (300, 1000), }",
        new byte[600_000]));
    byte[] zip = Fixtures.zip(entries, true);
    rejects(zip, ReadOptions.defaults().withMaxTensorBytes(1 << 20), "as float32",
        "maxTensorBytes");
    assertEquals(1.0, read(zip).network().layers().get(0).sparsity());
  }

  @Test
  void corruptStoredDataFailsTheCrcCheck() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("w.weight.npy", Fixtures.npyF32("(1, 2)", 1, 2));
    byte[] zip = Fixtures.zip(entries, false);
    // the last float's last byte sits just before the central directory
    int cen = 0;
    ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    while (b.getInt(cen) != 0x02014b50) {
      cen++;
    }
    zip[cen - 1] ^= 0x01;
    rejects(zip, "CRC");
  }
}
