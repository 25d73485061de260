package org.sparsenn.io.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.io.NpyArray;
import org.sparsenn.io.NpyWriter;

class CsvAndNpyDatasetTest {
  @TempDir Path dir;

  private Path csv(String text) throws IOException {
    return Files.writeString(dir.resolve("d.csv"), text);
  }

  @Test
  void csvWithHeaderTakesTheLabelColumnByName() throws IOException {
    Dataset d = CsvDataset.read(csv("a,label,b\n1.5,2,3\n\n4,0,5e-1\n"), "label");
    assertEquals(2, d.size());
    assertEquals(2, d.featureCount());
    assertArrayEquals(new float[] {1.5f, 3f}, d.features(0));
    assertArrayEquals(new float[] {4f, 0.5f}, d.features(1));
    assertArrayEquals(new int[] {2, 0}, d.labels());
  }

  @Test
  void csvWithoutHeaderDefaultsToTheLastColumnOrTakesAnIndex() throws IOException {
    Path file = csv("1,2,3\n4,5,6\n");
    assertArrayEquals(new int[] {3, 6}, CsvDataset.read(file, null).labels());
    Dataset first = CsvDataset.read(file, "0");
    assertArrayEquals(new int[] {1, 4}, first.labels());
    assertArrayEquals(new float[] {5, 6}, first.features(1));
  }

  @Test
  void badCsvIsOneClearError() throws IOException {
    assertMessage(csv("1,2\n3\n"), null, ":2: 1 fields");
    assertMessage(csv("1,2\n1,x\n"), "0", "not a number");
    assertMessage(csv("1,2.5\n"), null, "not a non-negative integer");
    assertMessage(csv("1,-1\n"), null, "not a non-negative integer");
    assertMessage(csv("a,b\n"), null, "no examples");
    assertMessage(csv("a,b\n1,2\n"), "c", "no column named 'c'");
    assertMessage(csv("1,2\n"), "7", "label column 7 does not exist");
  }

  private static void assertMessage(Path file, String column, String phrase) {
    DatasetFormatException e = assertThrows(DatasetFormatException.class,
        () -> CsvDataset.read(file, column));
    assertTrue(e.getMessage().contains(phrase), e.getMessage());
  }

  @Test
  void npyPairReadsLabelsOrTargets() {
    NpyWriter.write(dir.resolve("X.npy"), 3, 2, new float[] {1, 2, 3, 4, 5, 6});
    NpyWriter.write(dir.resolve("y.npy"), new NpyArray(new int[] {3}, new float[] {0, 2, 1},
        "<f4"));
    assertTrue(NpyDataset.isNpyFolder(dir));
    Dataset d = NpyDataset.read(dir);
    assertArrayEquals(new int[] {0, 2, 1}, d.labels());
    assertArrayEquals(new float[] {5, 6}, d.features(2));
    NpyWriter.write(dir.resolve("y.npy"), 3, 1, new float[] {0.5f, 1, 2});
    Dataset r = NpyDataset.read(dir);
    assertTrue(r.hasTargets());
    assertEquals(1, r.targetCount());
  }

  @Test
  void npyPairWithBadLabelsOrCountsIsRejected() {
    NpyWriter.write(dir.resolve("X.npy"), 2, 2, new float[4]);
    NpyWriter.write(dir.resolve("y.npy"), new NpyArray(new int[] {2}, new float[] {0, 0.5f},
        "<f4"));
    DatasetFormatException e = assertThrows(DatasetFormatException.class,
        () -> NpyDataset.read(dir));
    assertTrue(e.getMessage().contains("not a non-negative integer"), e.getMessage());
    NpyWriter.write(dir.resolve("y.npy"), new NpyArray(new int[] {3}, new float[3], "<f4"));
    e = assertThrows(DatasetFormatException.class, () -> NpyDataset.read(dir));
    assertTrue(e.getMessage().contains("for 2 examples"), e.getMessage());
  }

  @Test
  void integerLabelArrayIsRejectedWithAHint() throws IOException {
    NpyWriter.write(dir.resolve("X.npy"), 2, 2, new float[4]);
    // an int64 [2] array as NumPy writes it (version 1.0, header padded to 64 bytes)
    String dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }";
    StringBuilder header = new StringBuilder(dict);
    while ((10 + header.length() + 1) % 64 != 0) {
      header.append(' ');
    }
    header.append('\n');
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    out.write(header.length() & 0xff);
    out.write(header.length() >> 8);
    out.write(header.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    out.write(new byte[16]);
    Files.write(dir.resolve("y.npy"), out.toByteArray());
    DatasetFormatException e = assertThrows(DatasetFormatException.class,
        () -> NpyDataset.read(dir));
    assertTrue(e.getMessage().contains("y.npy") && e.getMessage().contains("astype"),
        e.getMessage());
  }
}
