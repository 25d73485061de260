package org.sparsenn.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.DoubleFunction;
import org.sparsenn.io.LoadedModel;
import org.sparsenn.io.ModelReader;
import org.sparsenn.io.data.Dataset;
import org.sparsenn.io.snn.SnnWriter;
import org.sparsenn.model.Network;
import org.sparsenn.prune.Masks;
import org.sparsenn.prune.Norm;
import org.sparsenn.prune.PruneResult;
import org.sparsenn.prune.Pruner;
import org.sparsenn.prune.Pruners;
import org.sparsenn.prune.Scope;
import org.sparsenn.prune.SparsityReport;
import org.sparsenn.train.Evaluator;
import org.sparsenn.train.FineTuneRecipe;
import org.sparsenn.train.Loss;
import org.sparsenn.train.OptimizerKind;
import org.sparsenn.train.Trainer;
import org.sparsenn.train.TrainerOptions;
import org.sparsenn.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Prunes a model with one of the methods of {@link Pruners}, one-shot or on a schedule with
 * masked fine-tuning, prints the per-layer sparsity (and test accuracy before and after, when
 * data is given) and writes the result as {@code .snn} (with the pruning as provenance) or
 * {@code .onnx}. Every argument is checked before any work.
 */
@Command(
    name = "prune",
    mixinStandardHelpOptions = true,
    header = "Prune a model, one-shot or with masked fine-tuning.",
    description = {
      "Prune a model: magnitude, random, neuron, feature, nm or block; one-shot, iterative",
      "(prune, fine-tune, repeat) or gradual (cubic schedule during fine-tuning)."
    })
