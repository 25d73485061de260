package org.sparsenn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.engine.Precision;
import org.sparsenn.engine.Session;
import org.sparsenn.engine.SessionOptions;
import org.sparsenn.io.ModelReader;
import org.sparsenn.io.NpyArray;
import org.sparsenn.io.NpyReader;
import org.sparsenn.io.NpyWriter;
import org.sparsenn.io.onnx.OnnxWriter;
import org.sparsenn.io.snn.MappedSnnFile;
import org.sparsenn.io.snn.SnnWriteOptions;
import org.sparsenn.io.snn.SnnWriter;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.model.ReferenceForward;
import org.sparsenn.sparse.RandomWeights;

/** {@code sparsenn infer}: outputs against the reference, and one-line errors. */
class InferCommandTest {
  private static final int FEATURES = 20;
  private static final int OUTPUTS = 4;

  @TempDir Path dir;
  private Network network;
  private Path model;

  @BeforeEach
  void writeModel() {
    network = new Network(List.of(
        new DenseLayer(FEATURES, 16, RandomWeights.dense(16, FEATURES, 0.8, 1),
            RandomWeights.vector(16, 2), Activation.RELU),
        new DenseLayer(16, OUTPUTS, RandomWeights.dense(OUTPUTS, 16, 0.3, 3),
            RandomWeights.vector(OUTPUTS, 4), Activation.IDENTITY)), true);
    model = dir.resolve("mlp.snn");
    SnnWriter.write(network, model, SnnWriteOptions.defaults());
  }

  private Path inputs(int batch) {
    Path x = dir.resolve("x.npy");
    NpyWriter.write(x, batch, FEATURES, RandomWeights.vector(batch * FEATURES, batch));
    return x;
  }

  @Test
  void writesRawOutputsForEveryRowOfAnyBatch() {
    for (int batch : new int[] {1, 3, 300}) {
      Path x = inputs(batch);
      Path y = dir.resolve("y.npy");
      CommandLineRun run = CommandLineRun.of("infer", "--model", model.toString(), "--input",
          x.toString(), "--output", y.toString());
      assertEquals(0, run.status(), run.err());
      NpyArray out = NpyReader.read(y);
      assertArrayEquals(new int[] {batch, OUTPUTS}, out.shape());
      Network raw = new Network(network.layers(), false);
      assertClose(ReferenceForward.forward(raw, NpyReader.read(x).data(), batch), out.data());
    }
  }

