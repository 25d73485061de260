package org.sparsenn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.io.data.IdxTestFiles;
import org.sparsenn.io.snn.SnnWriteOptions;
import org.sparsenn.io.snn.SnnWriter;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.prune.Pruners;
import org.sparsenn.sparse.RandomWeights;

/** {@code sparsenn sweep} end to end on a tiny model and tiny IDX data. */
class SweepCommandTest {
  private static final int SIDE = 4;
  private static final int CLASSES = 3;

  @TempDir Path dir;
  private Network network;
  private Path model;
  private Path data;

  @BeforeEach
  void writeModelAndData() throws IOException {
    network = new Network(List.of(
        new DenseLayer(SIDE * SIDE, 12, RandomWeights.dense(12, SIDE * SIDE, 0, 1),
            RandomWeights.vector(12, 2), Activation.RELU),
        new DenseLayer(12, CLASSES, RandomWeights.dense(CLASSES, 12, 0, 3),
            RandomWeights.vector(CLASSES, 4), Activation.IDENTITY)), false);
    model = dir.resolve("tiny.snn");
    SnnWriter.write(network, model, SnnWriteOptions.defaults());
    data = Files.createDirectories(dir.resolve("data"));
    IdxTestFiles.writeFolder(data, 120, 60, SIDE, CLASSES, true, 5);
  }

