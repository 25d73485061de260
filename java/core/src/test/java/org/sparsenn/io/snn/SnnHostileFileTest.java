package org.sparsenn.io.snn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.sparsenn.io.snn.SnnTestSupport.assemble;
import static org.sparsenn.io.snn.SnnTestSupport.bf16;
import static org.sparsenn.io.snn.SnnTestSupport.f32;
import static org.sparsenn.io.snn.SnnTestSupport.i32;
import static org.sparsenn.io.snn.SnnTestSupport.metadata;
import static org.sparsenn.io.snn.SnnTestSupport.randomNetwork;
import static org.sparsenn.io.snn.SnnTestSupport.u16;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.io.ModelFormatException;
import org.sparsenn.io.ReadOptions;
import org.sparsenn.io.snn.SnnWriteOptions.StorageChoice;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

/**
 * Damaged and hostile .snn files: each must end in a {@link ModelFormatException} that says
 * what is wrong, never another exception, an allocation the file does not back, or a model.
 */
class SnnHostileFileTest {
  private static final int OFFSET = 8;
  private static final int LENGTH = 16;
  private static final int COUNT = 24;
  // section kinds
  private static final int WEIGHTS = 1;
  private static final int ROWS = 2;
  private static final int COLS = 3;
  private static final int VALUES = 4;
  private static final int BIAS = 5;

  @TempDir Path dir;
  private byte[] valid;

  @BeforeEach
  void writeValidFile() {
    // two csr16 layers: 8 sections
    Path file = dir.resolve("valid.snn");
    SnnWriter.write(randomNetwork(22, 0.6, Activation.leakyRelu(0.2f), true, 5, 6, 3), file,
        SnnWriteOptions.defaults().withStorage(StorageChoice.CSR));
    valid = SnnTestSupport.bytes(file);
    assertEquals(8, SnnTestSupport.sectionCount(valid));
  }

  private ModelFormatException rejects(byte[] bytes) {
    Path file = SnnTestSupport.write(dir.resolve("bad.snn"), bytes);
    return assertThrows(ModelFormatException.class, () -> SnnFile.read(file));
  }

  private void rejects(byte[] bytes, String... phrases) {
    ModelFormatException e = rejects(bytes);
    for (String phrase : phrases) {
      assertTrue(e.getMessage().contains(phrase), "expected '" + phrase + "' in: "
          + e.getMessage());
    }
  }

  @Test
  void truncationAtEveryByteIsRejected() {
    // every length through the fixed header, then every third (the files are written anew)
    for (int length = 0; length < valid.length; length += length < 64 ? 1 : 3) {
      Path file = SnnTestSupport.write(dir.resolve("t.snn"), Arrays.copyOf(valid, length));
      try {
        SnnFile.read(file);
        fail("a file truncated to " + length + " of " + valid.length + " bytes was read");
      } catch (ModelFormatException expected) {
        // each must be this exception
      }
    }
  }

  @Test
  void flippedByteInEverySectionIsACrcMismatchNamingTheSection() {
    int n = SnnTestSupport.sectionCount(valid);
    int checked = 0;
    for (int i = 0; i < n; i++) {
      long offset = SnnTestSupport.tocLong(valid, i, OFFSET);
      long length = SnnTestSupport.tocLong(valid, i, LENGTH);
      for (long at : new long[] {offset, offset + length / 2, offset + length - 1}) {
        if (length == 0) {
          continue;
        }
        byte[] bytes = valid.clone();
        bytes[(int) at] ^= 0x10;
        rejects(bytes, "section " + i + " ", "CRC32C");
        checked++;
      }
    }
    assertTrue(checked >= 3 * (n - 1), "sections checked: " + checked);
  }

  @Test
  void flippedSectionByteIsReadWhenVerificationIsSkipped() {
    // a value byte, not structure: only the checksum can see it
    long valuesOffset = SnnTestSupport.tocLong(valid, 2, OFFSET);
    byte[] bytes = valid.clone();
    bytes[(int) valuesOffset] ^= 0x01;
    Path file = SnnTestSupport.write(dir.resolve("skip.snn"), bytes);
    SnnFile.read(file, ReadOptions.defaults(), false);
    assertThrows(ModelFormatException.class, () -> SnnFile.read(file));
  }

