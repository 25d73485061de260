package org.sparsenn.cli.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.sparsenn.engine.LayerMethod;
import org.sparsenn.engine.PlanningMode;
import org.sparsenn.engine.Precision;
import org.sparsenn.engine.Session;
import org.sparsenn.engine.SessionOptions;
import org.sparsenn.io.data.Dataset;
import org.sparsenn.io.snn.SnnWriteOptions;
import org.sparsenn.io.snn.SnnWriter;
import org.sparsenn.model.Network;
import org.sparsenn.prune.Masks;
import org.sparsenn.prune.PruneResult;
import org.sparsenn.prune.SparsityReport;
import org.sparsenn.train.Evaluator;
import org.sparsenn.train.FineTuneRecipe;
import org.sparsenn.train.Loss;
import org.sparsenn.train.TrainingListener;

/**
 * Walks a model through pruning levels: for each method and level, prunes the original model
 * one-shot and measures its accuracy; when training data is given, retrains it with the
 * {@link FineTuneRecipe} (gradual pruning during the fine-tune for the methods that keep layer
 * shapes, one-shot then masked fine-tune for neurons) and measures again. Then the size of the
 * final model as a {@code .snn} file, and its latency planned ({@link PlanningMode#MEASURE})
 * and dense-only at batch 1 and the batch size. Level 0 is the unpruned model.
 */
public final class SweepRunner {
  // Real inputs the planner prices and times formats on (see calibrationInputs).
  private static final int CALIBRATION_ROWS = 64;

  /**
   * What a sweep runs.
   *
   * @param fineTune how each level is retrained, or null for no fine-tune
   * @param precision the weight precision the planned sessions may use; a lossy one also
   *     measures each level's accuracy with the weights rounded to it
   */
  public record Settings(List<SweepMethod> methods, List<Double> levels,
      FineTuneRecipe fineTune, int batch, int threads, long latencyBudgetNanos,
      Precision precision) {
    /** Copies the lists. */
    public Settings {
      methods = List.copyOf(methods);
      levels = List.copyOf(levels);
    }
  }

  private final Network original;
  private final Dataset test;
  private final Dataset train;
  private final Settings settings;
  private final Path scratch;

  /**
   * @param train training data for the fine-tune, or null for none
   * @param scratch a directory for the temporary {@code .snn} files whose sizes are reported
   */
  public SweepRunner(Network original, Dataset test, Dataset train, Settings settings,
      Path scratch) {
    this.original = Objects.requireNonNull(original, "original");
    this.test = Objects.requireNonNull(test, "test");
    this.train = train;
    this.settings = Objects.requireNonNull(settings, "settings");
    this.scratch = Objects.requireNonNull(scratch, "scratch");
  }

  /** Total steps {@link #run} reports (one per method and level). */
  public int steps() {
    return settings.methods().size() * settings.levels().size();
  }

  /** Runs every method at every level, calling {@code onRow} after each. */
  public List<SweepRow> run(Consumer<SweepRow> onRow) {
    List<SweepRow> rows = new ArrayList<>();
    float[] inputs = sampleInputs();
    double[] baseline;
    double denseAccuracy = accuracy(original);
    try (Session dense = Session.create(original, denseOptions())) {
      // A first, discarded pass warms up the JIT, which is cold at the start of the sweep.
      long budget = settings.latencyBudgetNanos();
      LatencyMeter.medianMicros(dense, inputs, sampleRows(), settings.batch(), budget);
      baseline = new double[] {
        LatencyMeter.medianMicros(dense, inputs, sampleRows(), 1, budget),
        LatencyMeter.medianMicros(dense, inputs, sampleRows(), settings.batch(), budget)};
    }
    SweepRow unpruned = null;
    for (SweepMethod method : settings.methods()) {
      for (double level : settings.levels()) {
        // Level 0 is the same model for every method: measured once, reported per method.
        SweepRow row = level == 0 && unpruned != null ? unpruned.withMethod(method.label())
            : measure(method, level, inputs, baseline, denseAccuracy);
        if (level == 0) {
          unpruned = row;
        }
        rows.add(row);
        onRow.accept(row);
      }
    }
    return rows;
  }

