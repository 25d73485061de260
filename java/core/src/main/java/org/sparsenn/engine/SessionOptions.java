package org.sparsenn.engine;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;

/**
 * How a {@link Session} runs: threads (or an application's executor), how layers are planned,
 * which layer methods it may use and at which weight {@link Precision}, per-layer overrides,
 * whether the native library is required, and whether a softmax follows the last layer. Immutable; start from {@link #defaults()}.
 */
public final class SessionOptions {
  private final int threads;
  private final Executor executor;
  private final PlanningMode planning;
  private final Duration measureBudget;
  private final Set<LayerMethod> candidates;
  private final Map<Integer, LayerMethod> overrides;
  private final boolean requireNative;
  private final Boolean softmax;
  private final int plannedBatch;
  private final MachineProfile profile;
  private final float[][] calibrationInputs;
  private final Precision precision;

  private SessionOptions(Builder b) {
    this.threads = b.threads;
    this.executor = b.executor;
    this.planning = b.planning;
    this.measureBudget = b.measureBudget;
    this.candidates = Set.copyOf(b.candidates);
    this.overrides = Map.copyOf(b.overrides);
    this.requireNative = b.requireNative;
    this.softmax = b.softmax;
    this.plannedBatch = b.plannedBatch;
    this.profile = b.profile;
    this.calibrationInputs = b.calibrationInputs;
    this.precision = b.precision;
  }

