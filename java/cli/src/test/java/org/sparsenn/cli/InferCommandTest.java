package org.sparsenn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.io.NpyArray;
import org.sparsenn.io.NpyReader;
import org.sparsenn.io.NpyWriter;
import org.sparsenn.io.onnx.OnnxWriter;
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

  private static void assertClose(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(expected[i] - actual[i]) <= 1e-4 + 1e-4 * Math.abs(expected[i]))) {
        fail("element " + i + " expected " + expected[i] + " but was " + actual[i]);
      }
    }
  }
}
