import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparsenn.io.data.Dataset;
import org.sparsenn.io.data.IdxDatasets;
import org.sparsenn.model.Network;
import org.sparsenn.model.RecurrentLayer;
import org.sparsenn.prune.Pruner;
import org.sparsenn.prune.Pruners;
import org.sparsenn.train.Evaluator;
import org.sparsenn.train.FineTuneRecipe;
import org.sparsenn.train.Initializers;
import org.sparsenn.train.LearningRateSchedule;
import org.sparsenn.train.Loss;
import org.sparsenn.train.OptimizerKind;
import org.sparsenn.train.Trainer;
import org.sparsenn.train.TrainerOptions;
import org.sparsenn.train.TrainingListener;

/**
 * Issue 21's accuracy target: an LSTM reading Fashion-MNIST row by row (28 steps of 28
 * pixels), trained dense, then pruned gradually (cubic ramp, magnitude, layer scope: the
 * LSTM's W and R each to the target, the small dense head kept) with masked fine-tuning
 * through time; beside it the control,
 * the dense model put through the same fine-tune at sparsity 0 (trained as long). Also one-shot
 * pruning and gradual pruning at one sparsity with the gates' rows aligned and not, the
 * measurement behind MagnitudePruner's default. Prints a markdown table and writes JSON.
 *
 * <p>Run with bench/recurrent/run-lstm-fashion.sh (it builds nothing: mvn package first).
 * Arguments (all optional, key=value): data=DIR hidden=128 train=60000 epochs=6 fineTune=4
 * sparsities=0.5,0.9,0.95 alignedAt=0.9 (or none) seed=42 json=FILE method=magnitude (or
 * blockRxC, e.g. block16x1, the bsr16 kernels' block: blocks of W and R for the gradual rows)
 */
