package org.sparsenn.io.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparsenn.io.data.IdxTestFiles.gzip;
import static org.sparsenn.io.data.IdxTestFiles.idx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  @TempDir Path dir;

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private void assertRejected(Path file, String phrase) {
    DatasetFormatException e = assertThrows(DatasetFormatException.class,
        () -> IdxReader.read(file));
    assertTrue(e.getMessage().contains(phrase) && e.getMessage().contains(file.toString()),
        e.getMessage());
  }

  @Test
  void plainAndGzippedFilesReadTheSame() throws IOException {
    byte[] data = {0, 1, (byte) 255, 7, 8, 9};
    byte[] bytes = idx(new int[] {2, 1, 3}, data);
    IdxReader.IdxArray plain = IdxReader.read(write("a-idx3-ubyte", bytes));
    IdxReader.IdxArray gz = IdxReader.read(write("a-idx3-ubyte.gz", gzip(bytes)));
    assertArrayEquals(new int[] {2, 1, 3}, plain.dimensions());
    assertArrayEquals(data, plain.data());
    assertArrayEquals(plain.dimensions(), gz.dimensions());
    assertArrayEquals(plain.data(), gz.data());
    assertEquals(255, plain.unsigned(2));
  }

  @Test
  void truncatedPlainFileIsRejectedBeforeAllocating() throws IOException {
    byte[] bytes = idx(new int[] {10, 28, 28}, new byte[10 * 28 * 28]);
    assertRejected(write("short", Arrays.copyOf(bytes, bytes.length - 1)), "truncated");
    assertRejected(write("header", Arrays.copyOf(bytes, 9)), "truncated");
    assertRejected(write("magic", new byte[] {0, 0}), "truncated");
  }

  @Test
  void trailingBytesAreRejected() throws IOException {
    byte[] bytes = idx(new int[] {2}, new byte[] {1, 2});
    assertRejected(write("long", Arrays.copyOf(bytes, bytes.length + 3)), "trailing bytes");
    assertRejected(write("long.gz", gzip(Arrays.copyOf(bytes, bytes.length + 3))),
        "trailing bytes");
  }

  @Test
  void hostileDimensionsAreRejectedWithoutOutOfMemory() throws IOException {
    // 2^31-1 x 2^31-1 x 2^31-1 in a 16-byte file, plain and gzipped
    byte[] header = {0, 0, 8, 3, 0x7f, -1, -1, -1, 0x7f, -1, -1, -1, 0x7f, -1, -1, -1};
    assertRejected(write("huge", header), "more elements");
    // 60000 x 28 x 28 announced in a small gzip file: more than deflate can expand to
    byte[] lie = idx(new int[] {60000, 28, 28}, new byte[0]);
    assertRejected(write("lie.gz", gzip(lie)), "gzip file can hold");
    // a size deflate could reach, but the data is not there
    assertRejected(write("short.gz", gzip(idx(new int[] {1000}, new byte[100]))), "truncated");
  }

  @Test
  void truncatedGzipStreamIsRejected() throws IOException {
    byte[] bytes = gzip(idx(new int[] {100}, new byte[100]));
    assertRejected(write("cut.gz", Arrays.copyOf(bytes, bytes.length - 10)), "truncated");
  }

  @Test
  void wrongMagicTypeAndRankAreRejected() throws IOException {
    assertRejected(write("magic", new byte[] {1, 0, 8, 1, 0, 0, 0, 0}), "not an IDX file");
    assertRejected(write("type", new byte[] {0, 0, 0x0D, 1, 0, 0, 0, 0}), "0xd");
    assertRejected(write("rank", new byte[] {0, 0, 8, 0}), "rank 0");
  }

  @Test
  void folderLoadsScaledPixelsAndLabels() throws IOException {
    Files.write(dir.resolve("train-images-idx3-ubyte"),
        idx(new int[] {2, 2, 2}, new byte[] {0, (byte) 255, 51, 102, 1, 2, 3, 4}));
    Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(idx(new int[] {2},
        new byte[] {3, 9})));
    Files.write(dir.resolve("t10k-images-idx3-ubyte"), idx(new int[] {1, 2, 2}, new byte[4]));
    Files.write(dir.resolve("t10k-labels-idx1-ubyte"), idx(new int[] {1}, new byte[] {1}));
    assertTrue(IdxDatasets.isIdxFolder(dir));
    Dataset.Split both = IdxDatasets.load(dir);
    Dataset train = both.first();
    assertEquals(2, train.size());
    assertEquals(4, train.featureCount());
    assertArrayEquals(new float[] {0f, 1f, 0.2f, 0.4f}, train.features(0));
    assertArrayEquals(new int[] {3, 9}, train.labels());
    assertEquals(1, both.second().size());
  }

  @Test
  void folderWithMismatchedCountsOrMissingFileIsRejected() throws IOException {
    Files.write(dir.resolve("train-images-idx3-ubyte"), idx(new int[] {2, 1, 1}, new byte[2]));
    Files.write(dir.resolve("train-labels-idx1-ubyte"), idx(new int[] {3}, new byte[3]));
    DatasetFormatException e = assertThrows(DatasetFormatException.class,
        () -> IdxDatasets.loadTrain(dir));
    assertTrue(e.getMessage().contains("2 images") && e.getMessage().contains("3 labels"),
        e.getMessage());
    e = assertThrows(DatasetFormatException.class, () -> IdxDatasets.loadTest(dir));
    assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte"), e.getMessage());
  }

  @Test
  void realFashionMnistLoadsWhenInstalled() {
    Path real = Path.of("/usr/share/datasets/fashion-mnist");
    Assumptions.assumeTrue(IdxDatasets.isIdxFolder(real), "Fashion-MNIST not installed");
    Dataset test = IdxDatasets.loadTest(real);
    assertEquals(10000, test.size());
    assertEquals(784, test.featureCount());
    assertEquals(10, test.classCount());
  }
}