  @Test
  void softmaxAndPlanAreOnRequest() {
    Path x = inputs(5);
    Path y = dir.resolve("p.npy");
    Path onnx = dir.resolve("mlp.onnx");
    OnnxWriter.write(network, onnx);
    CommandLineRun run = CommandLineRun.of("infer", "-m", onnx.toString(), "-i", x.toString(),
        "-o", y.toString(), "--softmax", "--plan", "--planning", "measure", "--threads", "2");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.err().contains("layer 0: 16 x 20"), run.err());
    assertTrue(run.err().contains("plan: MEASURE"), run.err());
    assertClose(ReferenceForward.forward(network, NpyReader.read(x).data(), 5),
        NpyReader.read(y).data());
  }

  @Test
  void bf16PrecisionIsOptInAndOnlyThenPlanned() {
    Path x = inputs(3);
    Path y = dir.resolve("bf16.npy");
    Path onnx = dir.resolve("mlp-bf16.onnx");
    OnnxWriter.write(network, onnx);
    CommandLineRun exact = CommandLineRun.of("infer", "-m", onnx.toString(), "-i", x.toString(),
        "-o", y.toString(), "--plan");
    assertEquals(0, exact.status(), exact.err());
    assertFalse(exact.err().contains("csr16_bf16"), exact.err());
    CommandLineRun lossy = CommandLineRun.of("infer", "-m", onnx.toString(), "-i", x.toString(),
        "-o", y.toString(), "--plan", "--precision", "bf16", "--softmax");
    assertEquals(0, lossy.status(), lossy.err());
    assertTrue(lossy.err().contains("csr16_bf16"), lossy.err());
    // whichever methods it chose: each weight is off by at most 2^-9 of itself
    float[] want = ReferenceForward.forward(network, NpyReader.read(x).data(), 3);
    float[] got = NpyReader.read(y).data();
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-2 * (1 + Math.abs(want[i])), "element " + i);
    }
  }

  @Test
  void badInputsEndInOneLineAndNoOutput() throws Exception {
    Path y = dir.resolve("never.npy");
    Path wrongWidth = dir.resolve("wide.npy");
    NpyWriter.write(wrongWidth, 2, FEATURES + 1, new float[2 * (FEATURES + 1)]);
    Path cube = dir.resolve("cube.npy");
    NpyWriter.write(cube, new NpyArray(new int[] {2, 2, 5}, new float[20], "<f4"));
    String[][] cases = {
      {"--input", wrongWidth.toString(), "has 21 features per row, the model takes 20"},
      {"--input", cube.toString(), "expected a [batch, features] array, got shape [2, 2, 5]"},
      {"--input", dir.resolve("missing.npy").toString(), "missing.npy"},
      {"--planning", "guess", "unknown planning mode 'guess'"},
      {"--threads", "0", "--threads must be >= 1"},
    };
    for (String[] c : cases) {
      String[] args = c[0].equals("--input")
          ? new String[] {"infer", "-m", model.toString(), c[0], c[1], "-o", y.toString()}
          : new String[] {"infer", "-m", model.toString(), "-i", inputs(2).toString(), "-o",
              y.toString(), c[0], c[1]};
      CommandLineRun run = CommandLineRun.of(args);
      assertEquals(1, run.status(), c[2]);
      assertTrue(run.err().contains(c[2]), run.err());
      assertEquals(1, run.err().strip().lines().count(), run.err());
      assertFalse(Files.exists(y), "no output after: " + c[2]);
    }
  }

  /** The test network reading 20 of 45 features, as {@code prune --method feature} makes. */
  private Network featurePruned() {
    int[] kept = new int[FEATURES];
    for (int i = 0; i < FEATURES; i++) {
      kept[i] = 2 * i + (i % 3 == 0 ? 1 : 0);
    }
    return network.withInputSelection(45, kept);
  }

  @Test
  void featurePrunedModelsTakeFullWidthInputsAndMatchTheLibrary() throws Exception {
    Network pruned = featurePruned();
    Path snn = dir.resolve("features.snn");
    SnnWriter.write(pruned, snn, SnnWriteOptions.defaults()
        .withStorage(SnnWriteOptions.StorageChoice.CSR));
    Path onnx = dir.resolve("features.onnx");
    OnnxWriter.write(pruned, onnx);
    SessionOptions raw = SessionOptions.builder().softmax(false).build();
    for (int batch : new int[] {1, 7}) {
      Path x = dir.resolve("full.npy");
      float[] inputs = RandomWeights.vector(batch * 45, 11);
      NpyWriter.write(x, batch, 45, inputs);
      float[] expected = new float[batch * OUTPUTS];
      try (MappedSnnFile file = MappedSnnFile.open(snn);
          Session session = Session.create(file.file().network(),
              List.of(file.csr(0), file.csr(1)), raw)) {
        session.run(inputs, batch, expected);
      }
      float[] expectedOnnx = new float[batch * OUTPUTS];
      try (Session session = Session.create(ModelReader.read(onnx), raw)) {
        session.run(inputs, batch, expectedOnnx);
      }
      for (String mmap : new String[] {"", "--mmap"}) {
        Path y = dir.resolve("y.npy");
        assertEquals(0, infer(snn, x, y, mmap).status());
        assertArrayEquals(expected, NpyReader.read(y).data(), "snn " + mmap + " batch " + batch);
      }
      Path y = dir.resolve("y.npy");
      assertEquals(0, infer(onnx, x, y).status());
      assertArrayEquals(expectedOnnx, NpyReader.read(y).data(), "onnx, batch " + batch);
      assertClose(ReferenceForward.forward(new Network(network.layers(), false),
          keep(inputs, batch, pruned.inputFeatures()), batch), expected);
    }
    Path kept = dir.resolve("kept.npy");
    NpyWriter.write(kept, 2, FEATURES, new float[2 * FEATURES]);
    CommandLineRun run = infer(snn, kept, dir.resolve("never.npy"));
    assertEquals(1, run.status());
    assertTrue(run.err().contains("has 20 features per row, the model takes 45 (it reads 20"
        + " of them)"), run.err());
  }

  private CommandLineRun infer(Path model, Path x, Path y, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("infer", "-m", model.toString(),
        "-i", x.toString(), "-o", y.toString()));
    for (String e : extra) {
      if (!e.isEmpty()) {
        args.add(e);
      }
    }
    return CommandLineRun.of(args.toArray(String[]::new));
  }

  /** The kept features of each row. */
  private static float[] keep(float[] inputs, int batch, int[] features) {
    int width = inputs.length / batch;
    float[] kept = new float[batch * features.length];
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < features.length; i++) {
        kept[b * features.length + i] = inputs[b * width + features[i]];
      }
    }
    return kept;
  }

  @Test
  void specialFilesAreRefusedAsInputsAndWrittenIntoAsOutputs() throws Exception {
    Path fifo = dir.resolve("fifo");
    assumeTrue(mkfifo(fifo), "mkfifo is not available");
    Path fifoModel = dir.resolve("fifo.snn");
    assumeTrue(mkfifo(fifoModel), "mkfifo is not available");
    Path x = inputs(3);
    Path y = dir.resolve("y.npy");
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      String[][] cases = {
        {fifoModel.toString(), x.toString(), "fifo.snn: not a regular file"},
        {model.toString(), fifo.toString(), "fifo: not a regular file"},
        {"/dev/zero", x.toString(), "/dev/zero: unknown model format"},
      };
      for (String[] c : cases) {
        CommandLineRun run = CommandLineRun.of("infer", "-m", c[0], "-i", c[1], "-o",
            y.toString());
        assertEquals(1, run.status(), c[2]);
        assertTrue(run.err().contains(c[2]), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
      }
      String[][] outputs = {
        {"/nonexistent-dir/y.npy", "cannot write /nonexistent-dir/y.npy: its directory does"
            + " not exist"},
        {dir.toString(), "cannot write " + dir + ": it is a directory"},
      };
      for (String[] c : outputs) {
        CommandLineRun run = CommandLineRun.of("infer", "-m", model.toString(), "-i",
            x.toString(), "-o", c[0]);
        assertEquals(1, run.status(), c[1]);
        assertEquals("sparsenn: " + c[1], run.err().strip());
      }
      // A device named like a model: refused by what it is, not called an empty file.
      Path device = dir.resolve("zero.snn");
      Files.createSymbolicLink(device, Path.of("/dev/zero"));
      CommandLineRun run = CommandLineRun.of("infer", "-m", device.toString(), "-i",
          x.toString(), "-o", y.toString());
      assertTrue(run.err().contains("zero.snn: not a regular file"), run.err());
      Files.delete(device);
      // An output FIFO is written into, not replaced by a regular file.
      CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
        try {
          return Files.readAllBytes(fifo);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      CommandLineRun out = CommandLineRun.of("infer", "-m", model.toString(), "-i",
          x.toString(), "-o", fifo.toString());
      assertEquals(0, out.status(), out.err());
      Path copy = Files.write(dir.resolve("from-fifo.npy"), read.get());
      assertArrayEquals(new int[] {3, OUTPUTS}, NpyReader.read(copy).shape());
      assertTrue(Files.readAttributes(fifo, BasicFileAttributes.class).isOther(),
          "the FIFO is still one");
    });
    assertFalse(Files.exists(y));
  }

  private static boolean mkfifo(Path path) {
    try {
      return new ProcessBuilder("mkfifo", path.toString()).start().waitFor() == 0;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void assertClose(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(expected[i] - actual[i]) <= 1e-4 + 1e-4 * Math.abs(expected[i]))) {
        fail("element " + i + " expected " + expected[i] + " but was " + actual[i]);
      }
    }
  }
}
