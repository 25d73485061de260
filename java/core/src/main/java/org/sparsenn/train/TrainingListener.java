package org.sparsenn.train;

/**
 * Progress reports from {@link Trainer}, e.g. for a progress bar; every method does nothing by
 * default.
 */
public interface TrainingListener {
  /** An epoch starts; it will run {@code batches} optimizer steps. */
  default void epochStarted(int epoch, int epochs, int batches) {}

  /** A batch was trained; the figures are running means over the epoch so far. */
  default void batchDone(int epoch, int batch, double meanLoss, double accuracy) {}

  /** An epoch ended. */
  default void epochEnded(EpochStats stats) {}
}
