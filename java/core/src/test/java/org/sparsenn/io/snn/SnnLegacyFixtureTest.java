package org.sparsenn.io.snn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.kernel.IndexWidth;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.sparse.CsrMatrix;

/**
 * Files written before the layer-format registry still load: {@code legacy/mixed-storage-1.1.snn}
 * was written by the code of commit 58e64f9 ({@code legacy/make-fixture.jsh}), one layer per
 * storage (csr with int32 indices, csr16, dense). The expected weights are recomputed here from
 * the script's formulas and compared bit for bit.
 */
class SnnLegacyFixtureTest {
  private static final String FIXTURE = "legacy/mixed-storage-1.1.snn";
  private static final int WIDE = 65_537;
  private static final int[] WIDE_COLUMNS = {0, 1, 2, 7, 255, 256, 40000, 65534, 65535, 65536};

  @TempDir Path dir;

  @Test
  void everyLayerLoadsWithItsStorageAndItsWeightsBitForBit() throws IOException {
    SnnFile snn = SnnFile.read(copyOfFixture());

    assertEquals("1.1", snn.version());
    assertEquals(List.of(LayerStorage.CSR, LayerStorage.CSR16, LayerStorage.DENSE),
        snn.storages());
    assertEquals("legacy fixture, commit 58e64f9", snn.provenance().get("note"));
    Network network = snn.network();
    assertTrue(network.softmaxOutput());
    assertLayer(network.layers().get(0), WIDE, 4, wideWeights(), new float[] {0.5f, -0.5f,
        0.25f, -0.25f}, Activation.RELU);
    assertLayer(network.layers().get(1), 4, 6, middleWeights(), new float[] {1, 2, 3, 4, 5, 6},
        Activation.parse("leaky_relu:0.01"));
    assertLayer(network.layers().get(2), 6, 3, denseWeights(), new float[] {-1, 0, 1},
        Activation.IDENTITY);

    assertEquals(IndexWidth.INT32, snn.csr(0).indexWidth());
    // ten columns per row, less the two weights the formula makes zero (row 0 k 4, row 1 k 8)
    assertEquals(4 * WIDE_COLUMNS.length - 2, snn.storedWeights(0));
    assertEquals(IndexWidth.UINT16, snn.csr(1).indexWidth());
    // the odd positions but index 11 (+0.0); the negative zero at index 3 is stored
    assertEquals(11, snn.storedWeights(1));
  }

  @Test
  void mappedCsrLayersMatchTheWeights() throws IOException {
    try (MappedSnnFile mapped = MappedSnnFile.open(copyOfFixture())) {
      CsrMatrix wide = mapped.csr(0);
      assertEquals(IndexWidth.INT32, wide.indexWidth());
      assertBits(wideWeights(), wide.toDense());
      CsrMatrix middle = mapped.csr(1);
      assertEquals(IndexWidth.UINT16, middle.indexWidth());
      assertBits(middleWeights(), middle.toDense());
    }
  }

  private Path copyOfFixture() throws IOException {
    Path file = dir.resolve("legacy.snn");
    try (InputStream in = SnnLegacyFixtureTest.class.getResourceAsStream(FIXTURE)) {
      Files.copy(in, file);
    }
    return file;
  }

  private static void assertLayer(DenseLayer layer, int inputs, int outputs, float[] weights,
      float[] bias, Activation activation) {
    assertEquals(inputs, layer.inputs());
    assertEquals(outputs, layer.outputs());
    assertEquals(activation, layer.activation());
    assertBits(weights, layer.weights());
    assertBits(bias, layer.bias());
  }

  private static void assertBits(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length);
    int[] e = new int[expected.length];
    int[] a = new int[actual.length];
    for (int i = 0; i < e.length; i++) {
      e[i] = Float.floatToRawIntBits(expected[i]);
      a[i] = Float.floatToRawIntBits(actual[i]);
    }
    assertArrayEquals(e, a);
  }

  private static float[] wideWeights() {
    float[] w = new float[4 * WIDE];
    for (int r = 0; r < 4; r++) {
      for (int k = 0; k < WIDE_COLUMNS.length; k++) {
        w[r * WIDE + WIDE_COLUMNS[k]] = (r + 1) * 0.5f - k * 0.125f;
      }
    }
    return w;
  }

  private static float[] middleWeights() {
    float[] w = new float[6 * 4];
    for (int i = 0; i < w.length; i++) {
      w[i] = (i % 2 == 0) ? 0f : (i - 11) * 0.0625f;
    }
    w[3] = -0.0f;
    return w;
  }

  private static float[] denseWeights() {
    float[] w = new float[3 * 6];
    for (int i = 0; i < w.length; i++) {
      w[i] = (i + 1) * (i % 3 == 0 ? -0.25f : 0.1875f);
    }
    return w;
  }
}