  /** One thread, {@link PlanningMode#ESTIMATE}, every method, the model's own softmax flag. */
  public static SessionOptions defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.threads = threads;
    b.executor = executor;
    b.planning = planning;
    b.measureBudget = measureBudget;
    b.candidates = EnumSet.copyOf(candidates);
    b.overrides = new TreeMap<>(overrides);
    b.requireNative = requireNative;
    b.softmax = softmax;
    b.plannedBatch = plannedBatch;
    b.profile = profile;
    b.calibrationInputs = calibrationInputs;
    b.precision = precision;
    return b;
  }

  /** Row ranges each layer is split into (1 runs everything on the calling thread). */
  public int threads() {
    return threads;
  }

  /** Where the extra ranges run, or null for a pool the session owns. */
  public Executor executor() {
    return executor;
  }

  /** How layers are planned. */
  public PlanningMode planning() {
    return planning;
  }

  /** The most time {@link PlanningMode#MEASURE} spends timing candidates, per model. */
  public Duration measureBudget() {
    return measureBudget;
  }

  /** The methods the planner may choose from. */
  public Set<LayerMethod> candidates() {
    return candidates;
  }

  /** Layers (by index) whose method is fixed, bypassing the planner. */
  public Map<Integer, LayerMethod> overrides() {
    return overrides;
  }

  /** Whether creating a session fails when the native library is not loaded. */
  public boolean requireNative() {
    return requireNative;
  }

  /** Whether a softmax follows the last layer: null follows the model. */
  public Boolean softmax() {
    return softmax;
  }

  /** The batch size the batched plan is made for (the single-input plan is made for 1). */
  public int plannedBatch() {
    return plannedBatch;
  }

  /**
   * The machine figures to estimate with, or null for {@link MachineProfile#forKernels}: this
   * machine's calibration if cached, else the shipped defaults.
   */
  public MachineProfile profile() {
    return profile;
  }

  /** How many calibration inputs the planner was given (0: none). */
  public int calibrationRows() {
    return calibrationInputs == null ? 0 : calibrationInputs.length;
  }

  /** The calibration inputs, shared and never modified; null when none were given. */
  float[][] calibrationInputs() {
    return calibrationInputs;
  }

  /**
   * The weight precision the session may run at: the planner considers only the candidates
   * whose {@link LayerMethod#precision()} it allows, and an override with a method it does not
   * allow is rejected. Default {@link Precision#FP32} (exact).
   */
  public Precision precision() {
    return precision;
  }

  @Override
  public String toString() {
    return "SessionOptions[threads=" + threads + (executor != null ? " (app executor)" : "")
        + ", planning=" + planning + ", candidates=" + candidates + ", overrides=" + overrides
        + ", requireNative=" + requireNative + ", softmax=" + softmax
        + ", calibrationRows=" + calibrationRows() + ", precision=" + precision.label() + "]";
  }

  /** The most calibration inputs {@link Builder#calibrationInputs} accepts. */
  public static final int MAX_CALIBRATION_ROWS = 4096;

  /** Builds {@link SessionOptions}; every setter validates its argument. */
  public static final class Builder {
    private int threads = 1;
    private Executor executor;
    private PlanningMode planning = PlanningMode.ESTIMATE;
    private Duration measureBudget = Duration.ofMillis(200);
    private Set<LayerMethod> candidates = EnumSet.allOf(LayerMethod.class);
    private Map<Integer, LayerMethod> overrides = new TreeMap<>();
    private boolean requireNative;
    private Boolean softmax;
    private int plannedBatch = 32;
    private MachineProfile profile;
    private float[][] calibrationInputs;
    private Precision precision = Precision.FP32;

    private Builder() {}

    /**
     * Splits each layer into {@code threads} row ranges run in parallel.
     *
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1, got " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Runs the extra row ranges on the application's executor instead of a pool the session
     * owns (the calling thread always runs one range itself). Its threads must not themselves
     * call the session and wait.
     */
    public Builder executor(Executor executor) {
      this.executor = executor;
      return this;
    }

    /** How layers are planned. */
    public Builder planning(PlanningMode planning) {
      this.planning = Objects.requireNonNull(planning, "planning");
      return this;
    }

    /**
     * The most time {@link PlanningMode#MEASURE} spends timing candidates, per model.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder measureBudget(Duration budget) {
      Objects.requireNonNull(budget, "budget");
      if (budget.isNegative()) {
        throw new IllegalArgumentException("measure budget must not be negative: " + budget);
      }
      this.measureBudget = budget;
      return this;
    }

    /**
     * The methods the planner may choose from (e.g. only the dense ones, to compare).
     *
     * @throws IllegalArgumentException if empty
     */
    public Builder candidates(Set<LayerMethod> methods) {
      Objects.requireNonNull(methods, "methods");
      if (methods.isEmpty()) {
        throw new IllegalArgumentException("at least one candidate method is needed");
      }
      this.candidates = EnumSet.copyOf(methods);
      return this;
    }

    /**
     * Fixes the method of layer {@code index}.
     *
     * @throws IllegalArgumentException if {@code index < 0}
     */
    public Builder override(int index, LayerMethod method) {
      if (index < 0) {
        throw new IllegalArgumentException("layer index must be >= 0, got " + index);
      }
      overrides.put(index, Objects.requireNonNull(method, "method"));
      return this;
    }

    /** Fails session creation when the native library is not loaded. */
    public Builder requireNative(boolean required) {
      this.requireNative = required;
      return this;
    }

    /** Whether a softmax follows the last layer (default: as the model says). */
    public Builder softmax(boolean softmax) {
      this.softmax = softmax;
      return this;
    }

    /**
     * The batch size the batched plan is made for (default 32).
     *
     * @throws IllegalArgumentException if below 2
     */
    public Builder plannedBatch(int batch) {
      if (batch < 2) {
        throw new IllegalArgumentException("planned batch must be >= 2, got " + batch);
      }
      this.plannedBatch = batch;
      return this;
    }

    /** Machine figures to estimate with instead of {@link MachineProfile#forKernels}'s. */
    public Builder profile(MachineProfile profile) {
      this.profile = profile;
      return this;
    }

    /**
     * Real inputs for the planner (e.g. a sample of the data the model will see), one array
     * per sample. Some formats' speed depends on the inputs (csc16 skips inputs that are exact
     * zeros, as most are after a ReLU): with calibration inputs, {@link PlanningMode#ESTIMATE}
     * prices them by the zeros each layer sees when these inputs run through the model, and
     * {@link PlanningMode#MEASURE} times candidates on them; without, inputs are assumed to have
     * no zeros. The first {@value LayerInputs#MAX_PLANNING_ROWS} are used. The width is checked
     * against the model when a session is created. A recurrent network is planned without them
     * in this version. Copied; null clears them.
     *
     * @throws IllegalArgumentException if there are no rows or more than
     *     {@link #MAX_CALIBRATION_ROWS}, a row is null or empty, or the rows differ in width
     */
    public Builder calibrationInputs(float[][] rows) {
      if (rows == null) {
        this.calibrationInputs = null;
        return this;
      }
      if (rows.length == 0 || rows.length > MAX_CALIBRATION_ROWS) {
        throw new IllegalArgumentException("calibration inputs need 1 to " + MAX_CALIBRATION_ROWS
            + " rows, got " + rows.length);
      }
      float[][] copy = new float[rows.length][];
      for (int i = 0; i < rows.length; i++) {
        if (rows[i] == null || rows[i].length == 0) {
          throw new IllegalArgumentException("calibration input " + i + " is "
              + (rows[i] == null ? "null" : "empty"));
        }
        if (rows[i].length != rows[0].length) {
          throw new IllegalArgumentException("calibration input " + i + " has " + rows[i].length
              + " features, input 0 has " + rows[0].length);
        }
        copy[i] = rows[i].clone();
      }
      this.calibrationInputs = copy;
      return this;
    }

    /**
     * The weight precision the session may run at (default {@link Precision#FP32}, exact);
     * {@link Precision#BF16} lets the planner choose methods that round the weights to bf16.
     */
    public Builder precision(Precision precision) {
      this.precision = Objects.requireNonNull(precision, "precision");
      return this;
    }

    /** The options. */
    public SessionOptions build() {
      return new SessionOptions(this);
    }
  }
}