  @Test
  void flippedMetadataOrTableByteIsAHeaderChecksumMismatch() {
    int metadataStart = SnnFormat.HEADER_BYTES + 40 * SnnTestSupport.sectionCount(valid);
    for (int at : new int[] {33, SnnFormat.HEADER_BYTES + 40 * 4 + 3, 60, metadataStart + 9}) {
      byte[] bytes = valid.clone();
      bytes[at] ^= 0x04;
      rejects(bytes, "header checksum mismatch");
    }
  }

  @Test
  void nonzeroPaddingIsRejected() {
    // section 0 holds the 7 row pointers of a 6-output layer: 28 bytes, then 36 of padding
    long end = SnnTestSupport.tocLong(valid, 0, OFFSET) + SnnTestSupport.tocLong(valid, 0, LENGTH);
    assertEquals(28, SnnTestSupport.tocLong(valid, 0, LENGTH));
    byte[] bytes = valid.clone();
    bytes[(int) end + 5] = 1;
    rejects(bytes, "padding byte at offset " + (end + 5) + ", before section 1");
  }

  @Test
  void notAnSnnFileAndTextModeDamageAreNamed() {
    rejects(new byte[0], "empty file");
    rejects("PK\3\4 not a model at all, a zip or some text".getBytes(), "not an .snn file");
    byte[] crlfToLf = new byte[valid.length - 1];
    System.arraycopy(valid, 0, crlfToLf, 0, 4);
    System.arraycopy(valid, 5, crlfToLf, 4, valid.length - 5);
    rejects(crlfToLf, "text-mode");
  }

  @Test
  void trailingBytesAreRejected() {
    rejects(Arrays.copyOf(valid, valid.length + 3), "3 bytes after the declared end");
  }

  @Test
  void hugeSectionCountIsRejectedBeforeAllocating() {
    byte[] bytes = valid.clone();
    SnnTestSupport.le(bytes).putInt(12, -1);
    rejects(bytes, "4294967295 sections");
  }

  @Test
  void hugeMetadataLengthIsRejectedBeforeAllocating() {
    byte[] bytes = valid.clone();
    SnnTestSupport.le(bytes).putInt(16, Integer.MAX_VALUE);
    rejects(bytes, "metadata length");
  }

  @Test
  void sectionRunningPastTheEndIsRejected() {
    byte[] bytes = valid.clone();
    SnnTestSupport.setTocLong(bytes, 1, LENGTH, 1L << 40);
    rejects(SnnTestSupport.reseal(bytes), "section 1 ", "runs past the end");
  }

  @Test
  void negativeOffsetIsRejected() {
    byte[] bytes = valid.clone();
    SnnTestSupport.setTocLong(bytes, 2, OFFSET, -64);
    rejects(SnnTestSupport.reseal(bytes), "section 2", "out of range");
  }

  @Test
  void misalignedOffsetIsRejected() {
    byte[] bytes = valid.clone();
    SnnTestSupport.setTocLong(bytes, 1, OFFSET, SnnTestSupport.tocLong(bytes, 1, OFFSET) + 4);
    rejects(SnnTestSupport.reseal(bytes), "section 1", "not 64-byte aligned");
  }

  @Test
  void overlappingSectionsAreRejected() {
    byte[] bytes = valid.clone();
    SnnTestSupport.setTocLong(bytes, 1, OFFSET, SnnTestSupport.tocLong(bytes, 0, OFFSET));
    rejects(SnnTestSupport.reseal(bytes), "section 1", "overlaps section 0");
  }

  @Test
  void hugeElementCountIsRejectedBeforeAllocating() {
    byte[] bytes = valid.clone();
    SnnTestSupport.setTocLong(bytes, 3, COUNT, 1L << 40);
    rejects(SnnTestSupport.reseal(bytes), "section 3", "more than one array can hold");
  }

