package org.sparsenn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyReaderTest {
  @TempDir Path dir;

  private NpyArray read(byte[] bytes) {
    return NpyReader.read(Fixtures.write(dir, "a.npy", bytes));
  }

  private ModelFormatException rejects(byte[] bytes, String... fragments) {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> read(bytes));
    assertTrue(e.getMessage().contains("a.npy"), e.getMessage());
    for (String fragment : fragments) {
      assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
    return e;
  }

  private static String dict(String descr, String fortran, String shape) {
    return "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape
        + ", }";
  }

  @Test
  void float32MatrixReadsExactly() {
    NpyArray a = read(Fixtures.npyF32("(2, 3)", 1, -2, 3.5f, Float.MIN_VALUE, -0f, 7));
    assertArrayEquals(new int[] {2, 3}, a.shape());
    assertEquals(2, a.rows());
    assertEquals(3, a.columns());
    assertArrayEquals(new float[] {1, -2, 3.5f, Float.MIN_VALUE, -0f, 7}, a.data());
    assertFalse(a.converted());
  }

  @Test
  void versions2And3HeadersRead() {
    for (int major : new int[] {2, 3}) {
      NpyArray a = read(Fixtures.npy(major, dict("<f4", "False", "(3,)"),
          Fixtures.f32(1, 2, 3)));
      assertArrayEquals(new float[] {1, 2, 3}, a.data(), "version " + major);
    }
  }

  @Test
  void python2LongIntegersInShapeRead() {
    NpyArray a = read(Fixtures.npy(dict("<f4", "False", "(1L, 2L)"), Fixtures.f32(1, 2)));
    assertArrayEquals(new int[] {1, 2}, a.shape());
  }

  @Test
  void scalarAndEmptyArraysRead() {
    assertArrayEquals(new float[] {4}, read(Fixtures.npyF32("()", 4)).data());
    NpyArray empty = read(Fixtures.npyF32("(0, 5)"));
    assertArrayEquals(new int[] {0, 5}, empty.shape());
    assertEquals(0, empty.data().length);
  }

  @Test
  void float64IsConvertedToFloat32AndReported() {
    NpyArray a = read(Fixtures.npy(dict("<f8", "False", "(3,)"),
        Fixtures.f64(0.1, -1e-300, Double.NEGATIVE_INFINITY)));
    assertArrayEquals(new float[] {0.1f, -0f, Float.NEGATIVE_INFINITY}, a.data());
    assertEquals("<f8", a.sourceDtype());
    assertTrue(a.converted());
  }

  @Test
  void float64OutsideFloat32RangeIsAnError() {
    rejects(Fixtures.npy(dict("<f8", "False", "(2,)"), Fixtures.f64(1, 1e300)), "1.0E300",
        "float32 range");
  }

  @Test
  void bigEndianIsByteSwapped() {
    ByteBuffer f4 = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putFloat(1.5f)
        .putFloat(-3f);
    assertArrayEquals(new float[] {1.5f, -3f},
        read(Fixtures.npy(dict(">f4", "False", "(2,)"), f4.array())).data());
    ByteBuffer f8 = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putDouble(0.25);
    assertArrayEquals(new float[] {0.25f},
        read(Fixtures.npy(dict(">f8", "False", "(1,)"), f8.array())).data());
  }

  @Test
  void float16IsConverted() {
    assertArrayEquals(new float[] {1, Float.POSITIVE_INFINITY},
        read(Fixtures.npy(dict("<f2", "False", "(2,)"), Fixtures.u16(0x3c00, 0x7c00))).data());
  }

  @Test
  void fortranOrderIsRejected() {
    rejects(Fixtures.npy(dict("<f4", "True", "(2, 2)"), Fixtures.f32(1, 2, 3, 4)),
        "Fortran");
  }

  @Test
  void objectArrayIsRejected() {
    rejects(Fixtures.npy(dict("|O", "False", "(1,)"), new byte[8]), "object arrays");
  }

  @Test
  void otherDtypesAreRejectedNamingThem() {
    rejects(Fixtures.npy(dict("<i8", "False", "(1,)"), new byte[8]), "'<i8'", "float32");
    rejects(Fixtures.npy(dict("|b1", "False", "(1,)"), new byte[1]), "'|b1'");
  }

  @Test
  void structuredDtypeIsRejected() {
    rejects(Fixtures.npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }",
        new byte[4]), "structured");
  }

  @Test
  void hugeClaimedShapeIsRejectedBeforeAllocating() {
    rejects(Fixtures.npy(dict("<f4", "False", "(1000000, 1000000)"), new byte[16]),
        "more elements");
    rejects(Fixtures.npy(dict("<f4", "False", "(100000, 10000)"), new byte[16]),
        "truncated");
    rejects(Fixtures.npy(dict("<f4", "False", "(9223372036854775807, 2)"), new byte[16]));
    rejects(Fixtures.npy(dict("<f4", "False", "(99999999999999999999,)"), new byte[16]),
        "malformed");
  }

  @Test
  void negativeDimensionIsRejected() {
    rejects(Fixtures.npy(dict("<f4", "False", "(-1, 4)"), new byte[16]), "negative");
  }

  @Test
  void trailingBytesAreRejected() {
    byte[] ok = Fixtures.npyF32("(2,)", 1, 2);
    rejects(Arrays.copyOf(ok, ok.length + 4), "trailing");
  }

  @Test
  void truncationAtEveryByteIsRejected() {
    byte[] ok = Fixtures.npyF32("(2, 3)", 1, 2, 3, 4, 5, 6);
    for (int length = 0; length < ok.length; length++) {
      byte[] cut = Arrays.copyOf(ok, length);
      assertThrows(ModelFormatException.class, () -> read(cut), "length " + length);
    }
  }

  @Test
  void badMagicVersionAndHeaderAreRejected() {
    byte[] ok = Fixtures.npyF32("(1,)", 1);
    byte[] magic = ok.clone();
    magic[1] = 'X';
    rejects(magic, "magic");
    byte[] version = ok.clone();
    version[6] = 4;
    rejects(version, "version 4.0");
    rejects(Fixtures.npy("{'descr': '<f4', 'shape': (1,)}", Fixtures.f32(1)), "fortran_order");
    rejects(Fixtures.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}",
        Fixtures.f32(1)), "'x'");
    rejects(Fixtures.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)", Fixtures.f32(1)),
        "malformed");
    rejects(Fixtures.npy("[1, 2]", Fixtures.f32(1)), "malformed");
    rejects(Fixtures.npy(dict("<f4", "0", "(1,)"), Fixtures.f32(1)), "fortran_order");
    rejects(Fixtures.npy(dict("<f4", "False", "('a',)"), Fixtures.f32(1)), "shape");
  }

  @Test
  void oversizedHeaderLengthIsRejected() {
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(Integer.MAX_VALUE);
    rejects(b.array(), "header claims");
    byte[] v3 = Fixtures.npy(3, dict("<f4", "False", "(1,)"), Fixtures.f32(1));
    v3[20] = (byte) 0xff; // invalid UTF-8 inside the dict
    rejects(v3, "UTF-8");
  }
}
