package org.sparsenn.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.sparsenn.kernel.ActivationFunction;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.Epilogue;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.sparse.RandomWeights;
import org.sparsenn.sparse.WeightMatrix;

/**
 * Chooses, per layer and per regime (single input, batch), the layer method that runs fastest
 * on this machine: by the cost model of a {@link MachineProfile} ({@link PlanningMode#ESTIMATE}),
 * or by timing the promising candidates on the real layer ({@link PlanningMode#MEASURE}).
 */
public final class Planner {
  // MEASURE times only candidates the cost model puts within this factor of its best guess.
  private static final double SHORTLIST_FACTOR = 2.0;
  private static final int MEASURE_SAMPLES = 9;
  // MEASURE on calibration inputs cycles through at most this many inputs (or batches).
  private static final int MEASURE_INPUTS = 8;
  // Measured differences below this fraction are treated as noise (see preferPredictedWithinNoise);
  // no wider than the 5% a measured choice may lose to the fastest candidate.
  static final double MEASURE_NOISE = 0.05;

  private Planner() {}

  /** The layers of a planned network, built, with the plan that chose them. */
  record Built(Plan plan, List<LinearOp> singleOps, List<LinearOp> batchedOps) {
    void close() {
      singleOps.forEach(LinearOp::close);
      batchedOps.forEach(LinearOp::close);
    }
  }

  /**
   * Plans {@code network} under {@code options} on {@code kernels} without keeping any built
   * layer (what a session would choose).
   */
  public static Plan plan(Network network, SessionOptions options, Kernels kernels) {
    WorkerPool pool = options.threads() > 1 && options.executor() == null
        ? new WorkerPool(options.threads() - 1) : null;
    try {
      Built built = build(network, options, kernels, pool != null ? pool : options.executor());
      built.close();
      return built.plan();
    } finally {
      if (pool != null) {
        pool.close();
      }
    }
  }

  /** Plans and builds every layer; the caller owns the ops. */
  static Built build(Network network, SessionOptions options, Kernels kernels,
      Executor executor) {
    return build(network, null, options, kernels, executor);
  }

  /**
   * Plans and builds every layer; a non-null {@code stored.get(i)} is layer {@code i}'s weights
   * already in a method's storage (e.g. CSR mapped from a file), borrowed as that method's
   * candidate instead of re-encoding the layer.
   */
  static Built build(Network network, List<? extends WeightMatrix> stored,
      SessionOptions options, Kernels kernels, Executor executor) {
    List<DenseLayer> layers = network.layers();
    if (stored != null && stored.size() != layers.size()) {
      throw new IllegalArgumentException("got " + stored.size() + " stored matrices for "
          + layers.size() + " layers (null where a layer has none)");
    }
    for (Integer index : options.overrides().keySet()) {
      if (index >= layers.size()) {
        throw new IllegalArgumentException("override for layer " + index
            + ", but the network has " + layers.size() + " layers");
      }
    }
    MachineProfile profile = options.profile() != null
        ? options.profile() : MachineProfile.forKernels(kernels);
    long layerBudgetNanos = options.measureBudget().toNanos() / Math.max(1, 2L * layers.size());
    // Calibration inputs are feed-forward rows; a recurrent network's dense layers see the
    // recurrent front's outputs, which this version does not propagate: planned without them.
    LayerInputs inputs = options.calibrationInputs() == null || layers.isEmpty()
        || network.isRecurrent() ? null
        : LayerInputs.propagate(network, options.calibrationInputs());
    List<Plan.LayerPlan> plans = new ArrayList<>();
    List<LinearOp> single = new ArrayList<>();
    List<LinearOp> batched = new ArrayList<>();
    try {
      for (int i = 0; i < layers.size(); i++) {
        WeightMatrix matrix = stored == null ? null : stored.get(i);
        LayerBuilder builder = new LayerBuilder(layers.get(i), matrix, kernels,
            options.threads(), executor);
        try {
          plans.add(builder.plan(i, options, profile, layerBudgetNanos, inputs));
          single.add(builder.take(plans.get(i).single()));
          batched.add(builder.take(plans.get(i).batched()));
        } finally {
          builder.closeUntaken();
        }
      }
    } catch (RuntimeException | Error e) {
      single.forEach(LinearOp::close);
      batched.forEach(LinearOp::close);
      throw e;
    }
    Plan plan = new Plan(options.planning(), kernels.name(), options.threads(),
        options.plannedBatch(), plans);
    return new Built(plan, single, batched);
  }

  /** The epilogue kernels fuse for a model activation. */
  static Epilogue epilogueOf(Activation activation) {
    return switch (activation.kind()) {
      case IDENTITY -> Epilogue.IDENTITY;
      case RELU -> Epilogue.RELU;
      case LEAKY_RELU -> new Epilogue(ActivationFunction.LEAKY_RELU, activation.alpha());
      case SIGMOID -> Epilogue.SIGMOID;
      case TANH -> Epilogue.TANH;
      case GELU -> Epilogue.GELU;
    };
  }

