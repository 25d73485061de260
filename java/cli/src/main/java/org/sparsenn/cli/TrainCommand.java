package org.sparsenn.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.sparsenn.io.LoadedModel;
import org.sparsenn.io.ModelReader;
import org.sparsenn.io.data.Dataset;
import org.sparsenn.io.data.IdxDatasets;
import org.sparsenn.io.snn.SnnWriter;
import org.sparsenn.kernel.Gemm;
import org.sparsenn.model.Activation;
import org.sparsenn.model.Network;
import org.sparsenn.prune.Masks;
import org.sparsenn.train.Evaluation;
import org.sparsenn.train.Evaluator;
import org.sparsenn.train.Initializers;
import org.sparsenn.train.LearningRateSchedule;
import org.sparsenn.train.Loss;
import org.sparsenn.train.OptimizerKind;
import org.sparsenn.train.Trainer;
import org.sparsenn.train.TrainerOptions;
import org.sparsenn.train.TrainingListener;
import org.sparsenn.train.TrainingResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Trains a multilayer perceptron, from scratch ({@code --layers}, PyTorch's default
 * initialisation) or from a model file ({@code --init}, whose zero weights stay zero: masked
 * fine-tuning of a pruned model), and writes it as {@code .snn} or {@code .onnx}. The data and
 * the output are checked before training starts; with an IDX folder the test part is evaluated
 * at the end. A new network's layers use the shared {@code --activation} (hidden layers) and
 * {@code --output-activation} (last layer; identity gives logits for cross-entropy). A progress
 * bar shows on a terminal; otherwise one line per epoch is printed, and {@code -q} silences
 * both.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    header = "Train an MLP, or fine-tune a model keeping its zeros.",
    description = {
      "Train an MLP (softmax cross-entropy or MSE, SGD with momentum or Adam) on an IDX folder,",
      "a folder with X.npy and y.npy, or a CSV file, and write it as .snn or .onnx.",
      "From scratch with --layers, or fine-tune a model with --init (its zeros stay zero)."
    })
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--layers", paramLabel = "SIZES", split = ",",
      description = "Inputs then each layer's outputs, e.g. 784,300,100,10 (from scratch).")
  int[] layers;

  @Option(names = "--init", paramLabel = "MODEL",
      description = "Start from this model instead (pruned weights stay zero).")
  Path init;

  @Mixin ReadOptionsMixin reading;

  @Option(names = "--data", required = true, paramLabel = "DATA",
      description = "IDX folder (train-*/t10k-* files, optionally .gz), folder with X.npy and"
          + " y.npy, or a .csv file.")
  Path data;

  @Option(names = "--label-column", paramLabel = "COLUMN",
      description = "A CSV file's label column, by index or header name (default: the last).")
  String labelColumn;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
      description = "The .snn or .onnx file to write (replaced if it exists).")
  Path output;

  @Option(names = "--epochs", defaultValue = "10",
      description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch", defaultValue = "64",
      description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--lr", defaultValue = "0.01",
      description = "Learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--optimizer", defaultValue = "sgd",
      description = "sgd (with momentum) or adam (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--momentum", defaultValue = "0.9",
      description = "SGD momentum (default: ${DEFAULT-VALUE}).")
  double momentum;

  @Option(names = "--weight-decay", defaultValue = "0",
      description = "L2 weight decay (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--lr-schedule", defaultValue = "constant",
      description = "Learning-rate schedule: constant or cosine (decay to 0 by the last step)"
          + " (default: ${DEFAULT-VALUE}).")
  String lrSchedule;

  @Option(names = "--warmup", defaultValue = "0",
      description = "Share of the steps with a linear learning-rate warm-up"
          + " (default: ${DEFAULT-VALUE}).")
  double warmup;

  @Option(names = "--l1", defaultValue = "0", paramLabel = "LAMBDA",
      description = "L1 penalty on the weights, as a proximal step that makes exact zeros"
          + " (default: ${DEFAULT-VALUE}).")
  double l1;

  @Option(names = "--loss", defaultValue = "ce",
      description = "ce (softmax cross-entropy) or mse (default: ${DEFAULT-VALUE}).")
  String loss;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed of the initial weights and the shuffles (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--validation", defaultValue = "0",
      description = "Share of the training data held out to validate each epoch"
          + " (default: ${DEFAULT-VALUE}).")
  double validation;

  @Option(names = "--patience", defaultValue = "0",
      description = "Stop after this many epochs without a better validation loss, keeping the"
          + " best epoch's weights; 0 never stops early (default: ${DEFAULT-VALUE}).")
  int patience;

  @Option(names = "--threads", defaultValue = "0",
      description = "OpenBLAS threads while training; 0 keeps the library's setting (1)."
          + " On 2 shared cores, 2 threads measured 10x slower than 1.")
  int threads;

  @Option(names = {"-q", "--quiet"}, description = "No progress bar or per-epoch lines.")
  boolean quiet;

  @Override
  public Integer call() {
    // Everything that can be checked is checked before the data is read or training starts.
    ModelOutput.check(output);
    if ((layers == null) == (init == null)) {
      throw new IllegalArgumentException("give either --layers (train from scratch) or --init"
          + " MODEL (fine-tune), not " + (layers == null ? "neither" : "both"));
    }
    TrainerOptions options = TrainerOptions.defaults()
        .withEpochs(epochs).withBatchSize(batch).withLearningRate(learningRate)
        .withOptimizer(parseOptimizer(optimizer)).withMomentum(momentum)
        .withWeightDecay(weightDecay).withLoss(parseLoss(loss)).withSeed(seed)
        .withValidationFraction(validation).withPatience(patience).withBlasThreads(threads)
        .withSchedule(parseSchedule(lrSchedule)).withWarmup(warmup).withL1(l1);
    Network initial;
    Masks masks;
    Map<String, String> provenance = new TreeMap<>();
    if (init != null) {
      LoadedModel loaded = ModelReader.load(init, reading.readOptions());
      initial = loaded.network();
      masks = Masks.ofNonzeros(initial);
      provenance.putAll(SnnWriter.provenanceOf(loaded.source(), loaded.format(),
          loaded.sha256()));
    } else {
      initial = fromScratch();
      masks = Masks.keepAll(initial);
    }
    Dataset train = DataSources.load(data, DataSources.Part.TRAIN, labelColumn);
    Trainer.checkData(initial, train, options.loss());
    Dataset test = DataSources.hasTestPart(data) ? IdxDatasets.loadTest(data) : null;
    if (test != null) {
      Trainer.checkData(initial, test, options.loss());
    }

    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "training %s on %s (%d examples), %s, batch %d, %s lr %s, gemm %s%n",
        initial, data, train.size(), options.loss(), options.batchSize(),
        options.optimizer().name().toLowerCase(Locale.ROOT), learningRate, Gemm.best().name());
    out.flush();
    TrainingListener progress = quiet ? new TrainingListener() {}
        : System.console() != null ? ProgressBarListener.forConsole(false)
        : ProgressBarListener.summariesTo(System.out);
    TrainingResult result = Trainer.of(options).withProgress(progress)
        .train(initial, masks, train);
    if (result.stoppedEarly() || result.bestEpoch() != result.history().size()) {
      out.printf(Locale.ROOT, "kept epoch %d (best validation loss)%s%n", result.bestEpoch(),
          result.stoppedEarly() ? ", stopped early" : "");
    }
    if (test != null) {
      Evaluation evaluation = Evaluator.evaluate(result.network(), test, options.loss());
      out.printf(Locale.ROOT, "test: loss %.4f, accuracy %.4f (%d examples)%n",
          evaluation.meanLoss(), evaluation.accuracy(), evaluation.count());
    }
    provenance.put("training", String.format(Locale.ROOT,
        "sparsenn train: %d epochs, batch %d, %s lr %s %s warm-up %s, l1 %s, %s, seed %d,"
        + " data %s", result.history().size(), options.batchSize(),
        options.optimizer().name().toLowerCase(Locale.ROOT), learningRate,
        options.schedule().name().toLowerCase(Locale.ROOT), warmup, l1,
        options.loss().name().toLowerCase(Locale.ROOT), seed, data.getFileName()));
    out.println(ModelOutput.write(result.network(), output, provenance));
    out.flush();
    return 0;
  }

  private Network fromScratch() {
    if (layers.length < 2) {
      throw new IllegalArgumentException("--layers needs at least two sizes (inputs and"
          + " outputs), got " + layers.length);
    }
    for (int size : layers) {
      if (size < 1) {
        throw new IllegalArgumentException("--layers sizes must be positive, got " + size);
      }
    }
    return Initializers.pytorchLinear(layers, Activation.parse(reading.activation),
        Activation.parse(reading.outputActivation), false, seed);
  }

  static OptimizerKind parseOptimizer(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "sgd" -> OptimizerKind.SGD;
      case "adam" -> OptimizerKind.ADAM;
      default -> throw new IllegalArgumentException("unknown optimizer '" + text
          + "': expected sgd or adam");
    };
  }

  static LearningRateSchedule parseSchedule(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "constant" -> LearningRateSchedule.CONSTANT;
      case "cosine" -> LearningRateSchedule.COSINE;
      default -> throw new IllegalArgumentException("unknown learning-rate schedule '" + text
          + "': expected constant or cosine");
    };
  }

  static Loss parseLoss(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "ce", "cross-entropy", "cross_entropy" -> Loss.SOFTMAX_CROSS_ENTROPY;
      case "mse" -> Loss.MSE;
      default -> throw new IllegalArgumentException("unknown loss '" + text
          + "': expected ce or mse");
    };
  }
}
