package org.sparsenn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.io.NpyArray;
import org.sparsenn.io.NpyReader;
import org.sparsenn.io.NpyWriter;

/**
 * {@code inspect} and {@code infer} on a recurrent model: the bidirectional LSTM that PyTorch
 * exported for the core tests (make_recurrent_fixtures.py), with PyTorch's outputs.
 */
class RecurrentCommandsTest {
  private static final String FIXTURE = "torch_lstm_bidirectional_opset13";

  @TempDir Path dir;
  private Path model;
  private float[] input;
  private float[] expected;

  @BeforeEach
  void copyFixture() throws IOException {
    model = dir.resolve(FIXTURE + ".onnx");
    try (InputStream in = getClass().getResourceAsStream("/onnx/" + FIXTURE + ".onnx")) {
      Files.copy(in, model);
    }
    List<String> ref;
    try (InputStream in = getClass().getResourceAsStream("/onnx/" + FIXTURE + ".ref.txt")) {
      ref = Arrays.asList(new String(in.readAllBytes(), "UTF-8").split("\n"));
    }
    input = floats(ref.get(1));
    expected = floats(ref.get(3));
  }

  @Test
  void inferReadsBatchStepsFeaturesAndMatchesPyTorch() {
    Path x = dir.resolve("x.npy");
    NpyWriter.write(x, new NpyArray(new int[] {3, 7, 6}, input, "<f4"));
    Path y = dir.resolve("y.npy");
    CommandLineRun run = CommandLineRun.of("infer", "-m", model.toString(), "-i", x.toString(),
        "-o", y.toString(), "--plan");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.err().contains("recurrent 0 direction 1 R: 32 x 8"), run.err());
    NpyArray out = NpyReader.read(y);
    assertEquals(List.of(3, 3), List.of(out.shape()[0], out.shape()[1]));
    assertClose(expected, out.data());
    // one sequence as [steps, features]
    NpyWriter.write(x, new NpyArray(new int[] {7, 6}, Arrays.copyOf(input, 42), "<f4"));
    assertEquals(0, CommandLineRun.of("infer", "-m", model.toString(), "-i", x.toString(),
        "-o", y.toString()).status());
    assertClose(Arrays.copyOf(expected, 3), NpyReader.read(y).data());
  }

  @Test
  void inferRefusesRowsForASequenceModel() {
    Path x = dir.resolve("x.npy");
    NpyWriter.write(x, new NpyArray(new int[] {6}, new float[6], "<f4"));
    CommandLineRun run = CommandLineRun.of("infer", "-m", model.toString(), "-i", x.toString(),
        "-o", dir.resolve("y.npy").toString());
    assertEquals(1, run.status());
    assertTrue(run.err().contains("[batch, steps, features]"), run.err());
  }

  @Test
  void convertWritesAnOnnxModelThatInfersAsTheSource() {
    Path exported = dir.resolve("exported.onnx");
    CommandLineRun run = CommandLineRun.of("convert", model.toString(), "-o",
        exported.toString());
    assertEquals(0, run.status(), run.err());
    Path x = dir.resolve("x.npy");
    NpyWriter.write(x, new NpyArray(new int[] {3, 7, 6}, input, "<f4"));
    Path y = dir.resolve("y.npy");
    assertEquals(0, CommandLineRun.of("infer", "-m", exported.toString(), "-i", x.toString(),
        "-o", y.toString()).status());
    assertClose(expected, NpyReader.read(y).data());
  }

  @Test
  void inspectListsTheRecurrentLayers() {
    CommandLineRun run = CommandLineRun.of("inspect", model.toString());
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("[LSTM, bidirectional, 6 -> 8]"), run.out());
    assertTrue(run.out().contains("6 features per step"), run.out());
    CommandLineRun json = CommandLineRun.of("inspect", "--json", model.toString());
    assertTrue(json.out().contains("\"recurrentLayers\""), json.out());
  }

  private static float[] floats(String line) {
    String[] parts = line.trim().split(" ");
    float[] v = new float[parts.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = Float.parseFloat(parts[i]);
    }
    return v;
  }

  private static void assertClose(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(expected[i] - actual[i]) <= 1e-4)) {
        fail("element " + i + " expected " + expected[i] + " but was " + actual[i]);
      }
    }
  }
}
