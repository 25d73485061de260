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
import org.sparsenn.train.FineTuneRecipe;
import org.sparsenn.train.Loss;
import org.sparsenn.train.Trainer;
import org.sparsenn.train.TrainerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What each pruning level costs in accuracy and buys in speed: prunes a model to each level
 * with each method, and prints per level the accuracy (fine-tuned too, when training data is
 * given), file size, latency planned and dense at batch 1 and a batch size, the speedup and the
 * kernels chosen. With no arguments it runs on the built-in Fashion-MNIST model, fine-tunes
 * each level on a built-in 3,000-image sample of the training set with the
 * {@link FineTuneRecipe} and measures accuracy on a 2,000-image sample of the test set. A
 * recurrent model reads each image as a sequence of its rows (the built-in sample is then
 * row-by-row Fashion-MNIST, 28 steps of 28 pixels), fine-tunes through time with clipped
 * gradients ({@link #BUILTIN_RECURRENT_EPOCHS} epochs per level on the sample) and is timed on
 * whole sequences.
 * {@code --out} receives {@code sweep.csv}, {@code sweep.json},
 * {@code report.md} and {@code sweep.png}/{@code sweep.svg}, all at once at the end.
 */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    header = "Accuracy, size and speed of a model at each pruning level.",
    description = {
      "Prune a model to each level and show accuracy, size and speed per level.",
      "With no arguments: the built-in Fashion-MNIST MLP, fine-tuned on a 3,000-image training",
      "sample and measured on a 2,000-image test sample.",
      "A recurrent --model of 28 inputs per step reads the same images row by row (28 steps",
      "of 28 pixels) and is swept with magnitude and block16x1 unless --method says otherwise."
    })
final class SweepCommand implements Callable<Integer> {
  static final String BUILTIN = "/org/sparsenn/cli/sweep/";
  static final String BUILTIN_MODEL = "fashion-mnist-mlp.snn";
  static final String BUILTIN_IMAGES = "t10k-images-idx3-ubyte.gz";
  static final String BUILTIN_LABELS = "t10k-labels-idx1-ubyte.gz";
  static final String BUILTIN_TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
  static final String BUILTIN_TRAIN_LABELS = "train-labels-idx1-ubyte.gz";

  /** Epochs on the built-in 3,000 images: each level's fine-tune takes well under a second. */
  static final int BUILTIN_EPOCHS = 8;
  /** Epochs on a full training set (60,000 images: a few seconds an epoch). */
  static final int DATA_EPOCHS = 2;
  /**
   * Epochs per level for a recurrent model on the built-in sample (read row by row: 28 steps
   * of 28 pixels), whose training through time costs many times an MLP's.
   */
  static final int BUILTIN_RECURRENT_EPOCHS = 2;
  /** The methods a recurrent model is swept with when --method is not given. */
  static final List<SweepMethod> RECURRENT_METHODS =
      List.of(SweepMethod.MAGNITUDE, SweepMethod.BLOCK16X1);

  @Spec CommandSpec spec;

  @Option(names = {"-m", "--model"}, paramLabel = "MODEL",
      description = "Model to prune (default: the built-in Fashion-MNIST MLP).")
  Path model;

  @Option(names = {"-d", "--data"}, paramLabel = "DIR",
      description = "IDX data folder (t10k-* for accuracy; train-* too enables fine-tuning);"
          + " default: built-in Fashion-MNIST samples, 3,000 training and 2,000 test images.")
  Path data;

  @Option(names = "--method", split = ",", defaultValue = "magnitude,block16x1,neuron",
      paramLabel = "METHOD",
      description = "Pruning methods, comma-separated: magnitude (global), magnitude-layer,"
          + " random, block (4x4), neuron, block16x1 (16 output rows x 1 input), nm (N:M at the"
          + " pattern nearest each level: 0.5 is 2:4, 0.75 1:4, 0.875 1:8; run on the N:M"
          + " kernels) (default: ${DEFAULT-VALUE}).")
  List<String> methods;

  @Option(names = "--levels", split = ",", defaultValue = "0,0.5,0.7,0.8,0.9,0.95,0.98",
      paramLabel = "L", description = "Pruning levels in [0, 1) (default: ${DEFAULT-VALUE}).")
  List<Double> levels;

  @Option(names = "--fine-tune-epochs", paramLabel = "N",
      description = "Fine-tune epochs per level when the data has a training split (0: none;"
          + " default: " + BUILTIN_EPOCHS + " on the built-in sample, " + DATA_EPOCHS
          + " on --data).")
  Integer fineTuneEpochs;

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

  @Mixin PrecisionMixin precision;

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
    if (fineTuneEpochs != null && fineTuneEpochs < 0) {
      throw new IllegalArgumentException("--fine-tune-epochs must be >= 0, got "
          + fineTuneEpochs);
    }
    if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
      throw new IllegalArgumentException("--out " + out + " exists and is not a directory");
    }
    Path scratch = Files.createTempDirectory("sparsenn-sweep-");
    try {
      LoadedModel loaded = model != null ? ModelReader.load(model, reading.readOptions())
          : ModelReader.load(extract(scratch, BUILTIN_MODEL), reading.readOptions());
      Network network = loaded.network();
      if (network.isRecurrent()) {
        chosen = recurrentMethods(chosen);
      }
      int epochs = fineTuneEpochs != null ? fineTuneEpochs
          : data != null ? DATA_EPOCHS
          : network.isRecurrent() ? BUILTIN_RECURRENT_EPOCHS : BUILTIN_EPOCHS;
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
        train = IdxDatasets.load(extract(scratch, BUILTIN_TRAIN_IMAGES),
            extract(scratch, BUILTIN_TRAIN_LABELS));
        dataName = "the built-in Fashion-MNIST test sample";
      }
      Trainer.checkData(network, test, Loss.SOFTMAX_CROSS_ENTROPY);
      if (train != null) {
        Trainer.checkData(network, train, Loss.SOFTMAX_CROSS_ENTROPY);
      }
      boolean tuning = train != null && epochs > 0;
      // Distillation pays on the small built-in sample, not on a full training set (README).
      FineTuneRecipe recipe = !tuning ? null
          : data == null ? FineTuneRecipe.smallSample(epochs) : FineTuneRecipe.defaults(epochs);
      if (recipe != null && network.isRecurrent()) {
        // through time: clipped gradients, and batches of 64 (per-step costs dominate small ones)
        recipe = recipe.withOptions(recipe.options().withClipNorm(1)
            .withBatchSize(Math.max(64, recipe.options().batchSize())));
      }
      SweepRunner runner = new SweepRunner(network, test, tuning ? train : null,
          new SweepRunner.Settings(chosen, sorted, recipe, batch, threads,
              latencyMillis * 1_000_000L, precision.precision()), scratch);
      String context = String.format(Locale.ROOT,
          "Model %s (%s, %s), %d test images from %s%s; %s, %d thread(s), kernels %s.",
          model != null ? model.getFileName() : "built-in " + BUILTIN_MODEL, network,
          loaded.sha256().substring(0, 12), test.size(), dataName,
          tuning ? ", fine-tuned " + epochs + " epoch(s) per level on " + train.size()
              + " training images" + (data == null ? " (the built-in sample)" : "")
              + " (" + describe(recipe) + ")" : "",
          machine(), threads, Kernels.best().name());
      PrintWriter stdout = spec.commandLine().getOut();
      // Said first, so the data in use is known while the sweep runs.
      stdout.println(context);
      stdout.flush();
      List<SweepRow> rows = runWithProgress(runner);
      SweepReport report = new SweepReport(rows, batch, context);
      stdout.println(report.baseline());
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

  /**
   * The methods for a recurrent model: without --method, the defaults that handle recurrent
   * layers ({@link #RECURRENT_METHODS}, plus any other default that does); with it, the given
   * ones, all of which must.
   *
   * @throws IllegalArgumentException naming a given method that cannot prune recurrent layers
   */
  private List<SweepMethod> recurrentMethods(List<SweepMethod> chosen) {
    boolean given = spec != null && spec.commandLine().getParseResult() != null
        && spec.commandLine().getParseResult().hasMatchedOption("--method");
    if (given) {
      for (SweepMethod method : chosen) {
        if (!method.handlesRecurrent()) {
          throw new IllegalArgumentException("method " + method.label() + " cannot prune a"
              + " recurrent model; use magnitude, magnitude-layer, block or block16x1");
        }
      }
      return chosen;
    }
    List<SweepMethod> methods = new ArrayList<>(RECURRENT_METHODS);
    for (SweepMethod method : chosen) {
      if (method.handlesRecurrent() && !methods.contains(method)) {
        methods.add(method);
      }
    }
    return methods;
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

  /** A progress bar on a terminal, otherwise a line per row on stderr. */
  private List<SweepRow> runWithProgress(SweepRunner runner) {
    if (System.console() == null) {
      PrintWriter err = spec.commandLine().getErr();
      int[] done = {0};
      return runner.run(row -> {
        err.println(String.format(Locale.ROOT, "sweep %d/%d: %s", ++done[0], runner.steps(),
            progressLine(row)));
        err.flush();
      });
    }
    try (ProgressBar bar = new ProgressBarBuilder().setTaskName("sweep")
        .setInitialMax(runner.steps()).continuousUpdate().build()) {
      return runner.run(row -> {
        bar.step();
        bar.setExtraMessage(" " + progressLine(row));
      });
    }
  }

  private static String progressLine(SweepRow row) {
    return String.format(Locale.ROOT, "%s %.2f: accuracy %.4f%s", row.method(), row.level(),
        row.accuracy(), row.fineTuned()
            ? String.format(Locale.ROOT, ", fine-tuned %.4f", row.fineTunedAccuracy()) : "");
  }

  /** Writes every output into a staging folder, then moves them into {@code out} together. */
  private void writeOutputs(SweepReport report, List<SweepRow> rows, Path scratch)
      throws IOException {
    Path staging = Files.createDirectories(scratch.resolve("out"));
    Files.writeString(staging.resolve("sweep.csv"), report.csv(), StandardCharsets.UTF_8);
    Files.writeString(staging.resolve("sweep.json"), report.json(), StandardCharsets.UTF_8);
    Files.writeString(staging.resolve("report.md"), report.markdown("sweep.svg"),
        StandardCharsets.UTF_8);
    SweepChart.write(SweepChart.build(rows, batch, "sparsenn sweep: accuracy against speedup"),
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

  private static String describe(FineTuneRecipe recipe) {
    TrainerOptions o = recipe.options();
    return String.format(Locale.ROOT, "%s lr %s %s, distilled %s; gradual for magnitude,"
        + " over %.0f-%.0f%% of the steps", o.optimizer().name().toLowerCase(Locale.ROOT),
        o.learningRate(), o.schedule().name().toLowerCase(Locale.ROOT), o.distillation(),
        100 * recipe.pruneStart(), 100 * recipe.pruneEnd());
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
