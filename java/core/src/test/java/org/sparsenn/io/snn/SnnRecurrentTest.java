package org.sparsenn.io.snn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparsenn.engine.Session;
import org.sparsenn.engine.SessionOptions;
import org.sparsenn.io.ModelFormatException;
import org.sparsenn.io.ModelReader;
import org.sparsenn.io.ReadOptions;
import org.sparsenn.io.RecurrentNetworks;
import org.sparsenn.io.RecurrentNetworks.Case;
import org.sparsenn.io.onnx.OnnxReader;
import org.sparsenn.io.snn.SnnWriteOptions.StorageChoice;
import org.sparsenn.kernel.JavaKernels;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.model.Activation;
import org.sparsenn.model.Network;
import org.sparsenn.model.RecurrentLayer.Direction;
import org.sparsenn.model.SequenceOutput;

/**
 * Recurrent networks in {@code .snn} files (format 2.0): every cell, direction, output and
 * storage round-trips bit for bit and runs as the original; PyTorch's exports survive
 * ONNX -> .snn; a pruned LSTM's file is small; and every field of the recurrent metadata is
 * checked, each bad value a {@link ModelFormatException} naming it.
 */
class SnnRecurrentTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  static Stream<Arguments> casesAndStorages() {
    List<Arguments> args = new ArrayList<>();
    for (Case c : RecurrentNetworks.cases()) {
      for (StorageChoice choice : List.of(StorageChoice.AUTO, StorageChoice.DENSE,
          StorageChoice.CSR, StorageChoice.CSR32)) {
        args.add(Arguments.of(c, choice));
      }
    }
    return args.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("casesAndStorages")
  void roundTripsBitForBitAndRunsTheSame(Case c, StorageChoice choice) {
    Path file = dir.resolve("r.snn");
    SnnWriter.write(c.network(), file, new SnnWriteOptions(choice, java.util.Map.of()));
    SnnFile read = SnnFile.read(file);
    assertEquals("2.0", read.version());
    RecurrentNetworks.assertSameNetwork(c.network(), read.network());
    for (SnnFile.RecurrentStorage s : read.recurrentStorages()) {
      for (LayerStorage storage : List.of(s.inputWeights(), s.recurrentWeights())) {
        switch (choice) {
          case DENSE -> assertEquals(LayerStorage.DENSE, storage);
          case CSR -> assertEquals(LayerStorage.CSR16, storage);
          case CSR32 -> assertEquals(LayerStorage.CSR, storage);
          default -> { }
        }
      }
    }
    assertEquals(c.network().recurrentLayers().size(), read.recurrentStorages().size());
    float[] input = RecurrentNetworks.input(c.network(), 2, 6, 3);
    try (Session original = Session.create(c.network(), SessionOptions.defaults(),
            JavaKernels.instance());
        Session back = Session.create(read.network(), SessionOptions.defaults(),
            JavaKernels.instance())) {
      assertArrayEquals(original.runSequences(input, 2, 6), back.runSequences(input, 2, 6));
    }
  }

  static Stream<String> torchFixtures() throws IOException {
    return Files.readAllLines(onnxDir().resolve("recurrent-manifest.tsv")).stream()
        .filter(line -> line.startsWith("valid\t")).map(line -> line.split("\t")[1]);
  }

  @ParameterizedTest
  @MethodSource("torchFixtures")
  void pyTorchExportsConvertToSnnAndRunTheSame(String name) throws IOException {
    Network onnx = OnnxReader.read(onnxDir().resolve(name + ".onnx"));
    Path file = dir.resolve(name + ".snn");
    SnnWriter.write(onnx, file, SnnWriteOptions.defaults());
    List<String> ref = Files.readAllLines(onnxDir().resolve(name + ".ref.txt"));
    String[] shape = ref.get(0).split(" ");
    int batch = Integer.parseInt(shape[1]);
    int steps = Integer.parseInt(shape[2]);
    float[] input = floats(ref.get(1));
    float[] expected = floats(ref.get(3));
    for (ReadOptions options : List.of(ReadOptions.defaults(),
        ReadOptions.defaults().withMemoryMapped(true))) {
      try (MappedSnnFile mapped = MappedSnnFile.open(file, options, true)) {
        Network snn = mapped.file().network();
        RecurrentNetworks.assertSameNetwork(onnx, snn);
        for (Kernels kernels : List.of(Kernels.best(), JavaKernels.instance())) {
          try (Session a = Session.create(onnx, SessionOptions.defaults(), kernels);
              Session b = Session.create(snn, SessionOptions.defaults(), kernels)) {
            float[] fromSnn = b.runSequences(input, batch, steps);
            assertArrayEquals(a.runSequences(input, batch, steps), fromSnn);
            for (int i = 0; i < expected.length; i++) {
              assertEquals(expected[i], fromSnn[i], 1e-4, name + " output " + i);
            }
          }
        }
      }
    }
    // through the format-neutral reader too, as the CLI loads it
    RecurrentNetworks.assertSameNetwork(onnx, ModelReader.read(file));
  }

