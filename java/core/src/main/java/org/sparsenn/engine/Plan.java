package org.sparsenn.engine;

import java.util.List;
import java.util.Locale;

/**
 * What the {@link Planner} chose for each layer of a session, and why: per layer the method
 * for single inputs and the method for batches, with every candidate's storage size and its
 * predicted (and, under {@link PlanningMode#MEASURE}, measured) time.
 *
 * @param mode how the plan was made
 * @param kernels the kernels the session runs ({@code native-avx512}, {@code java}, ...)
 * @param threads row ranges per layer
 * @param plannedBatch the batch size the batched choices were made for
 * @param layers one entry per layer, in order
 */
public record Plan(PlanningMode mode, String kernels, int threads, int plannedBatch,
    List<LayerPlan> layers) {

  /** Copies the list. */
  public Plan {
    layers = List.copyOf(layers);
  }

  /**
   * One candidate method for one layer in one regime.
   *
   * @param method the method
   * @param weightBytes bytes of weight storage it reads per pass
   * @param predictedMicros the cost model's time for one run
   * @param measuredMicros the fastest timed run, or NaN when not measured
   */
  public record Candidate(LayerMethod method, long weightBytes, double predictedMicros,
      double measuredMicros) {
    /** Whether this candidate was timed. */
    public boolean measured() {
      return !Double.isNaN(measuredMicros);
    }

    /** The figure the choice was made on: measured if timed, else predicted. */
    public double decidingMicros() {
      return measured() ? measuredMicros : predictedMicros;
    }
  }

  /**
   * The choices for one layer.
   *
   * @param index the layer's position
   * @param rows outputs
   * @param cols inputs
   * @param nonzeros weights that are not zero
   * @param single method for a single input (batch 1)
   * @param batched method for batches
   * @param singleCandidates what was considered for batch 1, the chosen one first
   * @param batchedCandidates what was considered for batches, the chosen one first
   * @param reason why, in a few words ({@code override}, {@code estimated}, {@code measured})
   */
  public record LayerPlan(int index, int rows, int cols, long nonzeros, LayerMethod single,
      LayerMethod batched, List<Candidate> singleCandidates, List<Candidate> batchedCandidates,
      String reason) {
    /** Copies the lists. */
    public LayerPlan {
      singleCandidates = List.copyOf(singleCandidates);
      batchedCandidates = List.copyOf(batchedCandidates);
    }

    /** Fraction of weights that are zero. */
    public double sparsity() {
      return 1.0 - (double) nonzeros / ((long) rows * cols);
    }
  }

  /** A few lines per layer: shape, sparsity, choices and every candidate's figures. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "plan: %s, kernels %s, %d thread(s), batch plan at %d%n",
        mode, kernels, threads, plannedBatch));
    for (LayerPlan layer : layers) {
      out.append(String.format(Locale.ROOT,
          "layer %d: %d x %d, %d nonzeros (%.1f%% sparse): batch 1 -> %s, batch %d -> %s (%s)%n",
          layer.index(), layer.rows(), layer.cols(), layer.nonzeros(), 100 * layer.sparsity(),
          name(layer.single()), plannedBatch, name(layer.batched()), layer.reason()));
      appendCandidates(out, "batch 1", layer.singleCandidates());
      appendCandidates(out, "batch " + plannedBatch, layer.batchedCandidates());
    }
    return out.toString();
  }

  private static void appendCandidates(StringBuilder out, String regime, List<Candidate> list) {
    out.append("    ").append(regime).append(':');
    for (Candidate c : list) {
      out.append(String.format(Locale.ROOT, " %s %s predicted %.1f us", name(c.method()),
          bytes(c.weightBytes()), c.predictedMicros()));
      if (c.measured()) {
        out.append(String.format(Locale.ROOT, " measured %.1f us", c.measuredMicros()));
      }
      out.append(';');
    }
    out.setLength(out.length() - 1);
    out.append(System.lineSeparator());
  }

  private static String name(LayerMethod method) {
    return method.label();
  }

  private static String bytes(long bytes) {
    if (bytes >= 1 << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
    return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
  }
}
