package org.sparsenn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.io.ModelReader;
import org.sparsenn.io.ReadOptions;
import org.sparsenn.io.data.IdxTestFiles;
import org.sparsenn.io.snn.SnnWriteOptions;
import org.sparsenn.io.snn.SnnWriter;
import org.sparsenn.model.Network;
import org.sparsenn.model.RecurrentLayer;
import org.sparsenn.train.Initializers;

/**
 * {@code prune}, {@code eval} and {@code sweep} on an LSTM that reads images row by row: an IDX
 * folder of {@code side x side} images feeds a model of {@code side} inputs per step, and the
 * sweep's built-in Fashion-MNIST sample feeds one of 28.
 */
class RecurrentPruneSweepTest {
  @TempDir Path dir;

  private Path lstm(int inputs, int hidden, int classes) throws IOException {
    Network net = Initializers.pytorchSequence(RecurrentLayer.Cell.LSTM, inputs, hidden, 1,
        classes, 5);
    Path file = dir.resolve("lstm-" + inputs + ".snn");
    SnnWriter.write(net, file, SnnWriteOptions.defaults());
    return file;
  }

  private static int zeros(float[] values) {
    int count = 0;
    for (float v : values) {
      count += v == 0f ? 1 : 0;
    }
    return count;
  }

  @Test
  void evalAndGradualPruneReadImagesRowByRow() throws IOException {
    Path data = java.nio.file.Files.createDirectories(dir.resolve("data"));
    IdxTestFiles.writeFolder(data, 300, 100, 8, 4, true, 1);
    Path model = lstm(8, 16, 4);
    CommandLineRun eval = CommandLineRun.of("eval", "--model", model.toString(), "--data",
        data.toString());
    assertEquals(0, eval.status(), eval.err());
    assertTrue(eval.out().contains("accuracy"), eval.out());

    Path pruned = dir.resolve("pruned.snn");
    CommandLineRun run = CommandLineRun.of("prune", "-q", "--model", model.toString(),
        "--method", "magnitude", "--scope", "layer", "--sparsity", "0.75", "--schedule",
        "gradual", "--fine-tune-epochs", "2", "--batch", "32", "--data", data.toString(),
        "-o", pruned.toString());
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("rnn 0 R"), run.out());
    Network result = ModelReader.load(pruned, ReadOptions.defaults()).network();
    RecurrentLayer layer = result.recurrentLayers().get(0);
    assertEquals(Math.round(0.75 * 64 * 8), zeros(layer.inputWeights()));
    assertEquals(Math.round(0.75 * 64 * 16), zeros(layer.recurrentWeights()));
  }

  @Test
  void oneShotBlockPruningWithoutData() throws IOException {
    Path model = lstm(8, 16, 4);
    Path pruned = dir.resolve("blocks.snn");
    CommandLineRun run = CommandLineRun.of("prune", "--model", model.toString(), "--method",
        "block", "--block", "16x1", "--scope", "layer", "--sparsity", "0.5", "-o",
        pruned.toString());
    assertEquals(0, run.status(), run.err());
    float[] r = ModelReader.load(pruned, ReadOptions.defaults()).network().recurrentLayers()
        .get(0).recurrentWeights();
    assertEquals(r.length / 2, zeros(r));
    for (int block = 0; block < 64 / 16; block++) {
      for (int c = 0; c < 16; c++) {
        int z = 0;
        for (int i = 0; i < 16; i++) {
          z += r[(block * 16 + i) * 16 + c] == 0f ? 1 : 0;
        }
        assertTrue(z == 0 || z == 16, "block " + block + " column " + c);
      }
    }
  }

  @Test
  void methodsThatCannotPruneRecurrentLayersAreNamed() throws IOException {
    Path model = lstm(8, 16, 4);
    CommandLineRun run = CommandLineRun.of("prune", "--model", model.toString(), "--method",
        "neuron", "--sparsity", "0.5", "-o", dir.resolve("x.snn").toString());
    assertEquals(1, run.status());
    assertTrue(run.err().contains("feed-forward"), run.err());
    CommandLineRun sweep = CommandLineRun.of("sweep", "--model", model.toString(), "--method",
        "neuron");
    assertEquals(1, sweep.status());
    assertTrue(sweep.err().contains("cannot prune a recurrent model"), sweep.err());
  }

  @Test
  void sweepOfAnLstmRunsOnTheBuiltInSampleReadRowByRow() throws IOException {
    Path model = lstm(28, 8, 10);
    CommandLineRun run = CommandLineRun.of("sweep", "--model", model.toString(), "--levels",
        "0,0.5", "--fine-tune-epochs", "1", "--latency-ms", "20", "--batch", "4");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("LSTM"), run.out());
    assertTrue(run.out().contains("magnitude") && run.out().contains("block16x1"), run.out());
  }
}