  @Test
  void elementCountDisagreeingWithByteLengthIsRejected() {
    byte[] bytes = valid.clone();
    SnnTestSupport.setTocLong(bytes, 3, COUNT, SnnTestSupport.tocLong(bytes, 3, COUNT) + 1);
    rejects(SnnTestSupport.reseal(bytes), "section 3", "the table says");
  }

  private static final String DENSE_2X3 = "{\"inputs\":2,\"outputs\":3,\"activation\":\"relu\","
      + "\"storage\":\"dense\",\"sections\":{\"weights\":0,\"bias\":1}}";

  /** A dense 2 -> 3 layer that reads features 0 and 5 of {@code original} inputs. */
  private static byte[] selecting(long original) {
    String meta = "{\"softmaxOutput\":false,\"layers\":[" + DENSE_2X3 + "],"
        + "\"inputSelection\":{\"originalInputs\":" + original + ",\"features\":[0,5]}}";
    return assemble(meta, f32(WEIGHTS, 1, 2, 3, 4, 5, 6), f32(BIAS, 0, 0, 0));
  }

  @Test
  void inputSelectionTooWideForTheUnprunedLayerIsRejectedAtRead() {
    Path file = SnnTestSupport.write(dir.resolve("wide.snn"), selecting(1000));
    assertEquals(1000, SnnFile.read(file).network().originalInputs());
    // 3 x 2147483647 weights never fitted one layer: a clear error, not an overflow later
    rejects(selecting(Integer.MAX_VALUE), "bad.snn", "inputSelection.originalInputs = "
        + Integer.MAX_VALUE, "more elements than sparsenn can hold");
    rejects(selecting(Integer.MAX_VALUE + 1L), "inputSelection.originalInputs",
        "not a positive 32-bit integer");
  }

  private static String csrLayer(int inputs, int outputs, String storage, int first) {
    return "{\"inputs\":" + inputs + ",\"outputs\":" + outputs + ",\"activation\":\"identity\","
        + "\"storage\":\"" + storage + "\",\"sections\":{\"rowPointers\":" + first
        + ",\"columnIndices\":" + (first + 1) + ",\"values\":" + (first + 2) + ",\"bias\":"
        + (first + 3) + "}}";
  }

  @Test
  void assembledValidFileIsRead() {
    // the assembler itself is right, so the rejections below are about their content
    byte[] bytes = assemble(metadata(csrLayer(3, 2, "csr16", 0)),
        i32(ROWS, 0, 1, 3), u16(COLS, 2, 0, 1), f32(VALUES, 1, 2, 3), f32(BIAS, 0, 0));
    Path file = SnnTestSupport.write(dir.resolve("ok.snn"), bytes);
    assertEquals(3f, SnnFile.read(file).network().layers().get(0).weight(1, 1));
  }

  @Test
  void assembledBf16LayersAreWidenedExactly() {
    // 1.0 = 0x3f80, -2.5 = 0xc020, 0.15625 = 0x3e20
    byte[] csr = assemble(metadata(csrLayer(3, 2, "csr16_bf16", 0)),
        i32(ROWS, 0, 1, 3), u16(COLS, 2, 0, 1), bf16(VALUES, 0x3f80, 0xc020, 0x3e20),
        f32(BIAS, 0, 0));
    Network net = SnnFile.read(SnnTestSupport.write(dir.resolve("c.snn"), csr)).network();
    assertEquals(1f, net.layers().get(0).weight(0, 2));
    assertEquals(-2.5f, net.layers().get(0).weight(1, 0));
    assertEquals(0.15625f, net.layers().get(0).weight(1, 1));
    String dense = DENSE_2X3.replace("\"dense\"", "\"dense_bf16\"");
    byte[] d = assemble(metadata(dense), bf16(WEIGHTS, 0x3f80, 0, 0, 0, 0, 0xc020),
        f32(BIAS, 0, 0, 0));
    net = SnnFile.read(SnnTestSupport.write(dir.resolve("d.snn"), d)).network();
    assertEquals(-2.5f, net.layers().get(0).weight(2, 1));
  }