  private SweepRow measure(SweepMethod method, double level, float[] inputs,
      double[] baseline, double denseAccuracy) {
    Network pruned = original;
    Masks masks = Masks.ofNonzeros(original);
    if (level > 0) {
      PruneResult result = method.pruner(level).prune(original);
      pruned = result.network();
      masks = Masks.ofNonzeros(pruned).and(result.masks());
    }
    double accuracy = level > 0 ? accuracy(pruned) : denseAccuracy;
    double fineTuned = Double.NaN;
    FineTuneRecipe recipe = settings.fineTune();
    if (train != null && recipe != null && level > 0) {
      TrainingListener quiet = new TrainingListener() {};
      pruned = method.keepsShapes()
          ? recipe.gradual(original, method::pruner, level, train, quiet).network()
          : recipe.retrain(pruned, masks, train, original, quiet).network();
      fineTuned = accuracy(pruned);
    }
    Precision precision = settings.precision();
    double rounded = precision == Precision.FP32 ? Double.NaN
        : accuracy(precision.roundWeights(pruned));
    long bytes = fileBytes(pruned, method, level);
    int batch = settings.batch();
    long budget = settings.latencyBudgetNanos();
    SessionOptions planned = plannedOptions();
    SessionOptions dense = denseOptions();
    double micros1;
    double microsBatch;
    String plan1;
    String planBatch;
    try (Session session = Session.create(pruned, planned)) {
      micros1 = LatencyMeter.medianMicros(session, inputs, sampleRows(), 1, budget);
      microsBatch = LatencyMeter.medianMicros(session, inputs, sampleRows(), batch, budget);
      plan1 = methods(session, true);
      planBatch = methods(session, false);
    }
    double dense1;
    double denseBatch;
    try (Session session = Session.create(pruned, dense)) {
      dense1 = LatencyMeter.medianMicros(session, inputs, sampleRows(), 1, budget);
      denseBatch = LatencyMeter.medianMicros(session, inputs, sampleRows(), batch, budget);
    }
    // Zero or removed weights over the original model's, as measured in the pruned weights.
    double sparsity = SparsityReport.of(original, pruned, Masks.ofNonzeros(pruned))
        .totalSparsity();
    return new SweepRow(method.label(), level, sparsity, accuracy, fineTuned, bytes,
        micros1, microsBatch, dense1, denseBatch, plan1, planBatch, baseline[0], baseline[1],
        denseAccuracy, rounded);
  }

  /** Measured plans: on small layers call overheads decide, which only timing gets right. */
  private SessionOptions plannedOptions() {
    return SessionOptions.builder().threads(settings.threads()).planning(PlanningMode.MEASURE)
        .plannedBatch(Math.max(2, settings.batch())).softmax(false)
        .calibrationInputs(calibrationInputs()).precision(settings.precision()).build();
  }

  private SessionOptions denseOptions() {
    return plannedOptions().toBuilder()
        .candidates(LayerMethod.denseMethods()).build();
  }

  private double accuracy(Network network) {
    return Evaluator.evaluate(network, test, Loss.SOFTMAX_CROSS_ENTROPY).accuracy();
  }

  private long fileBytes(Network network, SweepMethod method, double level) {
    Path file = scratch.resolve("level.snn");
    try {
      SnnWriter.write(network, file, SnnWriteOptions.defaults().withProvenance(Map.of(
          SnnWriter.PRUNING_METHOD, method.label(), SnnWriter.SPARSITY, Double.toString(level))));
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot measure the .snn size: " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // The scratch directory is removed with everything in it at the end.
      }
    }
  }

  /**
   * The methods chosen per matrix, in the network's order: each recurrent layer's W and R as
   * {@code W:method R:method} (the backward direction's marked {@code (back)}), then the dense
   * layers'.
   */
  private static String methods(Session session, boolean single) {
    Stream<String> recurrent = session.recurrentPlans().stream()
        .map(m -> m.matrix().replace(" ", "") + (m.direction() == 1 ? "(back)" : "") + ":"
            + (single ? m.plan().single() : m.plan().batched()).label());
    Stream<String> dense = session.plan().layers().stream()
        .map(l -> (single ? l.single() : l.batched()).label());
    return Stream.concat(recurrent, dense).collect(Collectors.joining(" "));
  }

  /**
   * The planner's calibration inputs: the first test images (real inputs, whose zeros decide
   * formats that skip them).
   */
  private float[][] calibrationInputs() {
    if (original.isRecurrent()) {
      return null; // feed-forward rows only: a recurrent network is planned without them
    }
    int features = original.originalInputs();
    float[][] rows = new float[Math.min(test.size(), CALIBRATION_ROWS)][features];
    for (int r = 0; r < rows.length; r++) {
      test.copyFeatures(r, r + 1, rows[r], 0);
    }
    return rows;
  }

  private int sampleRows() {
    return Math.max(1, settings.batch());
  }

  /**
   * Inputs for the latency runs: the first test rows (repeated if there are few); for a
   * recurrent network each row is a whole sequence.
   */
  private float[] sampleInputs() {
    int rows = sampleRows();
    int features = original.isRecurrent() ? test.featureCount() : original.originalInputs();
    float[] inputs = new float[rows * features];
    for (int r = 0; r < rows; r++) {
      test.copyFeatures(r % test.size(), r % test.size() + 1, inputs, r * features);
    }
    return inputs;
  }
}