  /**
   * Whether the cost model prefers {@code a} to {@code b} as {@code MEASURE}'s favourite.
   * Predictions within {@link #MEASURE_NOISE} of each other are no preference: the smaller
   * storage wins, as layers timed alone have the caches to themselves but share them in the
   * model. (csr and csr16 predict within 0.1% of each other on cache-resident layers, so which
   * of them the noise band kept was an accident of the figures.)
   */
  static boolean predictedBetter(Plan.Candidate a, Plan.Candidate b) {
    double nearer = Math.min(a.predictedMicros(), b.predictedMicros());
    if (Math.abs(a.predictedMicros() - b.predictedMicros()) <= MEASURE_NOISE * nearer) {
      return a.weightBytes() < b.weightBytes();
    }
    return a.predictedMicros() < b.predictedMicros();
  }

  /** Builds each method of one layer at most once, shared by both regimes. */
  private static final class LayerBuilder {
    private final DenseLayer layer;
    private final Kernels kernels;
    private final int threads;
    private final Executor executor;
    private final long nonzeros;
    private final WeightMatrix stored;
    private final Map<LayerMethod, LinearOp> built = new EnumMap<>(LayerMethod.class);
    private final List<LinearOp> taken = new ArrayList<>();
    private final Map<LayerMethod, LayerMethod.Footprint> footprints =
        new EnumMap<>(LayerMethod.class);
    private float[] weights; // the layer's weights, copied once for the methods' planning hooks

    LayerBuilder(DenseLayer layer, WeightMatrix stored, Kernels kernels, int threads,
        Executor executor) {
      if (stored != null && (stored.rows() != layer.outputs() || stored.cols() != layer.inputs())) {
        throw new IllegalArgumentException("stored matrix is " + stored.rows() + " x "
            + stored.cols() + ", the layer is " + layer.outputs() + " x " + layer.inputs());
      }
      this.stored = stored;
      this.layer = layer;
      this.kernels = kernels;
      this.threads = threads;
      this.executor = executor;
      this.nonzeros = layer.nonzeroWeights();
    }

    /**
     * The layer's plan; {@code inputs} (null when there are none) are the calibration inputs
     * propagated to every layer.
     */
    Plan.LayerPlan plan(int index, SessionOptions options, MachineProfile profile,
        long budgetNanos, LayerInputs inputs) {
      LayerMethod forced = options.overrides().get(index);
      List<LayerMethod> methods = forced != null ? List.of(forced) : feasible(options);
      if (methods.isEmpty()) {
        throw new IllegalArgumentException("no candidate method can run layer " + index + " ("
            + layer.outputs() + " x " + layer.inputs() + "): " + limits(options.candidates())
            + "; allowed: " + options.candidates());
      }
      if (forced != null && !options.precision().allows(forced.precision())) {
        throw new IllegalArgumentException("layer " + index + " is forced to " + forced.label()
            + ", which stores " + forced.precision().label() + " weights, but the session's"
            + " precision is " + options.precision().label() + " (set precision "
            + forced.precision().label() + " to allow it)");
      }
      if (forced != null && !forced.fits(layer.inputs())) {
        throw new IllegalArgumentException("layer " + index + " has " + layer.inputs()
            + " inputs; " + forced.limitDescription());
      }
      boolean measure = forced == null && options.planning() == PlanningMode.MEASURE;
      List<Plan.Candidate> single = choose(methods, profile, 1, measure, budgetNanos, inputs,
          index);
      List<Plan.Candidate> batch = choose(methods, profile, options.plannedBatch(), measure,
          budgetNanos, inputs, index);
      String reason = forced != null ? "override" : measure ? "measured" : "estimated";
      return new Plan.LayerPlan(index, layer.outputs(), layer.inputs(), nonzeros,
          single.get(0).method(), batch.get(0).method(), single, batch, reason);
    }

    private float[] weights() {
      if (weights == null) {
        weights = layer.weights();
      }
      return weights;
    }

    private List<LayerMethod> feasible(SessionOptions options) {
      List<LayerMethod> methods = new ArrayList<>();
      for (LayerMethod method : LayerMethod.values()) {
        if (options.candidates().contains(method) && method.fits(layer.inputs())
            && options.precision().allows(method.precision())
            && method.suits(weights(), layer.outputs(), layer.inputs())
            && method.suits(footprint(method), nonzeros)) {
          methods.add(method);
        }
      }
      return methods;
    }

    private String limits(Iterable<LayerMethod> candidates) {
      List<String> limits = new ArrayList<>();
      for (LayerMethod method : candidates) {
        if (!method.fits(layer.inputs())) {
          limits.add(method.limitDescription());
        }
      }
      return String.join(", ", limits);
    }