  /** A bsr16 layer of 3 inputs and 18 outputs (two panels, the second of 2 rows). */
  private static byte[] blocks(int[] panelPointers, int[] columns, float... values) {
    return assemble(metadata(csrLayer(3, 18, "bsr16", 0)), i32(ROWS, panelPointers),
        u16(COLS, columns), f32(VALUES, values), f32(BIAS, new float[18]));
  }

  /** 16 values per block: the block's value for rows 0..{@code rows}-1, zeros after. */
  private static float[] block(int rows, float value) {
    float[] v = new float[16];
    Arrays.fill(v, 0, rows, value);
    return v;
  }

  private static float[] concat(float[]... parts) {
    int n = 0;
    for (float[] p : parts) {
      n += p.length;
    }
    float[] all = new float[n];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }

  @Test
  void assembledBlockLayerIsReadAndEveryRuleOfItsArraysIsChecked() {
    // panel 0: columns 0 and 2; panel 1 (rows 16, 17): column 1
    float[] ok = concat(block(16, 1), block(16, 2), block(2, 3));
    Network net = SnnFile.read(SnnTestSupport.write(dir.resolve("b.snn"),
        blocks(new int[] {0, 2, 3}, new int[] {0, 2, 1}, ok))).network();
    assertEquals(2f, net.layers().get(0).weight(15, 2));
    assertEquals(3f, net.layers().get(0).weight(17, 1));
    assertEquals(0f, net.layers().get(0).weight(17, 0));
    rejects(blocks(new int[] {0, 3}, new int[] {0, 2, 1}, ok),
        "layer 0", "(rowPointers) has 2 elements, expected 3");
    rejects(blocks(new int[] {0, 2, 3}, new int[] {0, 2, 1}, concat(block(16, 1), block(16, 2))),
        "(values) has 32 elements, expected 48");
    rejects(blocks(new int[] {0, 2, 3}, new int[] {0, 3, 1}, ok),
        "panel 0: columnIndices[1] = 3 is outside [0, 3)");
    rejects(blocks(new int[] {0, 2, 3}, new int[] {2, 0, 1}, ok),
        "panel 0: columnIndices[1] = 0 is not greater than the previous column 2");
    rejects(blocks(new int[] {0, 3, 2}, new int[] {0, 1, 2}, ok), "rowPointers must run from 0");
    rejects(blocks(new int[] {0, 2, 3}, new int[] {0, 2, 1},
        concat(block(16, 1), block(16, 2), block(3, 3))),
        "values[34], row 18 of the last panel, is past the 18 rows and must be zero");
    rejects(assemble(metadata(csrLayer(3, 2, "bsr16", 0)), i32(ROWS, 0, 4), u16(COLS, 0, 1, 2, 0),
        f32(VALUES, new float[64]), f32(BIAS, 0, 0)), "4 blocks, more than the 3 of 1 panels");
  }

  @Test
  void byteFlipsInBlockFilesEndInModelOrModelFormatException() {
    Network net = new Network(List.of(new DenseLayer(20, 40, concatRows(40, 20), null,
        Activation.RELU)), false);
    Path file = dir.resolve("bsr.snn");
    assertEquals(List.of(LayerStorage.BSR16), SnnWriter.write(net, file,
        SnnWriteOptions.defaults()));
    byte[] bytes = SnnTestSupport.bytes(file);
    fuzz(bytes, 35, 1000, false);
    fuzz(bytes, 36, 1500, true);
  }

