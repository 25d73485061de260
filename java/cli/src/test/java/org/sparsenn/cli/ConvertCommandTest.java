package org.sparsenn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparsenn.io.snn.SnnTestSupport.assertSameNetwork;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.io.ModelReader;
import org.sparsenn.io.NpyReader;
import org.sparsenn.io.NpyWriter;
import org.sparsenn.io.ReadOptions;
import org.sparsenn.io.onnx.OnnxReader;
import org.sparsenn.io.snn.LayerStorage;
import org.sparsenn.io.snn.SnnFile;
import org.sparsenn.io.snn.SnnWriteOptions;
import org.sparsenn.io.snn.SnnWriter;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.prune.Pruners;
import org.sparsenn.sparse.RandomWeights;

/** {@code sparsenn convert} and {@code sparsenn inspect} on .snn files. */
class ConvertCommandTest {
  @TempDir Path dir;

  private static CommandLineRun run(String... args) {
    return CommandLineRun.of(args);
  }

  /** fc1 [4, 3] (half zeros) + bias and fc2 [2, 4] + bias, F32 safetensors. */
  private Path safetensors() throws IOException {
    float[][] tensors = {
      {1, 0, -2, 0, 0, 0, 3.5f, 4, 0, -1e-3f, 0, 7}, {0.5f, -0.5f, 0, 1},
      {1, 2, 3, 4, 0, 0, -1, 0}, {0.25f, -0.25f}};
    String[] names = {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"};
    String[] shapes = {"[4,3]", "[4]", "[2,4]", "[2]"};
    StringBuilder header = new StringBuilder("{");
    int offset = 0;
    for (int i = 0; i < names.length; i++) {
      int end = offset + 4 * tensors[i].length;
      header.append(i == 0 ? "" : ",").append('"').append(names[i])
          .append("\":{\"dtype\":\"F32\",\"shape\":").append(shapes[i])
          .append(",\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
      offset = end;
    }
    byte[] json = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + json.length + offset).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(json.length).put(json);
    for (float[] t : tensors) {
      for (float v : t) {
        b.putFloat(v);
      }
    }
    return Files.write(dir.resolve("mlp.safetensors"), b.array());
  }

  private List<Path> files() throws IOException {
    try (var list = Files.list(dir)) {
      return list.sorted().toList();
    }
  }

  @Test
  void safetensorsConvertsToSnnWithSameWeightsAndProvenance() throws IOException {
    Path source = safetensors();
    Path out = dir.resolve("mlp.snn");
    CommandLineRun r = run("convert", source.toString(), "-o", out.toString(),
        "--pruning-method", "magnitude", "--sparsity", "0.5");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("wrote"), r.out());
    Network expected = ModelReader.read(source);
    SnnFile snn = SnnFile.read(out);
    assertSameNetwork(expected, snn.network());
    assertEquals(Activation.RELU, snn.network().layers().get(0).activation());
    assertEquals(ModelReader.sha256(source), snn.provenance().get(SnnWriter.SOURCE_SHA256));
    assertEquals("safetensors", snn.provenance().get(SnnWriter.SOURCE_FORMAT));
    assertEquals("mlp.safetensors", snn.provenance().get(SnnWriter.SOURCE_FILE));
    assertEquals("magnitude", snn.provenance().get(SnnWriter.PRUNING_METHOD));
    assertEquals(List.of(source, out), files());
  }

  @Test
  void storageOptionForcesCsrAndInspectShowsIt() throws IOException {
    Path out = dir.resolve("csr.snn");
    assertEquals(0, run("convert", safetensors().toString(), "-o", out.toString(),
        "--storage", "csr32").status());
    assertEquals(List.of(LayerStorage.CSR, LayerStorage.CSR), SnnFile.read(out).storages());
    CommandLineRun inspect = run("inspect", out.toString());
    assertEquals(0, inspect.status(), inspect.err());
    assertTrue(inspect.out().contains("format:     snn"), inspect.out());
    assertTrue(inspect.out().contains("layer 0 storage = csr (6 stored weights)"),
        inspect.out());
    assertTrue(inspect.out().contains("provenance.sourceFormat = safetensors"), inspect.out());
  }

