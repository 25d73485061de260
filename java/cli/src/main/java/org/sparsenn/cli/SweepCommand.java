package org.sparsenn.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.sparsenn.cli.sweep.SweepChart;
import org.sparsenn.cli.sweep.SweepMethod;
import org.sparsenn.cli.sweep.SweepReport;
import org.sparsenn.cli.sweep.SweepRow;
import org.sparsenn.cli.sweep.SweepRunner;
import org.sparsenn.engine.MachineProfile;
import org.sparsenn.io.LoadedModel;
import org.sparsenn.io.ModelReader;
import org.sparsenn.io.data.Dataset;
import org.sparsenn.io.data.IdxDatasets;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.model.Network;
import org.sparsenn.train.Loss;
import org.sparsenn.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What each pruning level costs in accuracy and buys in speed: prunes a model to each level
 * with each method, and prints per level the accuracy (fine-tuned too, when training data is
 * given), file size, latency planned and dense at batch 1 and a batch size, the speedup and the
 * kernels chosen. With no arguments it runs on the built-in Fashion-MNIST model and a 2,000
 * image sample of the test set. {@code --out} receives {@code sweep.csv}, {@code sweep.json},
 * {@code report.md} and {@code sweep.png}/{@code sweep.svg}, all at once at the end.
 */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    header = "Accuracy, size and speed of a model at each pruning level.",
    description = {
      "Prune a model to each level and show accuracy, size and speed per level.",
      "With no arguments: the built-in Fashion-MNIST MLP on a 2,000-image test sample."
    })
final class SweepCommand implements Callable<Integer> {
  static final String BUILTIN = "/org/sparsenn/cli/sweep/";
  static final String BUILTIN_MODEL = "fashion-mnist-mlp.snn";
  static final String BUILTIN_IMAGES = "t10k-images-idx3-ubyte.gz";
  static final String BUILTIN_LABELS = "t10k-labels-idx1-ubyte.gz";

  @Spec CommandSpec spec;

  @Option(names = {"-m", "--model"}, paramLabel = "MODEL",
      description = "Model to prune (default: the built-in Fashion-MNIST MLP).")
  Path model;

  @Option(names = {"-d", "--data"}, paramLabel = "DIR",
      description = "IDX data folder (t10k-* for accuracy; train-* too enables fine-tuning);"
          + " default: the built-in 2,000-image Fashion-MNIST test sample.")
  Path data;

  @Option(names = "--method", split = ",", defaultValue = "magnitude", paramLabel = "METHOD",
      description = "Pruning methods, comma-separated: magnitude (global), magnitude-layer,"
          + " random, block (4x4), neuron (default: ${DEFAULT-VALUE}).")
  List<String> methods;

  @Option(names = "--levels", split = ",", defaultValue = "0,0.5,0.7,0.8,0.9,0.95,0.98",
      paramLabel = "L", description = "Pruning levels in [0, 1) (default: ${DEFAULT-VALUE}).")
  List<Double> levels;

  @Option(names = "--fine-tune-epochs", defaultValue = "1",
      description = "Masked fine-tune epochs per level when the data has a training split"
          + " (0: none; default: ${DEFAULT-VALUE}).")
  int fineTuneEpochs;

  @Option(names = "--batch", defaultValue = "32",
      description = "Batch size of the batched latency (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--threads", defaultValue = "1",
      description = "Threads per layer (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Write sweep.csv, sweep.json, report.md, sweep.png and sweep.svg here.")
  Path out;

  @Option(names = "--latency-ms", defaultValue = "250", hidden = true,
      description = "Time budget per latency figure, ms (default: ${DEFAULT-VALUE}).")
  int latencyMillis;

  @Mixin ReadOptionsMixin reading;