  @Test
  void aPrunedLstmFileIsSmallAndFeedForwardFilesStayVersionOne() throws IOException {
    Network pruned = RecurrentNetworks.network(SequenceOutput.LAST_STEP, false,
        RecurrentNetworks.layer("lstm", Direction.FORWARD, 64, 128, 0.9, 5));
    Path sparse = dir.resolve("sparse.snn");
    Path dense = dir.resolve("dense.snn");
    SnnWriter.write(pruned, sparse, SnnWriteOptions.defaults());
    SnnWriter.write(pruned, dense, new SnnWriteOptions(StorageChoice.DENSE, java.util.Map.of()));
    long sparseBytes = Files.size(sparse);
    long denseBytes = Files.size(dense);
    // 10% of the weights at 6 bytes each (u16 index + f32) against 4 bytes for every weight
    assertTrue(sparseBytes < 0.2 * denseBytes, sparseBytes + " vs " + denseBytes);
    SnnFile read = SnnFile.read(sparse);
    assertEquals(new SnnFile.RecurrentStorage(LayerStorage.CSR16, LayerStorage.CSR16),
        read.recurrentStorages().get(0));
    Path feedForward = dir.resolve("ff.snn");
    SnnWriter.write(SnnTestSupport.randomNetwork(1, 0.5, Activation.RELU, false, 6, 4),
        feedForward, SnnWriteOptions.defaults());
    assertEquals(SnnFormat.MAJOR + "." + SnnFormat.MINOR, SnnFile.read(feedForward).version());
    assertEquals(List.of(), SnnFile.read(feedForward).recurrentStorages());
  }

  @Test
  void recurrentFilesAreMajorVersionTwoWhichVersionOneReadersRefuse() throws IOException {
    // a 1.x reader checks the major version in the header before anything else
    Path file = dir.resolve("v.snn");
    SnnWriter.write(RecurrentNetworks.cases().get(0).network(), file,
        SnnWriteOptions.defaults());
    byte[] bytes = Files.readAllBytes(file);
    assertEquals(SnnFormat.RECURRENT_MAJOR, SnnTestSupport.le(bytes).getShort(8));
  }

  /** A metadata edit and a word the error must contain. */
  record Damage(String name, Consumer<ObjectNode> edit, String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static ObjectNode layer(ObjectNode meta, int i) {
    return (ObjectNode) meta.get("recurrentLayers").get(i);
  }

  static Stream<Damage> damages() {
    return Stream.of(
        new Damage("unknown cell", m -> layer(m, 0).put("cell", "lstmx"), "'cell'"),
        new Damage("cell not a string", m -> layer(m, 0).put("cell", 3), "'cell'"),
        new Damage("unknown direction", m -> layer(m, 0).put("direction", "both"),
            "'direction'"),
        new Damage("zero hidden", m -> layer(m, 0).put("hidden", 0), "'hidden'"),
        new Damage("hidden changed", m -> layer(m, 0).put("hidden", 6), "elements, expected"),
        new Damage("negative inputs", m -> layer(m, 0).put("inputs", -1), "'inputs'"),
        new Damage("huge hidden", m -> layer(m, 0).put("hidden", 2_000_000_000),
            "more than one"),
        new Damage("relu LSTM", m -> layer(m, 0).put("activation", "relu"), "'activation'"),
        new Damage("sigmoid activation", m -> layer(m, 0).put("activation", "sigmoid"),
            "'activation'"),
        new Damage("bad activation", m -> layer(m, 0).put("activation", "swish"),
            "'activation'"),
        new Damage("linearBeforeReset on an LSTM",
            m -> layer(m, 0).put("linearBeforeReset", true), "'linearBeforeReset'"),
        new Damage("linearBeforeReset missing", m -> layer(m, 0).remove("linearBeforeReset"),
            "'linearBeforeReset'"),
        new Damage("W storage unknown",
            m -> ((ObjectNode) layer(m, 0).get("inputWeights")).put("storage", "bf17"),
            "storage 'bf17'"),
        new Damage("W storage changed to dense",
            m -> ((ObjectNode) layer(m, 0).get("inputWeights")).put("storage", "dense"),
            "inputWeights: sections 'weights'"),
        new Damage("R missing", m -> layer(m, 0).remove("recurrentWeights"),
            "recurrentWeights is missing"),
        new Damage("bias index out of range",
            m -> ((ObjectNode) layer(m, 0).get("sections")).put("inputBias", 999),
            "sections 'inputBias'"),
        new Damage("bias is a state section",
            m -> {
              ObjectNode s = (ObjectNode) layer(m, 0).get("sections");
              int state = s.get("initialHidden").intValue();
              s.put("initialHidden", s.get("inputBias").intValue());
              s.put("inputBias", state);
            }, "expected bias of f32"),
        new Damage("one section twice",
            m -> {
              ObjectNode s = (ObjectNode) layer(m, 0).get("sections");
              s.put("recurrentBias", s.get("inputBias").intValue());
            }, "used twice"),
        new Damage("state section left unused",
            m -> ((ObjectNode) layer(m, 0).get("sections")).remove("initialCell"),
            "not used by any layer"),
        new Damage("recurrent layers do not chain", m -> layer(m, 1).put("inputs", 9),
            "recurrent layer 0 has 10 outputs per step but recurrent layer 1 takes 9"),
        new Damage("no recurrent layers", m -> m.remove("recurrentLayers"), "recurrentLayers"),
        new Damage("empty recurrent layers", m -> m.putArray("recurrentLayers"),
            "recurrentLayers"),
        new Damage("unknown sequence output", m -> m.put("sequenceOutput", "mean"),
            "'sequenceOutput'"),
        new Damage("no sequence output", m -> m.remove("sequenceOutput"), "'sequenceOutput'"),
        new Damage("dense head does not chain",
            m -> ((ArrayNode) m.get("recurrentLayers")).remove(2),
            "the last recurrent layer has 6 outputs but layer 0 takes 7"),
        new Damage("input selection", m -> m.putObject("inputSelection")
            .put("originalInputs", 9), "inputSelection"));
  }

  /**
   * A bidirectional LSTM with initial states (both), a GRU and a forward RNN, whose metadata
   * is then damaged and the file reassembled around the same sections.
   */
  @ParameterizedTest
  @MethodSource("damages")
  void everyRecurrentFieldIsChecked(Damage damage) throws IOException {
    Network net = RecurrentNetworks.network(SequenceOutput.LAST_STEP, false,
        RecurrentNetworks.layer("lstm", Direction.BIDIRECTIONAL, 4, 5, 0.5, 1)
            .withInitialState(filled(10), filled(10)),
        RecurrentNetworks.layer("gru", Direction.FORWARD, 10, 6, 0.5, 2),
        RecurrentNetworks.layer("rnn_tanh", Direction.FORWARD, 6, 7, 0.0, 3));
    Path file = dir.resolve("d.snn");
    SnnWriter.write(net, file, new SnnWriteOptions(StorageChoice.CSR, java.util.Map.of()));
    byte[] bytes = Files.readAllBytes(file);
    ObjectNode meta = metadata(bytes);
    damage.edit().accept(meta);
    SnnTestSupport.write(file, withMetadata(bytes, JSON.writeValueAsString(meta)));
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> SnnFile.read(file));
    assertTrue(e.getMessage().contains(damage.expected()), e.getMessage());
  }

