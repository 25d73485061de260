package org.sparsenn.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sparsenn.engine.Precision;
import org.sparsenn.io.LoadedModel;
import org.sparsenn.io.ModelReader;
import org.sparsenn.io.data.Dataset;
import org.sparsenn.train.Evaluation;
import org.sparsenn.train.Evaluator;
import org.sparsenn.train.Loss;
import org.sparsenn.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Evaluates a model on a data set's test part (an IDX folder's {@code t10k-*} files; a CSV
 * file or an npy pair whole): mean loss, top-k accuracy, and last a line {@code accuracy: X}.
 * The data is checked against the model before anything is computed.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    header = "Evaluate a model on test data; ends with 'accuracy: X'.",
    description = {
      "Evaluate a model on the test part of an IDX folder (or on a whole CSV file or",
      "X.npy/y.npy folder): loss, top-k accuracy, and last a line 'accuracy: X'."
    })
final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "MODEL",
      description = "Model file (.onnx, .npz, .safetensors, .snn).")
  Path model;

  @Mixin ReadOptionsMixin reading;

  @Option(names = "--data", required = true, paramLabel = "DATA",
      description = "IDX folder (its t10k-* test files are used), folder with X.npy and y.npy,"
          + " or a .csv file.")
  Path data;

  @Option(names = "--label-column", paramLabel = "COLUMN",
      description = "A CSV file's label column, by index or header name (default: the last).")
  String labelColumn;

  @Option(names = "--loss", defaultValue = "ce",
      description = "Loss to report: ce or mse (default: ${DEFAULT-VALUE}).")
  String loss;

  @Option(names = "--top-k", defaultValue = "5",
      description = "k of the top-k accuracy (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  // bf16: every weight rounded, as if every layer ran a bf16 method (the session's worst case)
  @Mixin PrecisionMixin precision;

  @Override
  public Integer call() {
    Loss chosen = TrainCommand.parseLoss(loss);
    if (topK < 1) {
      throw new IllegalArgumentException("--top-k must be at least 1, got " + topK);
    }
    LoadedModel loaded = ModelReader.load(model, reading.readOptions());
    Dataset test = DataSources.load(data, DataSources.Part.TEST, labelColumn);
    if (!test.hasLabels()) {
      throw new IllegalArgumentException(data + ": accuracy needs class labels, the data has"
          + " float targets");
    }
    Trainer.checkData(loaded.network(), test, chosen);
    Precision p = precision.precision();
    Evaluation e = Evaluator.evaluate(p.roundWeights(loaded.network()), test, chosen, topK);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      CliJson.write(out, CliJson.evaluation(model, loaded.network(), data,
          DataSources.hasTestPart(data), chosen.name().toLowerCase(Locale.ROOT), e));
      return 0;
    }
    out.printf(Locale.ROOT, "model:    %s (%s)%n", model, loaded.network());
    out.printf(Locale.ROOT, "data:     %s%s, %d examples%n", data,
        DataSources.hasTestPart(data) ? " (test part)" : "", e.count());
    out.printf(Locale.ROOT, "loss:     %.4f (%s)%n", e.meanLoss(),
        chosen.name().toLowerCase(Locale.ROOT));
    out.printf(Locale.ROOT, "top-%d:    %.4f%n", e.topK(), e.topKAccuracy());
    out.printf(Locale.ROOT, "accuracy: %.4f%n", e.accuracy());
    if (p != Precision.FP32) {
      out.printf(Locale.ROOT, "precision: %s (every weight rounded)%n", p.label());
    }
    out.flush();
    return 0;
  }
}