    /**
     * Candidates ranked fastest first: by prediction, then by timing for the shortlist. A
     * method that skips zero inputs is predicted to read only the weights of the inputs the
     * calibration inputs leave nonzero (all of them without calibration inputs); timings run
     * on the calibration inputs when there are some.
     */
    private List<Plan.Candidate> choose(List<LayerMethod> methods, MachineProfile profile,
        int batch, boolean measure, long budgetNanos, LayerInputs inputs, int index) {
      int rows = layer.outputs();
      int cols = layer.inputs();
      double skipped = inputs == null ? 0 : inputs.skippedFraction(index, batch);
      List<Plan.Candidate> ranked = new ArrayList<>();
      for (LayerMethod method : methods) {
        LayerMethod.Footprint footprint = footprint(method);
        long bytes = footprint.storageBytes();
        long stored = footprint.storedWeights();
        if (method.skipsZeroInputs()) {
          stored = Math.round(stored * (1 - skipped));
        }
        double predicted = profile.predictMicros(method, rows, stored, bytes, batch);
        ranked.add(new Plan.Candidate(method, bytes, predicted, Double.NaN));
      }
      ranked.sort(Comparator.comparingDouble(Plan.Candidate::predictedMicros));
      if (!measure || ranked.size() == 1) {
        return ranked;
      }
      double best = ranked.get(0).predictedMicros();
      int shortlist = 0;
      while (shortlist < ranked.size()
          && ranked.get(shortlist).predictedMicros() <= SHORTLIST_FACTOR * best) {
        shortlist++;
      }
      if (shortlist == 1) {
        return ranked;
      }
      List<LinearOp> ops = new ArrayList<>();
      for (int i = 0; i < shortlist; i++) {
        ops.add(op(ranked.get(i).method()));
      }
      List<AlignedBuffer> xs = inputs != null ? inputs.batches(index, batch, MEASURE_INPUTS)
          : List.of(AlignedBuffer.copyOf(RandomWeights.vector(cols * batch, 11)));
      try (AlignedBuffer y = AlignedBuffer.allocateFloats((long) rows * batch)) {
        // in rounds over the shortlist: a busy spell slows every candidate, not just one
        double[] micros = OpTimer.fastestMicros(ops, xs, batch, y, MEASURE_SAMPLES,
            budgetNanos);
        for (int i = 0; i < shortlist; i++) {
          Plan.Candidate c = ranked.get(i);
          ranked.set(i, new Plan.Candidate(c.method(), c.weightBytes(), c.predictedMicros(),
              micros[i]));
        }
      } finally {
        xs.forEach(AlignedBuffer::close);
      }
      ranked.sort(Comparator.comparingDouble((Plan.Candidate c) -> c.measured() ? 0 : 1)
          .thenComparingDouble(Plan.Candidate::decidingMicros));
      return preferPredictedWithinNoise(ranked);
    }

    /**
     * A few timed samples on a busy machine vary by several percent: when the cost model's
     * favourite measured within {@link #MEASURE_NOISE} of the fastest, it is kept, so noise
     * alone does not flip a choice the figures support.
     */
    private static List<Plan.Candidate> preferPredictedWithinNoise(List<Plan.Candidate> ranked) {
      Plan.Candidate fastest = ranked.get(0);
      Plan.Candidate favourite = null;
      for (Plan.Candidate c : ranked) {
        if (c.measured() && (favourite == null || predictedBetter(c, favourite))) {
          favourite = c;
        }
      }
      if (favourite != null && favourite != fastest
          && favourite.measuredMicros() <= fastest.measuredMicros() * (1 + MEASURE_NOISE)) {
        List<Plan.Candidate> reordered = new ArrayList<>(ranked);
        reordered.remove(favourite);
        reordered.add(0, favourite);
        return reordered;
      }
      return ranked;
    }

    /** The method's footprint on this layer's weights, computed once. */
    private LayerMethod.Footprint footprint(LayerMethod method) {
      if (!footprints.containsKey(method)) {
        footprints.put(method, method.footprint(weights(), layer.outputs(),
            layer.inputs(), nonzeros));
      }
      return footprints.get(method);
    }

    private LinearOp op(LayerMethod method) {
      if (stored != null && method.runsAsIs(stored)) {
        return built.computeIfAbsent(method, m -> LinearOp.borrow(stored, layer.bias(),
            epilogueOf(layer.activation()), kernels, threads, executor));
      }
      return built.computeIfAbsent(method, m -> LinearOp.create(weights(),
          layer.outputs(), layer.inputs(), layer.bias(), epilogueOf(layer.activation()), m,
          kernels, threads, executor));
    }

    LinearOp take(LayerMethod method) {
      LinearOp op = op(method);
      taken.add(op);
      return op;
    }

    void closeUntaken() {
      for (LinearOp op : built.values()) {
        if (!taken.contains(op)) {
          op.close();
        }
      }
    }
  }
}