final class PruneCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
      description = "Model to prune (.onnx, .npz, .safetensors, .snn).")
  Path model;

  @Mixin ReadOptionsMixin reading;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
      description = "The .snn or .onnx file to write (replaced if it exists).")
  Path output;

  @Option(names = "--method", defaultValue = "magnitude",
      description = "magnitude, random, neuron, feature, nm or block (default: ${DEFAULT-VALUE}).")
  String method;

  @Option(names = "--scope", defaultValue = "global",
      description = "For magnitude, random and block: global (one threshold) or layer (each"
          + " layer to the target) (default: ${DEFAULT-VALUE}).")
  String scope;

  @Option(names = "--align-gates", defaultValue = "false",
      description = "For magnitude on recurrent layers: prune the same (row within the gate,"
          + " column) position of every gate of a cell together, ranked by the group's mean"
          + " magnitude (default: ${DEFAULT-VALUE}: each weight on its own, which held accuracy"
          + " better in our measurements).")
  boolean alignGates;

  @Option(names = "--clip-norm", paramLabel = "NORM",
      description = "Fine-tune: clip each step's gradient to this L2 norm; 0 for none"
          + " (default: 1 for recurrent networks, 0 otherwise).")
  Double clipNorm;

  @Option(names = "--bptt", defaultValue = "0", paramLabel = "STEPS",
      description = "Fine-tune of recurrent networks: truncated back-propagation through time,"
          + " the steps the recurrent gradient flows back; 0 for the whole sequence"
          + " (default: ${DEFAULT-VALUE}).")
  int bptt;

  @Option(names = "--sparsity", paramLabel = "S",
      description = "Target: fraction of weights to prune (neuron, feature: of neurons or"
          + " input features to remove).")
  Double sparsity;

  @Option(names = "--threshold", paramLabel = "T",
      description = "For magnitude: prune every weight with |w| < T.")
  Double threshold;

  @Option(names = "--override", split = ",", paramLabel = "LAYER=S",
      description = "Per-layer targets, e.g. 2=0.5 (layer indices from 0).")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--pattern", defaultValue = "2:4",
      description = "For nm: keep N of every M consecutive inputs (default: ${DEFAULT-VALUE}).")
  String pattern;

  @Option(names = "--block", defaultValue = "4x4",
      description = "For block: block shape ROWSxCOLS (default: ${DEFAULT-VALUE}).")
  String block;

  @Option(names = "--criterion", defaultValue = "l2",
      description = "For neuron: l1, l2 or activation; for feature: l1, l2 or permutation"
          + " (activation and permutation use --data) (default: ${DEFAULT-VALUE}).")
  String criterion;

  @Option(names = "--schedule", defaultValue = "oneshot",
      description = "oneshot, iterative or gradual (the last two need --data and"
          + " --fine-tune-epochs) (default: ${DEFAULT-VALUE}).")
  String schedule;

  @Option(names = "--iterations", defaultValue = "3",
      description = "For iterative: prune-and-fine-tune rounds (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--fine-tune-epochs", defaultValue = "0",
      description = "Masked fine-tune epochs (per round when iterative) (default:"
          + " ${DEFAULT-VALUE}).")
  int fineTuneEpochs;

  @Option(names = "--data", paramLabel = "DATA",
      description = "Data for fine-tuning, calibration and accuracy: an IDX folder, a folder"
          + " with X.npy and y.npy, or a .csv file.")
  Path data;

  @Option(names = "--label-column", paramLabel = "COLUMN",
      description = "A CSV file's label column, by index or name (default: the last).")
  String labelColumn;

  @Option(names = "--lr", paramLabel = "LR",
      description = "Fine-tune peak learning rate (default: 0.002 for adam, 0.005 for sgd).")
  Double learningRate;

  @Option(names = "--optimizer", defaultValue = "adam",
      description = "Fine-tune optimizer: adam or sgd (momentum 0.9) (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--lr-schedule", defaultValue = "cosine",
      description = "Fine-tune learning-rate schedule: cosine (decay to 0) or constant"
          + " (default: ${DEFAULT-VALUE}).")
  String lrSchedule;

  @Option(names = "--warmup", defaultValue = "0.05",
      description = "Share of the fine-tune's steps with a linear learning-rate warm-up"
          + " (default: ${DEFAULT-VALUE}).")
  double warmup;

  @Option(names = "--distill", defaultValue = "0", paramLabel = "WEIGHT",
      description = "Weight of the unpruned model's softened outputs (temperature"
          + " --temperature) in the fine-tune's loss; 0 trains on the labels only"
          + " (default: ${DEFAULT-VALUE}).")
  double distillation;

  @Option(names = "--temperature", defaultValue = "2",
      description = "Distillation temperature (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--l1", defaultValue = "0.005", paramLabel = "LAMBDA",
      description = "L1 penalty on the weights while fine-tuning, as a proximal step that"
          + " moves each weight lr * LAMBDA toward zero every step; 0 for none"
          + " (default: ${DEFAULT-VALUE}).")
  double l1;

  @Option(names = "--prune-start", defaultValue = "0",
      description = "For gradual: share of the fine-tune's steps before pruning starts"
          + " (default: ${DEFAULT-VALUE}).")
  double pruneStart;

  @Option(names = "--prune-end", defaultValue = "0.4",
      description = "For gradual: share of the steps by which the target is reached; the rest"
          + " recovers accuracy (default: ${DEFAULT-VALUE}).")
  double pruneEnd;

  @Option(names = "--batch", defaultValue = "16",
      description = "Fine-tune batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed for random pruning, permutation and shuffles"
          + " (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = {"-q", "--quiet"}, description = "No progress bar or per-epoch lines.")
  boolean quiet;

  @Override
  public Integer call() {
    ModelOutput.check(output);
    String how = schedule.trim().toLowerCase(Locale.ROOT);
    String kind = method.trim().toLowerCase(Locale.ROOT);
    checkArguments(kind, how);
    LoadedModel loaded = ModelReader.load(model, reading.readOptions());
    Network network = loaded.network();
    Dataset train = data == null ? null
        : DataSources.load(data, DataSources.Part.TRAIN, labelColumn);
    Dataset test = data == null ? null : DataSources.hasTestPart(data)
        ? DataSources.load(data, DataSources.Part.TEST, labelColumn) : train;
    if (train != null) {
      Trainer.checkData(network, train, Loss.SOFTMAX_CROSS_ENTROPY);
      Trainer.checkData(network, test, Loss.SOFTMAX_CROSS_ENTROPY);
    }
    // Built now, so a bad --override or --pattern fails before any work.
    DoubleFunction<Pruner> pruners = prunerFactory(kind, network, train);
    Pruner target = sparsity != null ? pruners.apply(sparsity) : pruners.apply(Double.NaN);

    FineTuneRecipe recipe = recipe(network);
    PrintWriter out = spec.commandLine().getOut();
    double dense = test == null ? Double.NaN : accuracy(network, test);
    if (test != null) {
      out.printf(Locale.ROOT, "dense (before pruning): accuracy %.4f%n", dense);
    }
    Network pruned;
    Masks masks;
    switch (how) {
      case "oneshot" -> {
        PruneResult result = target.prune(network);
        pruned = result.network();
        masks = Masks.ofNonzeros(pruned).and(result.masks());
        if (fineTuneEpochs > 0) {
          double oneShot = accuracy(pruned, test);
          out.printf(Locale.ROOT, "one-shot: accuracy %.4f (%+.2f points); fine-tuning%n",
              oneShot, points(oneShot, dense));
          out.flush();
          pruned = recipe.retrain(pruned, masks, train, network, progress()).network();
        }
      }
      case "iterative" -> {
        pruned = network;
        masks = Masks.ofNonzeros(network);
        for (int round = 1; round <= iterations; round++) {
          double step = sparsity * round / iterations;
          PruneResult result = pruners.apply(step).prune(pruned);
          masks = masks.and(Masks.ofNonzeros(result.network()));
          pruned = masks.apply(result.network());
          double roundAccuracy = accuracy(pruned, test);
          out.printf(Locale.ROOT,
              "round %d: sparsity %.4f, accuracy %.4f (%+.2f points); fine-tuning%n",
              round, masks.sparsity(), roundAccuracy, points(roundAccuracy, dense));
          out.flush();
          pruned = recipe.retrain(pruned, masks, train, network, progress()).network();
        }
      }
      case "gradual" -> {
        pruned = recipe.gradual(network, pruners::apply, sparsity, train, progress()).network();
        masks = Masks.ofNonzeros(pruned);
      }
      default -> throw new AssertionError(how);
    }
    out.print(SparsityReport.of(network, pruned, Masks.ofNonzeros(pruned)).format());
    if (test != null) {
      double after = accuracy(pruned, test);
      out.printf(Locale.ROOT, "after: accuracy %.4f (%+.2f points from dense %.4f)%n", after,
          points(after, dense), dense);
    }
    Map<String, String> provenance = new TreeMap<>(SnnWriter.provenanceOf(loaded.source(),
        loaded.format(), loaded.sha256()));
    provenance.put(SnnWriter.PRUNING_METHOD, describe(kind, how));
    provenance.put(SnnWriter.SPARSITY, String.format(Locale.ROOT, "%.6f",
        SparsityReport.of(network, pruned, Masks.ofNonzeros(pruned)).totalSparsity()));
    out.println(ModelOutput.write(pruned, output, provenance));
    out.flush();
    return 0;
  }

  private void checkArguments(String kind, String how) {
    if (!List.of("magnitude", "random", "neuron", "feature", "nm", "block").contains(kind)) {
      throw new IllegalArgumentException("unknown method '" + method
          + "': expected magnitude, random, neuron, feature, nm or block");
    }
    if (!List.of("oneshot", "iterative", "gradual").contains(how)) {
      throw new IllegalArgumentException("unknown schedule '" + schedule
          + "': expected oneshot, iterative or gradual");
    }
    if (threshold != null && !kind.equals("magnitude")) {
      throw new IllegalArgumentException("--threshold is for --method magnitude only");
    }
    if (sparsity != null && threshold != null) {
      throw new IllegalArgumentException("give either --sparsity or --threshold, not both");
    }
    if (!kind.equals("nm") && sparsity == null && threshold == null) {
      throw new IllegalArgumentException("give --sparsity"
          + (kind.equals("magnitude") ? " or --threshold" : "") + " for --method " + kind);
    }
    if (sparsity != null && !(sparsity >= 0 && sparsity < 1)) {
      throw new IllegalArgumentException("--sparsity must be in [0, 1), got " + sparsity);
    }
    if (threshold != null && !(threshold > 0)) {
      throw new IllegalArgumentException("--threshold must be positive, got " + threshold);
    }
    if (fineTuneEpochs < 0 || iterations < 1 || batch < 1) {
      throw new IllegalArgumentException("--fine-tune-epochs must be >= 0, --iterations and"
          + " --batch >= 1");
    }
    if ((fineTuneEpochs > 0 || !how.equals("oneshot")) && data == null) {
      throw new IllegalArgumentException("fine-tuning and the " + how
          + " schedule need --data");
    }
    if (!how.equals("oneshot")) {
      if (fineTuneEpochs == 0) {
        throw new IllegalArgumentException("the " + how
            + " schedule needs --fine-tune-epochs above 0");
      }
      if (!List.of("magnitude", "random", "block").contains(kind) || sparsity == null) {
        throw new IllegalArgumentException("the " + how + " schedule works with --sparsity and"
            + " the magnitude, random or block methods");
      }
    }
    if (!(pruneStart >= 0 && pruneStart < 1 && pruneEnd > pruneStart && pruneEnd <= 1)) {
      throw new IllegalArgumentException("--prune-start and --prune-end need 0 <= start < end"
          + " <= 1, got " + pruneStart + " and " + pruneEnd);
    }
    if ((criterion.equals("activation") || criterion.equals("permutation")) && data == null) {
      throw new IllegalArgumentException("--criterion " + criterion + " needs --data");
    }
  }

  /** The pruner for a target (NaN: the threshold or fixed pattern instead). */
  private DoubleFunction<Pruner> prunerFactory(String kind, Network network, Dataset train) {
    Scope chosenScope = switch (scope.trim().toLowerCase(Locale.ROOT)) {
      case "global" -> Scope.GLOBAL;
      case "layer" -> Scope.LAYER;
      default -> throw new IllegalArgumentException("unknown scope '" + scope
          + "': expected global or layer");
    };
    Map<Integer, Double> perLayer = parseOverrides(network);
    String crit = criterion.trim().toLowerCase(Locale.ROOT);
    DoubleFunction<Pruner> factory = switch (kind) {
      case "magnitude" -> s -> {
        var b = Pruners.magnitude().scope(chosenScope).alignGates(alignGates);
        perLayer.forEach(b::override);
        return Double.isNaN(s) ? b.threshold(threshold).build() : b.sparsity(s).build();
      };
      case "random" -> s -> {
        var b = Pruners.random(seed).scope(chosenScope).sparsity(s);
        perLayer.forEach(b::override);
        return b.build();
      };
      case "block" -> {
        int[] shape = parsePair(block, "x", "--block");
        yield s -> {
          var b = Pruners.blocks(shape[0], shape[1]).scope(chosenScope).sparsity(s);
          perLayer.forEach(b::override);
          return b.build();
        };
      }
      case "nm" -> {
        int[] nm = parsePair(pattern, ":", "--pattern");
        Pruner fixed = Pruners.nm(nm[0], nm[1]);
        yield s -> fixed;
      }
      case "neuron" -> s -> {
        var b = Pruners.neurons().fraction(s);
        switch (crit) {
          case "l1" -> b.l1();
          case "l2" -> b.l2();
          case "activation" -> b.activation(calibration(train));
          default -> throw new IllegalArgumentException("--criterion for neuron is l1, l2 or"
              + " activation, got " + criterion);
        }
        perLayer.forEach(b::override);
        return b.build();
      };
      case "feature" -> s -> {
        var b = Pruners.features().fraction(s);
        switch (crit) {
          case "l1" -> b.norm(Norm.L1);
          case "l2" -> b.norm(Norm.L2);
          case "permutation" -> b.permutation(calibration(train),
              calibrationLabels(train), seed);
          default -> throw new IllegalArgumentException("--criterion for feature is l1, l2 or"
              + " permutation, got " + criterion);
        }
        return b.build();
      };
      default -> throw new AssertionError(kind);
    };
    return factory;
  }

  private Map<Integer, Double> parseOverrides(Network network) {
    Map<Integer, Double> perLayer = new TreeMap<>();
    for (String entry : overrides) {
      String[] parts = entry.split("=");
      try {
        int layer = Integer.parseInt(parts[0].trim());
        double s = Double.parseDouble(parts[1].trim());
        if (parts.length != 2) {
          throw new NumberFormatException();
        }
        if (layer < 0 || layer >= network.layers().size()) {
          throw new IllegalArgumentException("--override names layer " + layer
              + ", the model has layers 0 to " + (network.layers().size() - 1));
        }
        perLayer.put(layer, s);
      } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
        throw new IllegalArgumentException("--override expects LAYER=SPARSITY, got '" + entry
            + "'");
      }
    }
    return perLayer;
  }

  private static int[] parsePair(String text, String separator, String option) {
    String[] parts = text.trim().split(separator);
    try {
      if (parts.length == 2) {
        return new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
      }
    } catch (NumberFormatException e) {
      // fall through to the message
    }
    throw new IllegalArgumentException(option + " expects two integers separated by '"
        + separator + "', got '" + text + "'");
  }

  // Calibration uses at most this many training examples.
  private static final int CALIBRATION = 1000;

  private static float[][] calibration(Dataset train) {
    int n = Math.min(CALIBRATION, train.size());
    float[][] rows = new float[n][];
    for (int i = 0; i < n; i++) {
      rows[i] = train.features(i);
    }
    return rows;
  }

  private static int[] calibrationLabels(Dataset train) {
    int n = Math.min(CALIBRATION, train.size());
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = train.label(i);
    }
    return labels;
  }

  /** The shared fine-tune recipe with this command's options. */
  private FineTuneRecipe recipe(Network network) {
    OptimizerKind kind = TrainCommand.parseOptimizer(optimizer);
    double lr = learningRate != null ? learningRate : kind == OptimizerKind.ADAM ? 2e-3 : 0.005;
    TrainerOptions options = FineTuneRecipe.defaults(Math.max(1, fineTuneEpochs)).options()
        .withBatchSize(batch).withOptimizer(kind).withLearningRate(lr)
        .withSchedule(TrainCommand.parseSchedule(lrSchedule)).withWarmup(warmup)
        .withDistillation(distillation).withTemperature(temperature).withL1(l1).withSeed(seed)
        .withTruncation(bptt)
        .withClipNorm(clipNorm != null ? clipNorm : network.isRecurrent() ? 1 : 0);
    return new FineTuneRecipe(options, pruneStart, pruneEnd);
  }

  private TrainingListener progress() {
    return quiet ? new TrainingListener() {}
        : System.console() != null ? ProgressBarListener.forConsole(false)
        : ProgressBarListener.summariesTo(System.out);
  }

  /** The difference in percentage points. */
  private static double points(double accuracy, double dense) {
    return 100 * (accuracy - dense);
  }

  private static double accuracy(Network network, Dataset test) {
    return Evaluator.evaluate(network, test, Loss.SOFTMAX_CROSS_ENTROPY).accuracy();
  }

  private String describe(String kind, String how) {
    StringBuilder d = new StringBuilder(kind);
    if (List.of("magnitude", "random", "block").contains(kind)) {
      d.append('-').append(scope.trim().toLowerCase(Locale.ROOT));
    }
    if (kind.equals("nm")) {
      d.append(' ').append(pattern.trim());
    } else if (kind.equals("block")) {
      d.append(' ').append(block.trim());
    } else if (kind.equals("neuron") || kind.equals("feature")) {
      d.append(' ').append(criterion.trim().toLowerCase(Locale.ROOT));
    }
    d.append(", ").append(how);
    if (fineTuneEpochs > 0) {
      d.append(", fine-tuned ").append(fineTuneEpochs).append(" epoch(s), ")
          .append(optimizer.trim().toLowerCase(Locale.ROOT)).append(' ')
          .append(lrSchedule.trim().toLowerCase(Locale.ROOT));
      if (distillation > 0) {
        d.append(", distilled ").append(distillation);
      }
      if (l1 > 0) {
        d.append(", l1 ").append(l1);
      }
    }
    return d.toString();
  }
}