public class LstmFashion {
  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new LinkedHashMap<>(Map.of("data",
        "/usr/share/datasets/fashion-mnist", "hidden", "128", "train", "60000", "epochs", "6",
        "fineTune", "4", "sparsities", "0.5,0.9,0.95", "alignedAt", "0.9", "seed", "42",
        "json", "", "method", "magnitude"));
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      if (kv.length != 2 || !opt.containsKey(kv[0])) {
        throw new IllegalArgumentException("unknown argument " + arg + "; known: " + opt.keySet());
      }
      opt.put(kv[0], kv[1]);
    }
    long started = System.nanoTime();
    java.util.regex.Matcher block =
        java.util.regex.Pattern.compile("block(\\d+)x(\\d+)").matcher(opt.get("method"));
    boolean blocks = block.matches();
    if (!blocks && !opt.get("method").equals("magnitude")) {
      throw new IllegalArgumentException("method: magnitude or blockRxC (e.g. block16x1), not "
          + opt.get("method"));
    }
    int blockRows = blocks ? Integer.parseInt(block.group(1)) : 0;
    int blockCols = blocks ? Integer.parseInt(block.group(2)) : 0;
    Path dir = Path.of(opt.get("data"));
    Dataset train = IdxDatasets.loadTrain(dir);
    int n = Math.min(Integer.parseInt(opt.get("train")), train.size());
    train = train.shuffled(7).range(0, n);
    Dataset test = IdxDatasets.loadTest(dir);
    int hidden = Integer.parseInt(opt.get("hidden"));
    int epochs = Integer.parseInt(opt.get("epochs"));
    int fineTune = Integer.parseInt(opt.get("fineTune"));
    long seed = Long.parseLong(opt.get("seed"));

    TrainerOptions denseOptions = TrainerOptions.defaults().withEpochs(epochs).withBatchSize(64)
        .withOptimizer(OptimizerKind.ADAM).withLearningRate(2e-3)
        .withSchedule(LearningRateSchedule.COSINE).withWarmup(0.02).withClipNorm(1)
        .withSeed(seed);
    Network initial = Initializers.pytorchSequence(RecurrentLayer.Cell.LSTM, 28, hidden, 1, 10,
        seed);
    Network dense = Trainer.of(denseOptions).withProgress(progress("dense")).train(initial, train)
        .network();
    double denseAccuracy = accuracy(dense, test);
    // fine-tune: as the dense training (Adam 2e-3, cosine, batch 64, clipping), ramp over the
    // first half
    FineTuneRecipe recipe = new FineTuneRecipe(denseOptions.withEpochs(fineTune)
        .withWarmup(0.05), 0, 0.5);

    List<String[]> rows = new ArrayList<>();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("hidden", hidden);
    json.put("method", opt.get("method"));
    json.put("trainImages", n);
    json.put("testImages", test.size());
    json.put("denseEpochs", epochs);
    json.put("fineTuneEpochs", fineTune);
    json.put("dense", denseAccuracy);
    rows.add(new String[] {"dense, " + epochs + " epochs", fmt(denseAccuracy), ""});
    double control = accuracy(recipe.gradual(dense, s -> pruner(s, false), 0, train,
        progress("control")).network(), test);
    json.put("control", control);
    rows.add(new String[] {"control: dense + the same " + fineTune + "-epoch fine-tune at 0%",
        fmt(control), points(control, denseAccuracy)});
    Map<String, Double> gradual = new LinkedHashMap<>();
    for (String s : opt.get("sparsities").split(",")) {
      double sparsity = Double.parseDouble(s);
      double a = accuracy(recipe.gradual(dense,
          t -> blocks ? blockPruner(blockRows, blockCols, t) : pruner(t, false), sparsity, train,
          progress("gradual " + s)).network(), test);
      gradual.put(s, a);
      rows.add(new String[] {pct(sparsity) + " gradual" + (blocks ? " in " + blockRows + "x" + blockCols + " blocks" : "")
          + ", " + fineTune + " epochs",
          fmt(a), points(a, denseAccuracy)});
    }
    json.put("gradual", gradual);
    // aligned or not: one shot without fine-tuning, and gradual at one sparsity
    Map<String, Object> alignment = new LinkedHashMap<>();
    for (double s : blocks ? new double[0] : new double[] {0.5, 0.7, 0.9}) {
      for (boolean aligned : new boolean[] {true, false}) {
        double a = accuracy(pruner(s, aligned).apply(dense), test);
        alignment.put("oneShot " + s + (aligned ? " aligned" : " unaligned"), a);
        rows.add(new String[] {pct(s) + " one-shot, no fine-tune, gates "
            + (aligned ? "aligned" : "unaligned"), fmt(a), points(a, denseAccuracy)});
      }
    }
    // alignedAt=none: the one-shot rows only (the gradual aligned run costs a whole fine-tune)
    if (!blocks && !"none".equals(opt.get("alignedAt"))) {
      double at = Double.parseDouble(opt.get("alignedAt"));
      // gates unaligned at this sparsity is the row above (when it is one of the sparsities)
      double aligned = accuracy(recipe.gradual(dense, t -> pruner(t, true), at, train,
          progress("gradual aligned")).network(), test);
      alignment.put("gradual " + at + " aligned", aligned);
      if (gradual.containsKey(opt.get("alignedAt"))) {
        alignment.put("gradual " + at + " unaligned", gradual.get(opt.get("alignedAt")));
      }
      rows.add(new String[] {pct(at) + " gradual, " + fineTune + " epochs, gates aligned",
          fmt(aligned), points(aligned, denseAccuracy)});
    }
    json.put("alignment", alignment);
    double seconds = (System.nanoTime() - started) / 1e9;
    json.put("seconds", seconds);

    System.out.printf(Locale.ROOT, "LSTM hidden %d, row-by-row Fashion-MNIST (28 steps of 28),"
        + " %d training images, the %d test images; %.0f s%n%n", hidden, n, test.size(), seconds);
    System.out.println("| model | test accuracy | vs dense (points) |");
    System.out.println("|---|---|---|");
    for (String[] row : rows) {
      System.out.println("| " + String.join(" | ", row) + " |");
    }
    if (!opt.get("json").isEmpty()) {
      Files.writeString(Path.of(opt.get("json")), toJson(json) + "\n");
    }
  }

  /**
   * Magnitude pruning of the recurrent W and R to {@code sparsity}, each on its own (layer
   * scope); the dense head (a tenth of a percent of the weights) stays dense.
   */
  private static Pruner pruner(double sparsity, boolean alignGates) {
    return Pruners.magnitude().sparsity(sparsity).override(2, 0).alignGates(alignGates).build();
  }

  /** Blocks of W and R, each matrix to {@code sparsity}; the dense head stays dense. */
  private static Pruner blockPruner(int rows, int cols, double sparsity) {
    return Pruners.blocks(rows, cols).layerWise().sparsity(sparsity).override(2, 0).build();
  }

  private static double accuracy(Network net, Dataset test) {
    return Evaluator.evaluate(net, test, Loss.SOFTMAX_CROSS_ENTROPY).accuracy();
  }

  private static TrainingListener progress(String what) {
    return new TrainingListener() {
      @Override
      public void epochEnded(org.sparsenn.train.EpochStats stats) {
        System.err.printf(Locale.ROOT, "%s: epoch %d loss %.4f accuracy %.4f (%.0f s)%n", what,
            stats.epoch(), stats.trainLoss(), stats.trainAccuracy(), stats.seconds());
      }
    };
  }

  private static String fmt(double accuracy) {
    return String.format(Locale.ROOT, "%.4f", accuracy);
  }

  private static String pct(double s) {
    return String.format(Locale.ROOT, "%.0f%%", 100 * s);
  }

  private static String points(double a, double dense) {
    return String.format(Locale.ROOT, "%+.2f", 100 * (a - dense));
  }

  @SuppressWarnings("unchecked")
  private static String toJson(Object value) {
    if (value instanceof Map<?, ?> map) {
      List<String> parts = new ArrayList<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        parts.add("\"" + e.getKey() + "\": " + toJson(e.getValue()));
      }
      return "{" + String.join(", ", parts) + "}";
    }
    return value instanceof Number ? value.toString() : "\"" + value + "\"";
  }
}
