package org.sparsenn.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sparsenn.io.ModelReader;
import org.sparsenn.io.data.Dataset;
import org.sparsenn.model.Network;
import org.sparsenn.prune.SensitivityScan;
import org.sparsenn.prune.SensitivityTable;
import org.sparsenn.train.Evaluator;
import org.sparsenn.train.Loss;
import org.sparsenn.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Per layer, test accuracy against sparsity with the other layers left dense (magnitude pruning
 * of that layer alone): which layers can be pruned harder. Ends with a suggested per-layer
 * target for an allowed accuracy drop, as {@code prune --override} takes it.
 */
@Command(
    name = "sensitivity",
    mixinStandardHelpOptions = true,
    header = "Per-layer accuracy against sparsity, and suggested targets.",
    description = {
      "Per layer, accuracy against sparsity with the other layers dense, and per-layer",
      "targets (prune --override) that keep the accuracy drop within --max-drop."
    })
final class SensitivityCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
      description = "Model to scan (.onnx, .npz, .safetensors, .snn).")
  Path model;

  @Mixin ReadOptionsMixin reading;

  @Option(names = "--data", required = true, paramLabel = "DATA",
      description = "IDX folder (its test part is used), folder with X.npy and y.npy, or .csv.")
  Path data;

  @Option(names = "--label-column", paramLabel = "COLUMN",
      description = "A CSV file's label column, by index or name (default: the last).")
  String labelColumn;

  @Option(names = "--levels", split = ",", defaultValue = "0.5,0.7,0.8,0.9,0.95,0.98",
      paramLabel = "S", description = "Sparsities to try, each in [0, 1) (default:"
          + " ${DEFAULT-VALUE}).")
  List<Double> levels;

  @Option(names = "--max-drop", defaultValue = "0.01",
      description = "Accuracy drop allowed per layer for the suggested targets (default:"
          + " ${DEFAULT-VALUE}).")
  double maxDrop;

  @Override
  public Integer call() {
    for (double level : levels) {
      if (!(level >= 0 && level < 1)) {
        throw new IllegalArgumentException("levels must be in [0, 1), got " + level);
      }
    }
    if (!(maxDrop >= 0)) {
      throw new IllegalArgumentException("--max-drop must be >= 0, got " + maxDrop);
    }
    Network network = ModelReader.load(model, reading.readOptions()).network();
    Dataset test = DataSources.load(data, DataSources.hasTestPart(data)
        ? DataSources.Part.TEST : DataSources.Part.TRAIN, labelColumn);
    Trainer.checkData(network, test, Loss.SOFTMAX_CROSS_ENTROPY);
    SensitivityTable table = SensitivityScan.run(network, levels,
        net -> Evaluator.evaluate(net, test, Loss.SOFTMAX_CROSS_ENTROPY).accuracy());
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "%s on %d examples of %s%n", network, test.size(), data);
    out.print(table.format());
    List<String> overrides = new ArrayList<>();
    for (int layer = 0; layer < network.layers().size(); layer++) {
      overrides.add(layer + "=" + table.maxSparsityWithin(layer, maxDrop));
    }
    out.printf(Locale.ROOT, "targets within %.4f of the baseline: --override %s%n", maxDrop,
        String.join(",", overrides));
    out.flush();
    return 0;
  }
}
