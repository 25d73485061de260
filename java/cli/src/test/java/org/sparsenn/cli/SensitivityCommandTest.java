package org.sparsenn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.io.data.IdxTestFiles;
import org.sparsenn.io.snn.SnnWriteOptions;
import org.sparsenn.io.snn.SnnWriter;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.sparse.RandomWeights;

/** {@code sparsenn sensitivity}: a row per layer and suggested overrides. */
class SensitivityCommandTest {
  @TempDir Path dir;

  @Test
  void printsARowPerLayerAndOverridesThePruneCommandTakes() throws IOException {
    Network network = new Network(List.of(
        new DenseLayer(16, 8, RandomWeights.dense(8, 16, 0, 1), null, Activation.RELU),
        new DenseLayer(8, 3, RandomWeights.dense(3, 8, 0, 2), null, Activation.IDENTITY)),
        false);
    Path model = dir.resolve("m.snn");
    SnnWriter.write(network, model, SnnWriteOptions.defaults());
    Path data = Files.createDirectories(dir.resolve("data"));
    IdxTestFiles.writeFolder(data, 30, 40, 4, 3, false, 3);
    CommandLineRun run = CommandLineRun.of("sensitivity", "--model", model.toString(),
        "--data", data.toString(), "--levels", "0.5,0.9", "--max-drop", "1");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("--override 0=0.9,1=0.9"), run.out());
    long layerLines = run.out().lines().filter(l -> l.matches("^layer [01].*")).count();
    assertEquals(2, layerLines, run.out());

    CommandLineRun bad = CommandLineRun.of("sensitivity", "--model", model.toString(),
        "--data", data.toString(), "--levels", "1.5");
    assertEquals(1, bad.status());
    assertTrue(bad.err().contains("levels must be in [0, 1), got 1.5"), bad.err());
  }
}