  /** {@code rows x cols} weights in 16x1 blocks: every third column of each panel kept. */
  private static float[] concatRows(int rows, int cols) {
    float[] w = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        if ((c + r / 16) % 3 == 0) {
          w[r * cols + c] = 0.5f + r - c;
        }
      }
    }
    return w;
  }

  @Test
  void bf16StorageWithF32SectionsOrTheWrongCountIsRejected() {
    rejects(assemble(metadata(csrLayer(3, 2, "csr16_bf16", 0)),
        i32(ROWS, 0, 1, 3), u16(COLS, 2, 0, 1), f32(VALUES, 1, 2, 3), f32(BIAS, 0, 0)),
        "layer 0", "sections 'values'", "expected values of bf16");
    rejects(assemble(metadata(csrLayer(3, 2, "csr16", 0)),
        i32(ROWS, 0, 1, 3), u16(COLS, 2, 0, 1), bf16(VALUES, 1, 2, 3), f32(BIAS, 0, 0)),
        "expected values of f32");
    rejects(assemble(metadata(DENSE_2X3.replace("\"dense\"", "\"dense_bf16\"")),
        bf16(WEIGHTS, 1, 2, 3, 4, 5), f32(BIAS, 0, 0, 0)),
        "(weights) has 5 elements, expected 6");
    rejects(assemble(metadata(csrLayer(3, 2, "csr16_bf16", 0)),
        i32(ROWS, 0, 1, 3), u16(COLS, 2, 0, 1), bf16(VALUES, 1, 2), f32(BIAS, 0, 0)),
        "(columnIndices) has 3 elements, expected 2");
    rejects(assemble(metadata(csrLayer(3, 2, "csr16_bf16", 0)),
        i32(ROWS, 0, 1, 3), u16(COLS, 2, 3, 1), bf16(VALUES, 1, 2, 3), f32(BIAS, 0, 0)),
        "row 1: columnIndices[1] = 3 is outside [0, 3)");
  }

  @Test
  void csrColumnIndexOutsideTheLayerNamesLayerRowAndIndex() {
    rejects(assemble(metadata(csrLayer(3, 2, "csr16", 0)),
        i32(ROWS, 0, 1, 3), u16(COLS, 2, 0, 3), f32(VALUES, 1, 2, 3), f32(BIAS, 0, 0)),
        "layer 0 (csr16): row 1: columnIndices[2] = 3 is outside [0, 3)");
  }

  @Test
  void csrUnsortedIndicesWithinARowAreRejected() {
    rejects(assemble(metadata(csrLayer(3, 2, "csr", 0)),
        i32(ROWS, 0, 1, 3), i32(COLS, 2, 1, 0), f32(VALUES, 1, 2, 3), f32(BIAS, 0, 0)),
        "row 1: columnIndices[2] = 0 is not greater");
  }

  @Test
  void csrDecreasingRowPointersAreRejected() {
    rejects(assemble(metadata(csrLayer(3, 3, "csr", 0)),
        i32(ROWS, 0, 2, 1, 3), i32(COLS, 0, 1, 2), f32(VALUES, 1, 2, 3), f32(BIAS, 0, 0, 0)),
        "row 1: rowPointers[2] = 1 is not in [rowPointers[1] = 2");
  }

  @Test
  void csrFirstRowPointerNotZeroIsRejected() {
    rejects(assemble(metadata(csrLayer(3, 2, "csr", 0)),
        i32(ROWS, 1, 2, 3), i32(COLS, 0, 1, 2), f32(VALUES, 1, 2, 3), f32(BIAS, 0, 0)),
        "rowPointers[0] must be 0");
  }

  @Test
  void csrNegativeInt32ColumnIndexIsRejected() {
    rejects(assemble(metadata(csrLayer(3, 1, "csr", 0)),
        i32(ROWS, 0, 1), i32(COLS, -1), f32(VALUES, 1), f32(BIAS, 0)),
        "columnIndices[0] = -1 is outside");
  }

  @Test
  void layersWhoseShapesDoNotChainAreRejected() {
    rejects(assemble(metadata(DENSE_2X3, csrLayer(4, 1, "csr16", 2)),
        f32(WEIGHTS, 1, 2, 3, 4, 5, 6), f32(BIAS, 0, 0, 0),
        i32(ROWS, 0, 0), u16(COLS), f32(VALUES), f32(BIAS, 0)),
        "layer 0 has 3 outputs but layer 1 takes 4 inputs");
  }

  @Test
  void hugeLayerShapeBackedByEmptyCsrIsRejectedBeforeAllocating() {
    rejects(assemble(metadata(csrLayer(2_000_000_000, 2, "csr", 0)),
        i32(ROWS, 0, 0, 0), i32(COLS), f32(VALUES), f32(BIAS, 0, 0)),
        "more than one dense array can hold");
    Path file = SnnTestSupport.write(dir.resolve("big.snn"),
        assemble(metadata(csrLayer(50_000, 2, "csr16", 0)),
            i32(ROWS, 0, 0, 0), u16(COLS), f32(VALUES), f32(BIAS, 0, 0)));
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> SnnFile.read(file, ReadOptions.defaults().withMaxTensorBytes(1000), true));
    assertTrue(e.getMessage().contains("maxTensorBytes"), e.getMessage());
  }

  @Test
  void denseWeightCountDisagreeingWithTheShapeIsRejected() {
    rejects(assemble(metadata(DENSE_2X3), f32(WEIGHTS, 1, 2, 3, 4, 5), f32(BIAS, 0, 0, 0)),
        "section 0 (weights) has 5 elements, expected 6");
  }

  @Test
  void sectionUsedTwiceUnusedOrOfTheWrongKindIsRejected() {
    rejects(assemble(metadata("{\"inputs\":1,\"outputs\":1,\"activation\":\"relu\","
        + "\"storage\":\"dense\",\"sections\":{\"weights\":0,\"bias\":0}}"),
        f32(WEIGHTS, 1)), "used twice");
    rejects(assemble(metadata(DENSE_2X3), f32(WEIGHTS, 1, 2, 3, 4, 5, 6), f32(BIAS, 0, 0, 0),
        f32(BIAS, 0)), "section 2 is not used");
    rejects(assemble(metadata(DENSE_2X3), f32(BIAS, 1, 2, 3, 4, 5, 6), f32(BIAS, 0, 0, 0)),
        "holds bias of f32, expected weights of f32");
    rejects(assemble(metadata(csrLayer(3, 1, "csr16", 0)),
        i32(ROWS, 0, 1), i32(COLS, 1), f32(VALUES, 1), f32(BIAS, 0)),
        "expected columnIndices of u16");
  }

  @Test
  void unknownSectionKindIsRejected() {
    rejects(assemble(metadata(DENSE_2X3), f32(WEIGHTS, 1, 2, 3, 4, 5, 6), f32(BIAS, 0, 0, 0),
        new SnnTestSupport.Raw(99, 1, 0, new byte[0])), "section 2: unknown kind 99");
  }

  @Test
  void badMetadataIsRejectedWithTheReason() {
    String layer = DENSE_2X3;
    SnnTestSupport.Raw w = f32(WEIGHTS, 1, 2, 3, 4, 5, 6);
    SnnTestSupport.Raw b = f32(BIAS, 0, 0, 0);
    rejects(assemble("{\"softmaxOutput\":false,\"layers\":[" + layer + "]", w, b),
        "not valid JSON");
    rejects(assemble("{\"softmaxOutput\":false,\"softmaxOutput\":true,\"layers\":[" + layer
        + "]}", w, b), "not valid JSON");
    rejects(assemble("[1, 2]", w, b), "not a JSON object");
    rejects(assemble("{\"layers\":[" + layer + "]}", w, b), "softmaxOutput");
    rejects(assemble(metadata(), w, b), "'layers'");
    rejects(assemble(metadata(layer.replace("relu", "swish")), w, b),
        "unknown activation 'swish'");
    rejects(assemble(metadata(layer.replace("\"dense\"", "\"coo\"")), w, b),
        "unknown storage 'coo'");
    rejects(assemble(metadata(layer.replace("\"inputs\":2", "\"inputs\":-2")), w, b),
        "'inputs' is missing or not a positive");
    rejects(assemble(metadata(layer.replace("\"inputs\":2", "\"inputs\":1e400")), w, b));
    rejects(assemble(metadata(layer.replace("\"bias\":1", "\"bias\":7")), w, b),
        "'bias' is missing or not a section index in [0, 2)");
    rejects(assemble(metadata(csrLayer(70_000, 1, "csr16", 0)),
        i32(ROWS, 0, 0), u16(COLS), f32(VALUES), f32(BIAS, 0)), "csr16 addresses at most");
    rejects(assemble("{\"softmaxOutput\":false,\"layers\":[" + "[".repeat(40)
        + "]".repeat(40) + "]}", w, b), "not valid JSON");
    byte[] notUtf8 = assemble(metadata(layer.replace("relu", "r\u00e9lu")), w, b);
    byte[] utf8 = "\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int i = 0; i + 1 < notUtf8.length; i++) {
      if (notUtf8[i] == utf8[0] && notUtf8[i + 1] == utf8[1]) {
        notUtf8[i + 1] = (byte) 0xff;
        break;
      }
    }
    rejects(SnnTestSupport.reseal(notUtf8), "not valid UTF-8");
  }

  /** Seeded byte flips and truncations; {@code deep} reseals the header CRC and skips CRCs. */
  private void fuzz(long seed, int iterations, boolean deep) {
    fuzz(valid, seed, iterations, deep);
  }

  private void fuzz(byte[] source, long seed, int iterations, boolean deep) {
    Random random = new Random(seed);
    Path file = dir.resolve("fuzz.snn");
    long slowest = 0;
    int rejected = 0;
    for (int i = 0; i < iterations; i++) {
      byte[] bytes = source.clone();
      int flips = 1 + random.nextInt(4);
      for (int f = 0; f < flips; f++) {
        int at = random.nextInt(bytes.length);
        bytes[at] = random.nextInt(3) == 0 ? (byte) (bytes[at] ^ (1 << random.nextInt(8)))
            : (byte) random.nextInt(256);
      }
      if (random.nextInt(8) == 0) {
        bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
      }
      if (deep) {
        SnnTestSupport.reseal(bytes);
      }
      SnnTestSupport.write(file, bytes);
      long start = System.nanoTime();
      try {
        SnnFile.read(file, ReadOptions.defaults(), !deep);
      } catch (ModelFormatException e) {
        rejected++;
      } catch (RuntimeException | Error e) {
        fail("iteration " + i + " of seed " + seed + ": " + e, e);
      }
      slowest = Math.max(slowest, System.nanoTime() - start);
    }
    assertTrue(slowest / 1e9 < 1.0, "slowest input took " + slowest / 1e9 + " s");
    assertTrue(rejected > iterations / 4, "only " + rejected + " rejected");
  }

  @Test
  void byteFlipsEndInModelOrModelFormatException() {
    fuzz(31, 1000, false);
  }

  @Test
  void byteFlipsPastResealedHeaderWithoutChecksumsEndInModelOrModelFormatException() {
    fuzz(32, 1500, true);
  }

  @Test
  void byteFlipsInBf16FilesEndInModelOrModelFormatException() {
    // a csr16_bf16 layer then a dense_bf16 one
    Network net = new Network(List.of(
        randomNetwork(23, 0.9, Activation.RELU, false, 30, 20).layers().get(0),
        randomNetwork(24, 0.0, Activation.IDENTITY, false, 20, 4).layers().get(0)), false);
    Path file = dir.resolve("bf16.snn");
    assertEquals(List.of(LayerStorage.CSR16_BF16, LayerStorage.DENSE_BF16), SnnWriter.write(net,
        file, SnnWriteOptions.defaults().withStorage(StorageChoice.BF16)));
    byte[] bytes = SnnTestSupport.bytes(file);
    fuzz(bytes, 33, 1000, false);
    fuzz(bytes, 34, 1500, true);
  }
}
