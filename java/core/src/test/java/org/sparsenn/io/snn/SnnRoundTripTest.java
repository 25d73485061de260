package org.sparsenn.io.snn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparsenn.io.snn.SnnTestSupport.assertSameNetwork;
import static org.sparsenn.io.snn.SnnTestSupport.bits;
import static org.sparsenn.io.snn.SnnTestSupport.randomNetwork;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparsenn.io.LoadedModel;
import org.sparsenn.io.ModelFormatException;
import org.sparsenn.io.ModelReader;
import org.sparsenn.io.ReadOptions;
import org.sparsenn.io.snn.SnnWriteOptions.StorageChoice;
import org.sparsenn.kernel.IndexWidth;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.sparse.CsrMatrix;

class SnnRoundTripTest {
  @TempDir Path dir;

  private SnnFile roundTrip(Network network, SnnWriteOptions options) {
    Path file = dir.resolve("m.snn");
    SnnWriter.write(network, file, options);
    SnnFile read = SnnFile.read(file);
    assertSameNetwork(network, read.network());
    return read;
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.5, 0.9, 1.0})
  void randomNetworkRoundTripsBitExactAtSparsity(double sparsity) {
    Network net = randomNetwork(7, sparsity, Activation.RELU, false, 17, 33, 9, 5);
    SnnFile read = roundTrip(net, SnnWriteOptions.defaults());
    // csr16 costs 4 (rows + 1) + 6 nnz bytes against 4 rows cols dense: smaller below a
    // density of about 2/3
    LayerStorage expected = sparsity >= 0.5 ? LayerStorage.CSR16 : LayerStorage.DENSE;
    for (int i = 0; i < read.layerCount(); i++) {
      assertEquals(expected, read.storage(i), "layer " + i + " at sparsity " + sparsity);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"DENSE", "CSR", "CSR32"})
  void negativeZeroNanPayloadInfinityAndSubnormalSurviveStorage(String choice) {
    float nanWithPayload = Float.intBitsToFloat(0x7fc0_1234);
    float[] w = {-0.0f, 0f, nanWithPayload, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, 1e-40f};
    float[] b = {-0.0f, Float.intBitsToFloat(0xffc0_0001)};
    Network net = new Network(List.of(new DenseLayer(3, 2, w, b, Activation.IDENTITY)), false);
    SnnFile read = roundTrip(net, SnnWriteOptions.defaults()
        .withStorage(StorageChoice.valueOf(choice)));
    if (!choice.equals("DENSE")) {
      // -0.0 is a stored entry, +0.0 is not
      assertEquals(5, read.csr(0).nnz());
    }
  }

  @Test
  void aPrunedInputSelectionRoundTrips() {
    Network small = new Network(List.of(
        new DenseLayer(3, 2, new float[] {1, 0, 2, 0, 3, 4}, null, Activation.RELU)), false);
    Network net = small.withInputSelection(10, new int[] {2, 5, 9});
    SnnFile read = roundTrip(net, SnnWriteOptions.defaults());
    assertEquals(10, read.network().originalInputs());
    assertArrayEquals(new int[] {2, 5, 9}, read.network().inputFeatures());
  }

  @Test
  void oneByOneLayersRoundTripWithZeroAndNonzeroWeight() {
    Network net = new Network(List.of(
        new DenseLayer(1, 1, new float[] {0f}, new float[] {2f}, Activation.RELU),
        new DenseLayer(1, 1, new float[] {-3f}, null, Activation.IDENTITY)), true);
    SnnFile read = roundTrip(net, SnnWriteOptions.defaults());
    // a 1 x 1 layer is 4 bytes dense, at least 8 as CSR
    assertEquals(List.of(LayerStorage.DENSE, LayerStorage.DENSE), read.storages());
    roundTrip(net, SnnWriteOptions.defaults().withStorage(StorageChoice.CSR));
  }

  @Test
  void inputsAbove65536UseInt32IndicesAndKeepTheLastColumn() {
    int in = 65_537;
    float[] w = new float[2 * in];
    w[65_536] = 1.5f;
    w[in + 3] = -2f;
    w[in + 65_535] = 4f;
    Network net = new Network(List.of(new DenseLayer(in, 2, w, null, Activation.IDENTITY)),
        false);
    SnnFile read = roundTrip(net, SnnWriteOptions.defaults());
    assertEquals(LayerStorage.CSR, read.storage(0));
    SnnFile.CsrArrays csr = read.csr(0);
    assertEquals(IndexWidth.INT32, csr.indexWidth());
    assertArrayEquals(new int[] {0, 1, 3}, csr.rowPointers());
    assertArrayEquals(new int[] {65_536, 3, 65_535}, csr.columnIndices());
  }

  @Test
  void exactly65536InputsStillUseUint16Indices() {
    int in = 1 << 16;
    float[] w = new float[in];
    w[in - 1] = 3f;
    Network net = new Network(List.of(new DenseLayer(in, 1, w, null, Activation.IDENTITY)),
        false);
    SnnFile read = roundTrip(net, SnnWriteOptions.defaults());
    assertEquals(LayerStorage.CSR16, read.storage(0));
    assertArrayEquals(new int[] {in - 1}, read.csr(0).columnIndices());
    assertEquals(IndexWidth.UINT16, read.csr(0).indexWidth());
  }

  @Test
  void everyActivationAndBothSoftmaxFlagsRoundTrip() {
    List<Activation> all = new ArrayList<>();
    for (Activation.Kind kind : Activation.Kind.values()) {
      all.add(kind == Activation.Kind.LEAKY_RELU ? Activation.leakyRelu(0.1f)
          : new Activation(kind, 0f));
    }
    all.add(Activation.leakyRelu(Float.MIN_VALUE));
    for (boolean softmax : new boolean[] {false, true}) {
      List<DenseLayer> layers = new ArrayList<>();
      for (Activation a : all) {
        layers.add(new DenseLayer(2, 2, new float[] {1, 0, 0, 1}, null, a));
      }
      roundTrip(new Network(layers, softmax), SnnWriteOptions.defaults());
    }
  }

  @Test
  void autoStoresCsrOnlyWhenItIsSmallerThanDense() {
    // 1 x 4: dense 16 bytes; csr16 8 + 6 per stored weight: 14 for one, 20 for two
    Network one = new Network(List.of(new DenseLayer(4, 1, new float[] {0, 5, 0, 0}, null,
        Activation.IDENTITY)), false);
    Network two = new Network(List.of(new DenseLayer(4, 1, new float[] {0, 5, 6, 0}, null,
        Activation.IDENTITY)), false);
    assertEquals(List.of(LayerStorage.CSR16),
        SnnWriter.write(one, dir.resolve("one.snn"), SnnWriteOptions.defaults()));
    assertEquals(List.of(LayerStorage.DENSE),
        SnnWriter.write(two, dir.resolve("two.snn"), SnnWriteOptions.defaults()));
  }

  @Test
  void forcedStorageOverridesTheSizeChoice() {
    Network sparse = randomNetwork(3, 0.95, Activation.TANH, false, 40, 30);
    Network dense = randomNetwork(4, 0.0, Activation.TANH, false, 40, 30);
    assertEquals(LayerStorage.DENSE, roundTrip(sparse, SnnWriteOptions.defaults()
        .withStorage(StorageChoice.DENSE)).storage(0));
    assertEquals(LayerStorage.CSR16, roundTrip(dense, SnnWriteOptions.defaults()
        .withStorage(StorageChoice.CSR)).storage(0));
    SnnFile wide = roundTrip(sparse, SnnWriteOptions.defaults()
        .withStorage(StorageChoice.CSR32));
    assertEquals(LayerStorage.CSR, wide.storage(0));
    assertEquals(IndexWidth.INT32, wide.csr(0).indexWidth());
  }

  @Test
  void csrAccessorGivesTheStoredArraysAndAMatrix() {
    float[] w = {0, 2, 0, 3, 0, 0, 0, 0, -1, 0, 0, 4};
    Network net = new Network(List.of(new DenseLayer(4, 3, w, null, Activation.IDENTITY)),
        false);
    SnnFile read = roundTrip(net, SnnWriteOptions.defaults().withStorage(StorageChoice.CSR));
    SnnFile.CsrArrays csr = read.csr(0);
    assertArrayEquals(new int[] {0, 2, 2, 4}, csr.rowPointers());
    assertArrayEquals(new int[] {1, 3, 0, 3}, csr.columnIndices());
    assertArrayEquals(new float[] {2, 3, -1, 4}, csr.values());
    csr.rowPointers()[0] = 99;
    assertEquals(0, read.csr(0).rowPointers()[0], "csr() hands out copies");
    try (CsrMatrix m = read.csr(0).toMatrix()) {
      assertArrayEquals(bits(w), bits(m.toDense()));
    }
    SnnFile denseFile = roundTrip(net, SnnWriteOptions.defaults()
        .withStorage(StorageChoice.DENSE));
    assertThrows(IllegalStateException.class, () -> denseFile.csr(0));
  }

  @Test
  void provenanceCreatorAndStorageShowThroughModelReader() {
    Network net = randomNetwork(5, 0.9, Activation.GELU, true, 20, 10, 3);
    Path file = dir.resolve("p.snn");
    SnnWriter.write(net, file, SnnWriteOptions.defaults().withProvenance(Map.of(
        SnnWriter.SOURCE_FILE, "mlp.onnx", SnnWriter.SOURCE_SHA256, "ab".repeat(32),
        SnnWriter.PRUNING_METHOD, "magnitude", SnnWriter.SPARSITY, "0.9")));
    SnnFile read = SnnFile.read(file);
    assertEquals("magnitude", read.provenance().get(SnnWriter.PRUNING_METHOD));
    assertEquals("mlp.onnx", read.provenance().get(SnnWriter.SOURCE_FILE));
    assertTrue(read.creator().startsWith("sparsenn "), read.creator());
    LoadedModel loaded = ModelReader.load(file, ReadOptions.defaults());
    assertEquals("snn", loaded.format());
    assertEquals(ModelReader.sha256(file), loaded.sha256());
    assertSameNetwork(net, loaded.network());
    assertTrue(loaded.metadata().get("layer 0 storage").startsWith("csr16"),
        loaded.metadata().toString());
    assertEquals("0.9", loaded.metadata().get("provenance.sparsity"));
  }

  @Test
  void perSectionWindowedMappingReadsTheSameAsWholeFileMapping() {
    Network net = randomNetwork(9, 0.7, Activation.SIGMOID, false, 65, 31, 7);
    Path file = dir.resolve("w.snn");
    SnnWriter.write(net, file, SnnWriteOptions.defaults().withStorage(StorageChoice.CSR));
    SnnFile windowed = SnnFile.read(file, ReadOptions.defaults(), true, 0, 64);
    assertSameNetwork(net, windowed.network());
    SnnWriter.write(net, file, SnnWriteOptions.defaults().withStorage(StorageChoice.DENSE));
    assertSameNetwork(net, SnnFile.read(file, ReadOptions.defaults(), true, 0, 12).network());
  }

  @Test
  void higherMinorVersionIsReadable() {
    Network net = randomNetwork(1, 0.5, Activation.RELU, false, 6, 4);
    Path file = dir.resolve("v.snn");
    SnnWriter.write(net, file, SnnWriteOptions.defaults());
    byte[] bytes = SnnTestSupport.bytes(file);
    SnnTestSupport.le(bytes).putShort(10, (short) 7);
    SnnTestSupport.write(file, SnnTestSupport.reseal(bytes));
    SnnFile read = SnnFile.read(file);
    assertEquals("1.7", read.version());
    assertSameNetwork(net, read.network());
  }

  @Test
  void unknownMajorVersionNamesFoundAndSupportedVersions() {
    Path file = dir.resolve("v.snn");
    SnnWriter.write(randomNetwork(1, 0.5, Activation.RELU, false, 6, 4), file,
        SnnWriteOptions.defaults());
    byte[] bytes = SnnTestSupport.bytes(file);
    SnnTestSupport.le(bytes).putShort(8, (short) 3).putShort(10, (short) 3);
    SnnTestSupport.write(file, bytes);
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> SnnFile.read(file));
    assertTrue(e.getMessage().contains("version 3.3"), e.getMessage());
    assertTrue(e.getMessage().contains("1.x"), e.getMessage());
  }

  @Test
  void rewritingReplacesTheFileAndLeavesNoTemporaryFiles() throws Exception {
    Path file = dir.resolve("r.snn");
    SnnWriter.write(randomNetwork(1, 0, Activation.RELU, false, 30, 30), file,
        SnnWriteOptions.defaults());
    Network small = randomNetwork(2, 0, Activation.RELU, false, 2, 2);
    SnnWriter.write(small, file, SnnWriteOptions.defaults());
    assertSameNetwork(small, SnnFile.read(file).network());
    try (var files = java.nio.file.Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
  }
}
