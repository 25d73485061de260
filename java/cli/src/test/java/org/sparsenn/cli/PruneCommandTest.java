package org.sparsenn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.io.ModelReader;
import org.sparsenn.io.data.IdxTestFiles;
import org.sparsenn.io.onnx.OnnxReader;
import org.sparsenn.io.snn.SnnFile;
import org.sparsenn.io.snn.SnnWriteOptions;
import org.sparsenn.io.snn.SnnWriter;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.sparse.RandomWeights;

/** {@code sparsenn prune}: each method and schedule end to end, and bad arguments. */
class PruneCommandTest {
  @TempDir Path dir;
  private Path model;
  private Path data;

  @BeforeEach
  void writeModelAndData() throws IOException {
    Network network = new Network(List.of(
        new DenseLayer(16, 24, RandomWeights.dense(24, 16, 0, 1), null, Activation.RELU),
        new DenseLayer(24, 12, RandomWeights.dense(12, 24, 0, 2), null, Activation.RELU),
        new DenseLayer(12, 3, RandomWeights.dense(3, 12, 0, 3), null, Activation.IDENTITY)),
        false);
    model = dir.resolve("in.snn");
    SnnWriter.write(network, model, SnnWriteOptions.defaults());
    data = Files.createDirectories(dir.resolve("data"));
    IdxTestFiles.writeFolder(data, 200, 60, 4, 3, true, 7);
  }

  private CommandLineRun prune(Path out, String... args) {
    List<String> all = new ArrayList<>(List.of("prune", "--model", model.toString(), "-o",
        out.toString(), "-q"));
    all.addAll(List.of(args));
    return CommandLineRun.of(all.toArray(String[]::new));
  }

  private static double sparsity(Network net) {
    long total = 0;
    long nonzero = 0;
    for (DenseLayer layer : net.layers()) {
      total += (long) layer.inputs() * layer.outputs();
      nonzero += layer.nonzeroWeights();
    }
    return 1.0 - (double) nonzero / total;
  }

  @Test
  void oneShotMagnitudeReachesTheExactTargetAndRecordsProvenance() {
    Path out = dir.resolve("m.snn");
    CommandLineRun run = prune(out, "--sparsity", "0.75");
    assertEquals(0, run.status(), run.err());
    Network pruned = ModelReader.read(out);
    assertEquals(0.75, sparsity(pruned), 1.0 / 744);
    assertTrue(run.out().contains("total"), run.out());
    SnnFile file = SnnFile.read(out);
    assertEquals("magnitude-global, oneshot",
        file.provenance().get(SnnWriter.PRUNING_METHOD));
  }

  @Test
  void everyScheduleWithFineTuningKeepsTheTargetAndReportsAccuracy() {
    for (String schedule : List.of("oneshot", "iterative", "gradual")) {
      Path out = dir.resolve(schedule + ".snn");
      CommandLineRun run = prune(out, "--sparsity", "0.8", "--schedule", schedule,
          "--fine-tune-epochs", "2", "--data", data.toString());
      assertEquals(0, run.status(), schedule + ": " + run.err());
      assertTrue(run.out().contains("dense (before pruning): accuracy"), run.out());
      assertTrue(run.out().matches("(?s).*after: accuracy [0-9.]+ \\([+-][0-9.]+ points from"
          + " dense [0-9.]+\\).*"), run.out());
      assertEquals(0.8, sparsity(ModelReader.read(out)), 2.0 / 744, schedule);
    }
  }

  @Test
  void structuredAndSemiStructuredMethods() {
    Path neurons = dir.resolve("n.onnx");
    assertEquals(0, prune(neurons, "--method", "neuron", "--sparsity", "0.5").status());
    Network small = ModelReader.read(neurons);
    assertEquals(List.of(12, 6, 3), small.layers().stream().map(DenseLayer::outputs).toList());
    assertEquals("neuron l2, oneshot", OnnxReader.load(neurons).metadata()
        .get(SnnWriter.PRUNING_METHOD), "provenance in ONNX metadata_props");

    Path nm = dir.resolve("nm.snn");
    assertEquals(0, prune(nm, "--method", "nm", "--pattern", "2:4").status());
    for (DenseLayer layer : ModelReader.read(nm).layers()) {
      float[] w = layer.weights();
      for (int r = 0; r < layer.outputs(); r++) {
        for (int g = 0; g + 4 <= layer.inputs(); g += 4) {
          int kept = 0;
          for (int i = 0; i < 4; i++) {
            kept += w[r * layer.inputs() + g + i] != 0 ? 1 : 0;
          }
          assertTrue(kept <= 2, "group of 4 keeps " + kept);
        }
      }
    }

    Path features = dir.resolve("f.snn");
    CommandLineRun run = prune(features, "--method", "feature", "--sparsity", "0.25",
        "--criterion", "permutation", "--data", data.toString());
    assertEquals(0, run.status(), run.err());
    Network selective = ModelReader.read(features);
    assertEquals(12, selective.inputs());
    assertEquals(16, selective.originalInputs());
  }

  @Test
  void badArgumentsEndInOneLineBeforeAnyWork() {
    Path out = dir.resolve("never.snn");
    String[][] cases = {
      {"--sparsity 1.0", "--sparsity must be in [0, 1), got 1.0"},
      {"--sparsity 0.5 --threshold 0.1", "not both"},
      {"--threshold 100", "prunes every weight"},
      {"--method shrink --sparsity 0.5", "unknown method 'shrink'"},
      {"--sparsity 0.5 --schedule gradual --fine-tune-epochs 1", "need --data"},
      {"--sparsity 0.5 --override 7=0.1", "--override names layer 7"},
      {"--method neuron --sparsity 0.5 --criterion activation", "needs --data"},
      {"--method nm --pattern 4:2", "4:2"},
    };
    for (String[] c : cases) {
      CommandLineRun run = prune(out, c[0].split(" "));
      assertEquals(1, run.status(), c[0] + ": " + run.out());
      assertTrue(run.err().contains(c[1]), c[0] + " -> " + run.err());
      assertEquals(1, run.err().strip().lines().count(), run.err());
      assertFalse(Files.exists(out), c[0]);
    }
  }
}