  @Override
  public Integer call() throws IOException {
    List<SweepMethod> chosen = methods.stream().map(SweepMethod::parse).distinct().toList();
    List<Double> sorted = checkedLevels();
    if (batch < 2) {
      throw new IllegalArgumentException("--batch must be >= 2, got " + batch);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
    }
    if (fineTuneEpochs < 0) {
      throw new IllegalArgumentException("--fine-tune-epochs must be >= 0, got " + fineTuneEpochs);
    }
    if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
      throw new IllegalArgumentException("--out " + out + " exists and is not a directory");
    }
    Path scratch = Files.createTempDirectory("sparsenn-sweep-");
    try {
      LoadedModel loaded = model != null ? ModelReader.load(model, reading.readOptions())
          : ModelReader.load(extract(scratch, BUILTIN_MODEL), reading.readOptions());
      Network network = loaded.network();
      Dataset test;
      Dataset train = null;
      String dataName;
      if (data != null) {
        if (!Files.isDirectory(data)) {
          throw new IllegalArgumentException("--data " + data + " is not a directory");
        }
        test = IdxDatasets.loadTest(data);
        if (Files.exists(data.resolve(IdxDatasets.TRAIN_IMAGES))
            || Files.exists(data.resolve(IdxDatasets.TRAIN_IMAGES + ".gz"))) {
          train = IdxDatasets.loadTrain(data);
        }
        dataName = data.toString();
      } else {
        test = IdxDatasets.load(extract(scratch, BUILTIN_IMAGES),
            extract(scratch, BUILTIN_LABELS));
        dataName = "built-in Fashion-MNIST test sample";
      }
      Trainer.checkData(network, test, Loss.SOFTMAX_CROSS_ENTROPY);
      if (train != null) {
        Trainer.checkData(network, train, Loss.SOFTMAX_CROSS_ENTROPY);
      }
      SweepRunner runner = new SweepRunner(network, test, fineTuneEpochs > 0 ? train : null,
          new SweepRunner.Settings(chosen, sorted, fineTuneEpochs, batch, threads,
              latencyMillis * 1_000_000L), scratch);
      String context = String.format(Locale.ROOT,
          "Model %s (%s, %s), %d test images from %s%s; %s, %d thread(s), kernels %s.",
          model != null ? model.getFileName() : "built-in " + BUILTIN_MODEL, network,
          loaded.sha256().substring(0, 12), test.size(), dataName,
          train != null && fineTuneEpochs > 0 ? ", fine-tuned " + fineTuneEpochs
              + " epoch(s) on " + train.size() + " training images" : "",
          machine(), threads, Kernels.best().name());
      List<SweepRow> rows = runWithProgress(runner);
      SweepReport report = new SweepReport(rows, batch, context);
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.println(context);
      stdout.print(report.table());
      if (out != null) {
        writeOutputs(report, rows, scratch);
        stdout.println("wrote " + out.resolve("sweep.csv") + ", sweep.json, report.md,"
            + " sweep.png, sweep.svg");
      }
      stdout.flush();
      return 0;
    } finally {
      deleteTree(scratch);
    }
  }

  private List<Double> checkedLevels() {
    List<Double> sorted = new ArrayList<>();
    for (double level : levels) {
      if (!(level >= 0 && level < 1)) {
        throw new IllegalArgumentException("levels must be in [0, 1), got " + level);
      }
      if (!sorted.contains(level)) {
        sorted.add(level);
      }
    }
    sorted.sort(Comparator.naturalOrder());
    return sorted;
  }

  private List<SweepRow> runWithProgress(SweepRunner runner) {
    if (System.console() == null) {
      return runner.run(row -> { });
    }
    try (ProgressBar bar = new ProgressBarBuilder().setTaskName("sweep")
        .setInitialMax(runner.steps()).continuousUpdate().build()) {
      return runner.run(row -> {
        bar.step();
        bar.setExtraMessage(String.format(Locale.ROOT, " %s %.2f: accuracy %.4f",
            row.method(), row.level(), row.accuracy()));
      });
    }
  }

  /** Writes every output into a staging folder, then moves them into {@code out} together. */
  private void writeOutputs(SweepReport report, List<SweepRow> rows, Path scratch)
      throws IOException {
    Path staging = Files.createDirectories(scratch.resolve("out"));
    Files.writeString(staging.resolve("sweep.csv"), report.csv(), StandardCharsets.UTF_8);
    Files.writeString(staging.resolve("sweep.json"), report.json(), StandardCharsets.UTF_8);
    Files.writeString(staging.resolve("report.md"), report.markdown("sweep.svg"),
        StandardCharsets.UTF_8);
    SweepChart.write(SweepChart.build(rows, batch, "sparsenn sweep: accuracy and speedup"),
        staging.resolve("sweep"));
    Files.createDirectories(out);
    for (String name : List.of("sweep.csv", "sweep.json", "report.md", "sweep.png",
        "sweep.svg")) {
      Path target = out.resolve(name);
      try {
        Files.move(staging.resolve(name), target, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        // Another file system: copy, which still replaces the file in one step per file.
        Files.copy(staging.resolve(name), target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static Path extract(Path dir, String resource) throws IOException {
    Path file = dir.resolve(resource);
    try (InputStream in = SweepCommand.class.getResourceAsStream(BUILTIN + resource)) {
      if (in == null) {
        throw new IllegalStateException("built-in resource " + BUILTIN + resource
            + " is missing from the jar");
      }
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    }
    return file;
  }

  private static String machine() {
    return MachineProfile.cpuModel() + ", " + Runtime.getRuntime().availableProcessors()
        + " cores";
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // A leftover temporary folder is harmless.
    }
  }
}