  @Test
  void recurrentLayersInAVersionOneFileAreRefused() throws IOException {
    Path file = dir.resolve("v1.snn");
    SnnWriter.write(RecurrentNetworks.cases().get(0).network(), file,
        SnnWriteOptions.defaults());
    byte[] bytes = Files.readAllBytes(file);
    SnnTestSupport.le(bytes).putShort(8, (short) 1).putShort(10, (short) 1);
    SnnTestSupport.write(file, SnnTestSupport.reseal(bytes));
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> SnnFile.read(file));
    assertTrue(e.getMessage().contains("recurrent layers in a version 1 file"), e.getMessage());
  }

  private static float[] filled(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = 0.1f * (i + 1);
    }
    return v;
  }

  private static ObjectNode metadata(byte[] bytes) throws IOException {
    int n = SnnTestSupport.sectionCount(bytes);
    int length = SnnTestSupport.le(bytes).getInt(16);
    int start = SnnFormat.HEADER_BYTES + SnnFormat.TOC_ENTRY_BYTES * n;
    return (ObjectNode) JSON.readTree(new String(bytes, start, length, StandardCharsets.UTF_8));
  }

  /** The same file (version, sections and their checksums) with other metadata. */
  private static byte[] withMetadata(byte[] bytes, String json) {
    int n = SnnTestSupport.sectionCount(bytes);
    SnnTestSupport.Raw[] sections = new SnnTestSupport.Raw[n];
    for (int i = 0; i < n; i++) {
      int at = SnnFormat.HEADER_BYTES + i * SnnFormat.TOC_ENTRY_BYTES;
      int kind = SnnTestSupport.le(bytes).getShort(at);
      int type = SnnTestSupport.le(bytes).getShort(at + 2);
      long offset = SnnTestSupport.tocLong(bytes, i, 8);
      long length = SnnTestSupport.tocLong(bytes, i, 16);
      sections[i] = new SnnTestSupport.Raw(kind, type, SnnTestSupport.tocLong(bytes, i, 24),
          java.util.Arrays.copyOfRange(bytes, (int) offset, (int) (offset + length)));
    }
    byte[] out = SnnTestSupport.assemble(json, sections);
    SnnTestSupport.le(out).putShort(8, SnnTestSupport.le(bytes).getShort(8))
        .putShort(10, SnnTestSupport.le(bytes).getShort(10));
    return SnnTestSupport.reseal(out);
  }

  private static float[] floats(String line) {
    String[] parts = line.trim().split(" ");
    float[] v = new float[parts.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = Float.parseFloat(parts[i]);
    }
    return v;
  }

  private static Path onnxDir() {
    try {
      return Path.of(SnnRecurrentTest.class.getResource("/onnx/recurrent-manifest.tsv").toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
