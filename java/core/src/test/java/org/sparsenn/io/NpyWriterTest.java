package org.sparsenn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyWriterTest {
  @TempDir Path dir;

  @Test
  void matrixRoundTripsBitForBit() {
    Random random = new Random(3);
    for (int[] rc : new int[][] {{1, 1}, {3, 7}, {17, 1025}, {0, 4}, {300, 1000}}) {
      float[] data = new float[rc[0] * rc[1]];
      for (int i = 0; i < data.length; i++) {
        data[i] = Float.intBitsToFloat(random.nextInt());
      }
      Path file = dir.resolve("m.npy");
      NpyWriter.write(file, rc[0], rc[1], data);
      NpyArray back = NpyReader.read(file);
      assertArrayEquals(rc, back.shape());
      int[] expected = new int[data.length];
      int[] actual = new int[data.length];
      for (int i = 0; i < data.length; i++) {
        expected[i] = Float.floatToRawIntBits(data[i]);
        actual[i] = Float.floatToRawIntBits(back.data()[i]);
      }
      assertArrayEquals(expected, actual, Arrays.toString(rc));
    }
  }

  @Test
  void headerIsVersion1AlignedTo64AndReadableByNumpyConventions() throws IOException {
    Path file = dir.resolve("v.npy");
    NpyWriter.write(file, new NpyArray(new int[] {5}, new float[5], null));
    byte[] bytes = Files.readAllBytes(file);
    assertEquals(1, bytes[6]);
    assertEquals(0, bytes[7]);
    int headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
    assertEquals(0, (10 + headerLength) % 64);
    String header = new String(bytes, 10, headerLength, StandardCharsets.ISO_8859_1);
    assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }"),
        header);
    assertTrue(header.endsWith("\n"));
    assertEquals(10 + headerLength + 20, bytes.length);
  }

  @Test
  void shapeDisagreeingWithDataIsRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> NpyWriter.write(dir.resolve("x.npy"), 2, 3, new float[5]));
  }
}
