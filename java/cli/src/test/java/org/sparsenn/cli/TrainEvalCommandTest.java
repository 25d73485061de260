package org.sparsenn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.io.ModelReader;
import org.sparsenn.io.data.IdxTestFiles;
import org.sparsenn.io.onnx.OnnxReader;
import org.sparsenn.io.snn.SnnFile;
import org.sparsenn.model.Network;
import org.sparsenn.prune.Masks;

/** {@code sparsenn train} and {@code sparsenn eval} on tiny synthetic IDX folders. */
class TrainEvalCommandTest {
  @TempDir Path dir;

  /** 8x8 images in 4 classes (a bright band per class), gzipped. */
  private Path idxFolder() throws IOException {
    Path data = Files.createDirectories(dir.resolve("data"));
    IdxTestFiles.writeFolder(data, 400, 100, 8, 4, true, 1);
    return data;
  }

  private static void assertOneLineError(CommandLineRun r, String phrase) {
    assertNotEquals(0, r.status());
    assertTrue(r.err().startsWith("sparsenn: ") && r.err().contains(phrase)
        && r.err().strip().lines().count() == 1, r.err());
  }

  @Test
  void trainWritesSnnThatEvalScoresAccurately() throws IOException {
    Path data = idxFolder();
    Path model = dir.resolve("mlp.snn");
    CommandLineRun train = CommandLineRun.of("train", "--layers", "64,16,4", "--data",
        data.toString(), "--epochs", "3", "--batch", "16", "--lr", "0.05", "--seed", "3",
        "-o", model.toString());
    assertEquals(0, train.status(), train.err());
    assertTrue(train.out().contains("epoch 3:"), train.out());
    assertTrue(train.out().contains("test: loss"), train.out());
    assertTrue(train.out().contains("wrote " + model), train.out());
    Network net = SnnFile.read(model).network();
    assertEquals(64, net.inputs());
    assertEquals(4, net.outputs());
    assertTrue(SnnFile.read(model).provenance().get("training").contains("3 epochs"));

    CommandLineRun eval = CommandLineRun.of("eval", "--model", model.toString(), "--data",
        data.toString());
    assertEquals(0, eval.status(), eval.err());
    List<String> lines = eval.out().strip().lines().toList();
    String last = lines.get(lines.size() - 1);
    assertTrue(last.matches("accuracy: \\d\\.\\d{4}"), last);
    assertTrue(Double.parseDouble(last.substring("accuracy: ".length())) > 0.95, eval.out());
    assertTrue(eval.out().contains("100 examples"), eval.out());
  }

  @Test
  void fineTuningFromAPrunedModelKeepsItsZerosAndWritesOnnx() throws IOException {
    Path data = idxFolder();
    Path first = dir.resolve("first.snn");
    assertEquals(0, CommandLineRun.of("train", "--layers", "64,12,4", "--data",
        data.toString(), "--epochs", "1", "-q", "-o", first.toString()).status());
    Network trained = SnnFile.read(first).network();
    // prune by hand: zero every other weight of each layer
    List<org.sparsenn.model.DenseLayer> layers = new java.util.ArrayList<>();
    for (var layer : trained.layers()) {
      float[] w = layer.weights();
      for (int i = 0; i < w.length; i += 2) {
        w[i] = 0f;
      }
      layers.add(layer.withWeights(w));
    }
    Path pruned = dir.resolve("pruned.onnx");
    org.sparsenn.io.onnx.OnnxWriter.write(trained.withLayers(layers), pruned);
    Path tuned = dir.resolve("tuned.onnx");
    CommandLineRun r = CommandLineRun.of("train", "--init", pruned.toString(), "--data",
        data.toString(), "--epochs", "1", "--optimizer", "adam", "--lr", "0.001", "-q",
        "-o", tuned.toString());
    assertEquals(0, r.status(), r.err());
    assertFalse(r.out().contains("epoch 1:"), "quiet prints no epoch lines");
    Network result = OnnxReader.read(tuned);
    Masks before = Masks.ofNonzeros(ModelReader.read(pruned));
    Masks after = Masks.ofNonzeros(result);
    for (int l = 0; l < before.layerCount(); l++) {
      for (int i = 0; i < before.size(l); i++) {
        if (!before.keeps(l, i)) {
          assertFalse(after.keeps(l, i), "layer " + l + " weight " + i + " revived");
        }
      }
    }
  }

