package org.sparsenn.engine;

import java.util.List;

/**
 * Measured costs of one layer method at one batch size, the inputs of the planner's cost
 * model: {@code µs = callMicros + (rows * rowNanos + weights * nanosPerWeight(bytes)) * batch
 * / 1000}, where {@code weights} is the stored weight count (nonzeros for CSR, all for dense).
 * The per-weight cost depends on where the weights live: it is measured at a few storage sizes
 * (in cache, in the last-level cache, streamed from memory) and read between them on a log
 * scale, clamped at both ends.
 *
 * @param callMicros fixed cost of one call
 * @param rowNanos cost per output row per batch column
 * @param points per-weight costs by weight storage size, smallest size first
 */
public record KernelFigures(double callMicros, double rowNanos, List<CostPoint> points) {

  /**
   * The per-weight, per-batch-column cost at one weight storage size.
   *
   * @param bytes weight storage size measured
   * @param nanosPerWeight nanoseconds per stored weight per batch column
   */
  public record CostPoint(long bytes, double nanosPerWeight) {}

  /**
   * Copies the points.
   *
   * @throws IllegalArgumentException if there are no points or their sizes do not increase
   */
  public KernelFigures {
    points = List.copyOf(points);
    if (points.isEmpty()) {
      throw new IllegalArgumentException("kernel figures need at least one cost point");
    }
    for (int i = 1; i < points.size(); i++) {
      if (points.get(i).bytes() <= points.get(i - 1).bytes()) {
        throw new IllegalArgumentException("cost points must have increasing sizes: " + points);
      }
    }
  }

  /** Predicted microseconds for a layer of {@code rows} rows and {@code weights} stored weights. */
  public double predictMicros(int rows, long weights, long weightBytes, int batch) {
    double work = rows * rowNanos + weights * nanosPerWeight(weightBytes);
    return callMicros + work * batch / 1000.0;
  }

  /** The per-weight cost at {@code bytes} of weight storage. */
  public double nanosPerWeight(long bytes) {
    CostPoint first = points.get(0);
    if (bytes <= first.bytes()) {
      return first.nanosPerWeight();
    }
    for (int i = 1; i < points.size(); i++) {
      CostPoint hi = points.get(i);
      if (bytes <= hi.bytes()) {
        CostPoint lo = points.get(i - 1);
        double t = Math.log((double) bytes / lo.bytes())
            / Math.log((double) hi.bytes() / lo.bytes());
        return lo.nanosPerWeight() + t * (hi.nanosPerWeight() - lo.nanosPerWeight());
      }
    }
    return points.get(points.size() - 1).nanosPerWeight();
  }
}