  /** Runs sweep with the test's defaults, each replaced by the same option in {@code extra}. */
  private CommandLineRun sweep(Path out, String... extra) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("--model", model.toString());
    options.put("--data", data.toString());
    options.put("--method", "magnitude");
    options.put("--levels", "0,0.5,0.9");
    options.put("--batch", "4");
    options.put("--latency-ms", "5");
    options.put("--out", out.toString());
    for (int i = 0; i + 1 < extra.length; i += 2) {
      options.put(extra[i], extra[i + 1]);
    }
    List<String> args = new ArrayList<>(List.of("sweep"));
    options.forEach((k, v) -> {
      args.add(k);
      args.add(v);
    });
    return CommandLineRun.of(args.toArray(String[]::new));
  }

  @Test
  void writesEveryOutputWithARowPerLevelAndMeasuredSparsities() throws IOException {
    Path out = dir.resolve("out");
    CommandLineRun run = sweep(out, "--fine-tune-epochs", "1");
    assertEquals(0, run.status(), run.err());
    for (String name : List.of("sweep.csv", "sweep.json", "report.md", "sweep.png",
        "sweep.svg")) {
      assertTrue(Files.size(out.resolve(name)) > 0, name);
    }
    List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
    assertEquals(4, csv.size(), String.join("\n", csv));
    long tableRows = run.out().lines().filter(l -> l.startsWith("magnitude")).count();
    assertEquals(3, tableRows, run.out());
    for (int i = 1; i < csv.size(); i++) {
      String[] cells = csv.get(i).split(",");
      double level = Double.parseDouble(cells[1]);
      double sparsity = Double.parseDouble(cells[2]);
      Network pruned = level == 0 ? network
          : Pruners.magnitude().global().sparsity(level).build().apply(network);
      long nonzeros = pruned.layers().stream().mapToLong(DenseLayer::nonzeroWeights).sum();
      assertEquals(1.0 - nonzeros / (double) (16 * 12 + 12 * CLASSES), sparsity, 1e-12,
          "level " + level);
      assertEquals(level == 0, cells[4].isEmpty(), "fine-tuned accuracy only when pruned");
    }
    String report = Files.readString(out.resolve("report.md"));
    assertTrue(report.contains("![accuracy against speedup"), report);
    assertTrue(report.contains("dense (unpruned) accuracy"), report);
    assertTrue(run.out().contains("Δ pts"), run.out());
  }

  @Test
  void nmPrunesEachLevelToItsPatternAndSaysWhichKernelsRanIt() throws IOException {
    Path out = dir.resolve("nm");
    CommandLineRun run = sweep(out, "--method", "nm", "--levels", "0,0.5,0.75",
        "--fine-tune-epochs", "0");
    assertEquals(0, run.status(), run.err());
    List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
    assertEquals(4, csv.size(), String.join("\n", csv));
    // 16 and 12 inputs are whole groups of 4: 2:4 keeps exactly half, 1:4 a quarter
    assertEquals(0.5, Double.parseDouble(csv.get(2).split(",")[2]), 1e-12, csv.get(2));
    assertEquals(0.75, Double.parseDouble(csv.get(3).split(",")[2]), 1e-12, csv.get(3));
    assertEquals(3, run.out().lines().filter(l -> l.startsWith("nm ")).count(), run.out());
  }

  @Test
  void withoutDataItFineTunesOnTheBuiltInSampleAndSaysSo() {
    CommandLineRun run = CommandLineRun.of("sweep", "--levels", "0,0.9", "--latency-ms", "5",
        "--fine-tune-epochs", "1");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("2000 test images from the built-in Fashion-MNIST test sample"
        + ", fine-tuned 1 epoch(s) per level on 3000 training images (the built-in sample)"),
        run.out());
    List<String> tuned = run.out().lines().filter(l -> l.matches("(magnitude|block16x1|neuron) +0\\.90 .*"))
        .toList();
    assertEquals(3, tuned.size(), run.out());
    for (String line : tuned) {
      String[] cells = line.trim().split(" +");
      double oneShot = Double.parseDouble(cells[3]);
      double fineTuned = Double.parseDouble(cells[5]);
      assertTrue(fineTuned > oneShot, "fine-tuning helps: " + line);
    }
    assertTrue(run.err().contains("sweep 6/6: neuron 0.90"), run.err());
  }

  @Test
  void accuracyAtLevelZeroEqualsEvalOnTheUnprunedModel() throws IOException {
    Path out = dir.resolve("out0");
    assertEquals(0, sweep(out, "--fine-tune-epochs", "0").status());
    String[] first = Files.readAllLines(out.resolve("sweep.csv")).get(1).split(",");
    CommandLineRun eval = CommandLineRun.of("eval", "--model", model.toString(), "--data",
        data.toString());
    assertEquals(0, eval.status(), eval.err());
    String last = eval.out().strip().lines().reduce((a, b) -> b).orElseThrow();
    assertEquals(String.format(java.util.Locale.ROOT, "accuracy: %.4f",
        Double.parseDouble(first[3])), last);
  }

  @Test
  void aLossyPrecisionReportsTheRoundedAccuracyAndEvalAgrees() throws IOException {
    Path out = dir.resolve("outbf16");
    CommandLineRun run = sweep(out, "--fine-tune-epochs", "0", "--precision", "bf16");
    assertEquals(0, run.status(), run.err());
    List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
    assertTrue(csv.get(0).endsWith(",rounded_accuracy"), csv.get(0));
    String[] first = csv.get(1).split(",");
    double rounded = Double.parseDouble(first[first.length - 1]);
    CommandLineRun eval = CommandLineRun.of("eval", "--model", model.toString(), "--data",
        data.toString(), "--precision", "bf16");
    assertEquals(0, eval.status(), eval.err());
    assertTrue(eval.out().contains(String.format(java.util.Locale.ROOT, "accuracy: %.4f",
        rounded)), eval.out());
    assertTrue(eval.out().contains("precision: bf16"), eval.out());
    assertTrue(Files.readString(out.resolve("report.md")).contains("`rounded`"));
    CommandLineRun bad = CommandLineRun.of("eval", "--model", model.toString(), "--data",
        data.toString(), "--precision", "fp8");
    assertEquals(1, bad.err().strip().lines().count(), bad.err());
    assertTrue(bad.err().contains("unknown precision 'fp8'"), bad.err());
  }

  @Test
  void badArgumentsEndInOneLineAndLeaveNoOutput() throws IOException {
    Path wide = Files.createDirectories(dir.resolve("wide"));
    IdxTestFiles.writeFolder(wide, 10, 10, 5, CLASSES, true, 9);
    String[][] cases = {
      {"--levels", "0,1.0", "levels must be in [0, 1), got 1.0"},
      {"--model", dir.resolve("missing.snn").toString(), "missing.snn"},
      {"--data", wide.toString(), "25"},
      {"--method", "magic", "unknown method 'magic'"},
    };
    for (String[] c : cases) {
      Path out = dir.resolve("never");
      CommandLineRun run = sweep(out, c[0], c[1]);
      assertEquals(1, run.status(), c[2]);
      assertTrue(run.err().contains(c[2]), run.err());
      assertEquals(1, run.err().strip().lines().count(), run.err());
      assertFalse(Files.exists(out), "no --out after: " + c[2]);
    }
  }

  @Test
  void featurePrunedModelsEvaluateAndSweepOnFullWidthData() throws IOException {
    // Drop every third input: with those columns zero, the full model computes the same.
    int[] kept = java.util.stream.IntStream.range(0, SIDE * SIDE).filter(i -> i % 3 != 0)
        .toArray();
    DenseLayer first = network.layers().get(0);
    float[] full = first.weights().clone();
    float[] narrow = new float[first.outputs() * kept.length];
    for (int r = 0; r < first.outputs(); r++) {
      for (int c = 0; c < SIDE * SIDE; c++) {
        if (c % 3 == 0) {
          full[r * SIDE * SIDE + c] = 0f;
        }
      }
      for (int i = 0; i < kept.length; i++) {
        narrow[r * kept.length + i] = first.weight(r, kept[i]);
      }
    }
    DenseLayer second = network.layers().get(1);
    Network zeroed = new Network(List.of(new DenseLayer(SIDE * SIDE, first.outputs(), full,
        first.bias(), first.activation()), second), false);
    Network pruned = new Network(List.of(new DenseLayer(kept.length, first.outputs(), narrow,
        first.bias(), first.activation()), second), false)
        .withInputSelection(SIDE * SIDE, kept);
    Path zeroedFile = dir.resolve("zeroed.snn");
    SnnWriter.write(zeroed, zeroedFile, SnnWriteOptions.defaults());
    Path prunedSnn = dir.resolve("features.snn");
    SnnWriter.write(pruned, prunedSnn, SnnWriteOptions.defaults());
    Path prunedOnnx = dir.resolve("features.onnx");
    assertEquals(0, CommandLineRun.of("convert", prunedSnn.toString(), "-o",
        prunedOnnx.toString()).status());
    String expected = lastLine(CommandLineRun.of("eval", "--model", zeroedFile.toString(),
        "--data", data.toString()));
    for (Path file : List.of(prunedSnn, prunedOnnx)) {
      assertEquals(expected, lastLine(CommandLineRun.of("eval", "--model", file.toString(),
          "--data", data.toString())), file.toString());
      Path out = dir.resolve("out-" + file.getFileName());
      CommandLineRun run = sweep(out, "--model", file.toString(), "--levels", "0,0.5",
          "--fine-tune-epochs", "1");
      assertEquals(0, run.status(), run.err());
      String[] first0 = Files.readAllLines(out.resolve("sweep.csv")).get(1).split(",");
      assertEquals(expected, String.format(java.util.Locale.ROOT, "accuracy: %.4f",
          Double.parseDouble(first0[3])), file.toString());
    }
  }

  private static String lastLine(CommandLineRun run) {
    assertEquals(0, run.status(), run.err());
    return run.out().strip().lines().reduce((a, b) -> b).orElseThrow();
  }
}