  @Test
  void trainRejectsBadInputBeforeAnyWork() throws IOException {
    Path data = idxFolder();
    Path out = dir.resolve("out.snn");
    assertOneLineError(CommandLineRun.of("train", "--layers", "100,8,4", "--data",
        data.toString(), "-o", out.toString()), "64 features per example");
    assertOneLineError(CommandLineRun.of("train", "--layers", "64,8,3", "--data",
        data.toString(), "-o", out.toString()), "label 3 is out of range");
    assertOneLineError(CommandLineRun.of("train", "--layers", "64,8,4", "--data",
        data.toString(), "-o", dir.resolve("out.txt").toString()), ".snn or .onnx");
    assertOneLineError(CommandLineRun.of("train", "--data", data.toString(), "-o",
        out.toString()), "--layers");
    assertOneLineError(CommandLineRun.of("train", "--layers", "64,8,4", "--data",
        dir.resolve("missing").toString(), "-o", out.toString()), "no such file");
    assertOneLineError(CommandLineRun.of("train", "--layers", "64,8,4", "--data",
        data.toString(), "--optimizer", "rmsprop", "-o", out.toString()), "rmsprop");
    assertOneLineError(CommandLineRun.of("train", "--layers", "64,8,4", "--data",
        data.toString(), "--patience", "2", "-o", out.toString()), "validation");
    assertFalse(Files.exists(out));
  }

  @Test
  void emptyOrTruncatedDataIsOneLineError() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    IdxTestFiles.writeFolder(empty, 0, 0, 4, 2, false, 1);
    Path out = dir.resolve("out.snn");
    assertOneLineError(CommandLineRun.of("train", "--layers", "16,4,2", "--data",
        empty.toString(), "-o", out.toString()), "empty");
    Path cut = Files.createDirectories(dir.resolve("cut"));
    IdxTestFiles.writeFolder(cut, 10, 10, 4, 2, false, 1);
    Path images = cut.resolve("t10k-images-idx3-ubyte");
    byte[] bytes = Files.readAllBytes(images);
    Files.write(images, java.util.Arrays.copyOf(bytes, bytes.length - 5));
    assertOneLineError(CommandLineRun.of("train", "--layers", "16,4,2", "--data",
        cut.toString(), "-o", out.toString()), "truncated");
  }

  @Test
  void evalRejectsDataThatDoesNotFitTheModel() throws IOException {
    Path data = idxFolder();
    Path model = dir.resolve("small.snn");
    Path csv = Files.writeString(dir.resolve("d.csv"), "1,2,0\n3,4,1\n");
    assertEquals(0, CommandLineRun.of("train", "--layers", "2,2", "--data", csv.toString(),
        "--epochs", "1", "-q", "-o", model.toString()).status());
    assertOneLineError(CommandLineRun.of("eval", "--model", model.toString(), "--data",
        data.toString()), "64 features per example, the network takes 2 inputs");
    Path csv3 = Files.writeString(dir.resolve("e.csv"), "1,2,0\n3,4,2\n");
    assertOneLineError(CommandLineRun.of("eval", "--model", model.toString(), "--data",
        csv3.toString()), "label 2 is out of range");
    CommandLineRun ok = CommandLineRun.of("eval", "--model", model.toString(), "--data",
        csv.toString());
    assertEquals(0, ok.status(), ok.err());
    assertTrue(ok.out().strip().lines().reduce((a, b) -> b).orElse("").startsWith("accuracy: "),
        ok.out());
  }
}
