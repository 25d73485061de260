package org.sparsenn.engine;

/**
 * Measured costs of one layer method in one batch regime, the inputs of the planner's cost
 * model: {@code µs = callMicros + (rows * rowNanos + weights * nanosPerWeight(bytes)) * batch
 * / 1000}, where {@code weights} is the stored weight count (nonzeros for CSR, all for dense)
 * and the per-weight cost slides, on a log scale of the weight storage size, from
 * {@code cachedNanos} (at or below {@code cachedBytes}) to {@code streamedNanos} (at or above
 * {@code streamedBytes}, weights streamed from memory).
 *
 * @param callMicros fixed cost of one call
 * @param rowNanos cost per output row per batch column
 * @param cachedNanos cost per stored weight per batch column, weights in cache
 * @param streamedNanos cost per stored weight per batch column, weights from memory
 * @param cachedBytes weight storage size at which {@code cachedNanos} was measured
 * @param streamedBytes weight storage size at which {@code streamedNanos} was measured
 */
public record KernelFigures(double callMicros, double rowNanos, double cachedNanos,
    double streamedNanos, long cachedBytes, long streamedBytes) {

  /** Predicted microseconds for a layer of {@code rows} rows and {@code weights} stored weights. */
  public double predictMicros(int rows, long weights, long weightBytes, int batch) {
    double work = rows * rowNanos + weights * nanosPerWeight(weightBytes);
    return callMicros + work * batch / 1000.0;
  }

  private double nanosPerWeight(long bytes) {
    if (bytes <= cachedBytes || streamedBytes <= cachedBytes) {
      return cachedNanos;
    }
    if (bytes >= streamedBytes) {
      return streamedNanos;
    }
    double t = Math.log((double) bytes / cachedBytes) / Math.log((double) streamedBytes / cachedBytes);
    return cachedNanos + t * (streamedNanos - cachedNanos);
  }
}