  @Test
  void bf16StorageHalvesTheFileAndInspectSaysSo() throws IOException {
    Network dense = new Network(List.of(
        new DenseLayer(64, 48, RandomWeights.dense(48, 64, 0, 1), null, Activation.RELU),
        new DenseLayer(48, 10, RandomWeights.dense(10, 48, 0.9, 2), null,
            Activation.IDENTITY)), false);
    Path source = dir.resolve("f32.snn");
    SnnWriter.write(dense, source, SnnWriteOptions.defaults());
    Path out = dir.resolve("bf16.snn");
    CommandLineRun r = run("convert", source.toString(), "-o", out.toString(),
        "--storage", "bf16");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("layers stored dense_bf16, csr16_bf16"), r.out());
    assertTrue(Files.size(out) < Files.size(source) * 0.6, Files.size(out) + " bytes");
    CommandLineRun inspect = run("inspect", out.toString());
    assertTrue(inspect.out().contains("layer 0 storage = dense_bf16 (bf16 values, rounded when"
        + " written)"), inspect.out());
    assertTrue(inspect.out().contains("layer 1 storage = csr16_bf16 ("), inspect.out());
  }

  @Test
  void blockPrunedLayersAreStoredInBlocksAndRunFromThem() throws IOException {
    Network trained = new Network(List.of(
        new DenseLayer(40, 64, RandomWeights.dense(64, 40, 0, 3), null, Activation.RELU),
        new DenseLayer(64, 10, RandomWeights.dense(10, 64, 0, 4), null,
            Activation.IDENTITY)), false);
    Network pruned = Pruners.blocks(16, 1).global().sparsity(0.75).build().prune(trained)
        .network();
    Path file = dir.resolve("blocks.snn");
    List<LayerStorage> storages = SnnWriter.write(pruned, file, SnnWriteOptions.defaults());
    assertEquals(LayerStorage.BSR16, storages.get(0));
    assertSameNetwork(pruned, SnnFile.read(file).network());
    CommandLineRun inspect = run("inspect", file.toString());
    assertTrue(inspect.out().contains("layer 0 storage = bsr16 ("), inspect.out());
    Path x = dir.resolve("x.npy");
    NpyWriter.write(x, 3, 40, RandomWeights.vector(3 * 40, 5));
    Path y = dir.resolve("y.npy");
    CommandLineRun infer = run("infer", "-m", file.toString(), "-i", x.toString(), "-o",
        y.toString(), "--plan");
    assertEquals(0, infer.status(), infer.err());
    Path dense = dir.resolve("dense.snn");
    SnnWriter.write(pruned, dense, SnnWriteOptions.defaults().withStorage(
        SnnWriteOptions.StorageChoice.DENSE));
    Path yDense = dir.resolve("y-dense.npy");
    assertEquals(0, run("infer", "-m", dense.toString(), "-i", x.toString(), "-o",
        yDense.toString()).status());
    float[] expected = NpyReader.read(yDense).data();
    float[] actual = NpyReader.read(y).data();
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-4 * (1 + Math.abs(expected[i])), "output " + i);
    }
  }

  @Test
  void snnConvertsToSnnKeepingPruningProvenance() throws IOException {
    Path first = dir.resolve("a.snn");
    Path second = dir.resolve("b.snn");
    assertEquals(0, run("convert", safetensors().toString(), "-o", first.toString(),
        "--pruning-method", "magnitude").status());
    assertEquals(0, run("convert", first.toString(), "-o", second.toString(),
        "--storage", "dense").status());
    SnnFile snn = SnnFile.read(second);
    assertEquals("snn", snn.provenance().get(SnnWriter.SOURCE_FORMAT));
    assertEquals("magnitude", snn.provenance().get(SnnWriter.PRUNING_METHOD));
    assertSameNetwork(SnnFile.read(first).network(), snn.network());
  }

  private static void assertOneLineError(CommandLineRun r, String phrase) {
    assertNotEquals(0, r.status());
    assertTrue(r.err().startsWith("sparsenn: ") && r.err().contains(phrase)
        && r.err().strip().lines().count() == 1, r.err());
  }

  @Test
  void outputWithNeitherSnnNorOnnxExtensionFailsAndWritesNothing() throws IOException {
    Path source = safetensors();
    assertOneLineError(run("convert", source.toString(), "-o",
        dir.resolve("m.pt").toString()), ".snn or .onnx files only");
    assertOneLineError(run("convert", source.toString(), "-o",
        dir.resolve("onnx").toString()), ".snn or .onnx files only");
    assertEquals(List.of(source), files());
  }

  @Test
  void safetensorsConvertsToOnnxWithSameWeights() throws IOException {
    Path source = safetensors();
    Path out = dir.resolve("mlp.ONNX");
    CommandLineRun r = run("convert", source.toString(), "-o", out.toString(),
        "--output-activation", "sigmoid");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("wrote") && r.out().contains("ONNX"), r.out());
    Network written = OnnxReader.read(out);
    assertSameNetwork(ModelReader.load(source, ReadOptions.defaults()
        .withOutputActivation(Activation.SIGMOID)).network(), written);
    assertEquals(Activation.RELU, written.layers().get(0).activation());
    assertEquals(Activation.SIGMOID, written.layers().get(1).activation());
    assertEquals(List.of(out, source), files());
  }

  @Test
  void snnConvertsToOnnxAndBack() throws IOException {
    Path snn = dir.resolve("a.snn");
    Path onnx = dir.resolve("b.onnx");
    Path back = dir.resolve("c.snn");
    assertEquals(0, run("convert", safetensors().toString(), "-o", snn.toString(),
        "--storage", "csr").status());
    assertEquals(0, run("convert", snn.toString(), "-o", onnx.toString()).status());
    assertEquals(0, run("convert", onnx.toString(), "-o", back.toString()).status());
    assertSameNetwork(SnnFile.read(snn).network(), OnnxReader.read(onnx));
    assertSameNetwork(SnnFile.read(snn).network(), SnnFile.read(back).network());
  }

  @Test
  void onnxOutputIntoAMissingDirectoryFailsAndLeavesNothing() throws IOException {
    Path source = safetensors();
    assertOneLineError(run("convert", source.toString(), "-o",
        dir.resolve("no/such/dir/x.onnx").toString()), "x.onnx");
    assertEquals(List.of(source), files());
  }

  @Test
  void corruptSourceFailsAndLeavesExistingOutputUntouched() throws IOException {
    Path bad = Files.write(dir.resolve("bad.safetensors"), new byte[] {1, 2, 3});
    Path out = Files.write(dir.resolve("keep.snn"), new byte[] {42});
    assertOneLineError(run("convert", bad.toString(), "-o", out.toString()),
        "bad.safetensors");
    assertArrayEquals(new byte[] {42}, Files.readAllBytes(out));
    assertEquals(List.of(bad, out), files());
  }

  @Test
  void missingSourceUnknownStorageAndMissingDirectoryFail() throws IOException {
    Path source = safetensors();
    assertOneLineError(run("convert", dir.resolve("none.npz").toString(), "-o",
        dir.resolve("x.snn").toString()), "none.npz");
    assertOneLineError(run("convert", source.toString(), "-o",
        dir.resolve("x.snn").toString(), "--storage", "coo"), "unknown storage 'coo'");
    assertOneLineError(run("convert", source.toString(), "-o",
        dir.resolve("no/such/dir/x.snn").toString()), "x.snn");
    assertEquals(List.of(source), files());
  }

  @Test
  void missingOutputOptionIsAUsageError() throws IOException {
    CommandLineRun r = run("convert", safetensors().toString());
    assertEquals(2, r.status());
    assertTrue(r.err().contains("--output"), r.err());
    assertFalse(r.err().isEmpty());
  }
}
