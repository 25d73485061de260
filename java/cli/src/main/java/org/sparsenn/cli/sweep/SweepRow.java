package org.sparsenn.cli.sweep;

/**
 * One pruning level of one method in a sweep: what it cost in accuracy and bought in speed.
 *
 * @param method the pruning method
 * @param level the requested level (target sparsity, or fraction of neurons removed)
 * @param sparsity fraction of the original model's weights that are zero or removed, as
 *     measured in the pruned weights
 * @param accuracy test accuracy of the pruned model without fine-tuning
 * @param fineTunedAccuracy test accuracy after the short masked fine-tune, or NaN when none ran
 * @param fileBytes size of the pruned model as a {@code .snn} file
 * @param micros1 median latency at batch 1, µs (planned session)
 * @param microsBatch median latency at the batch size, µs (planned session)
 * @param denseMicros1 the same model at batch 1 on dense methods only, µs
 * @param denseMicrosBatch the same model at the batch size on dense methods only, µs
 * @param plan1 per layer (and per recurrent W and R), the method the planner chose for batch 1
 * @param planBatch per layer (and per recurrent W and R), the method the planner chose for the
 *     batch size
 * @param baselineMicros1 the unpruned model at batch 1 on dense methods only, µs
 * @param baselineMicrosBatch the unpruned model at the batch size on dense methods only, µs
 * @param denseAccuracy test accuracy of the unpruned model
 * @param roundedAccuracy test accuracy of the final model (fine-tuned when measured) with every
 *     weight rounded to the sweep's lossy precision, or NaN when the sweep runs at fp32
 */
public record SweepRow(String method, double level, double sparsity, double accuracy,
    double fineTunedAccuracy, long fileBytes, double micros1, double microsBatch,
    double denseMicros1, double denseMicrosBatch, String plan1, String planBatch,
    double baselineMicros1, double baselineMicrosBatch, double denseAccuracy,
    double roundedAccuracy) {

  /** Speedup at batch 1 over the same model run dense. */
  public double speedup1() {
    return denseMicros1 / micros1;
  }

  /** Speedup at the batch size over the same model run dense. */
  public double speedupBatch() {
    return denseMicrosBatch / microsBatch;
  }

  /** Speedup at batch 1 over the unpruned model run dense: what pruning bought overall. */
  public double speedupOverUnpruned1() {
    return baselineMicros1 / micros1;
  }

  /** Speedup at the batch size over the unpruned model run dense. */
  public double speedupOverUnprunedBatch() {
    return baselineMicrosBatch / microsBatch;
  }

  /** The accuracy to judge the level by: fine-tuned when measured, else one-shot. */
  public double finalAccuracy() {
    return fineTuned() ? fineTunedAccuracy : accuracy;
  }

  /** {@code accuracy} minus the unpruned model's, in percentage points. */
  public double pointsOneShot() {
    return 100 * (accuracy - denseAccuracy);
  }

  /** The fine-tuned accuracy minus the unpruned model's, in points (NaN when none). */
  public double pointsFineTuned() {
    return 100 * (fineTunedAccuracy - denseAccuracy);
  }

  /** This row reported under another method's name. */
  public SweepRow withMethod(String name) {
    return new SweepRow(name, level, sparsity, accuracy, fineTunedAccuracy, fileBytes, micros1,
        microsBatch, denseMicros1, denseMicrosBatch, plan1, planBatch, baselineMicros1,
        baselineMicrosBatch, denseAccuracy, roundedAccuracy);
  }

  /** Whether an accuracy at a lossy precision was measured. */
  public boolean rounded() {
    return !Double.isNaN(roundedAccuracy);
  }

  /** Whether a fine-tuned accuracy was measured. */
  public boolean fineTuned() {
    return !Double.isNaN(fineTunedAccuracy);
  }
}
