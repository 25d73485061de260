package org.sparsenn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.io.NpyArray;
import org.sparsenn.io.NpyReader;

/**
 * The CLI side of the consumer test ({@code java/consumer-test}): {@code prune} then
 * {@code infer} on the README example's model and input must still give the committed
 * {@code expected.npy}, which the library example in the consumer project is checked against.
 */
class ReadmeExampleFixtureTest {
  /** Surefire runs in the module folder, java/cli. */
  private static final Path FIXTURE =
      Path.of("..", "consumer-test", "src", "test", "resources", "readme-example");

  @TempDir Path dir;

  @Test
  void pruneThenInferGivesTheCommittedExpectedOutput() {
    assertTrue(Files.isRegularFile(FIXTURE.resolve("mlp.onnx")), FIXTURE.toAbsolutePath().toString());
    Path pruned = dir.resolve("p90.snn");
    Path y = dir.resolve("y.npy");
    CommandLineRun prune = CommandLineRun.of("prune", "--model",
        FIXTURE.resolve("mlp.onnx").toString(), "--sparsity", "0.9", "-o", pruned.toString());
    assertEquals(0, prune.status(), prune.err());
    CommandLineRun infer = CommandLineRun.of("infer", "--model", pruned.toString(), "--input",
        FIXTURE.resolve("x.npy").toString(), "--output", y.toString());
    assertEquals(0, infer.status(), infer.err());

    NpyArray expected = NpyReader.read(FIXTURE.resolve("expected.npy"));
    NpyArray actual = NpyReader.read(y);
    assertArrayEquals(expected.shape(), actual.shape());
    float[] e = expected.data();
    float[] a = actual.data();
    for (int i = 0; i < e.length; i++) {
      // Same tolerance as the consumer test: kernels that sum in another order may be chosen.
      assertTrue(Math.abs(e[i] - a[i]) <= 1e-5f * Math.max(1f, Math.abs(e[i])),
          "output " + i + ": committed " + e[i] + ", infer now " + a[i]);
    }
  }
}
