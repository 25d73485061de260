package org.sparsenn.cli;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.sparsenn.train.EpochStats;
import org.sparsenn.train.TrainingListener;

/**
 * Shows training on a terminal: a progress bar per epoch with the running loss and accuracy
 * ({@code me.tongfei:progressbar}), then one summary line per epoch. {@link #forConsole} is
 * silent when standard output is not a terminal.
 */
public final class ProgressBarListener implements TrainingListener {
  private final PrintStream out;
  private final boolean bars;
  private ProgressBar bar;

  private ProgressBarListener(PrintStream out, boolean bars) {
    this.out = out;
    this.bars = bars;
  }

  /**
   * Bars and summaries on {@code System.out} when it is a terminal ({@code System.console()} is
   * not null) and {@code quiet} is false; otherwise a listener that does nothing.
   */
  public static TrainingListener forConsole(boolean quiet) {
    if (quiet || System.console() == null) {
      return new TrainingListener() {};
    }
    return new ProgressBarListener(System.out, true);
  }

  /** Only the per-epoch summary lines, on {@code out} (for logs and tests). */
  public static TrainingListener summariesTo(PrintStream out) {
    return new ProgressBarListener(out, false);
  }

  @Override
  public void epochStarted(int epoch, int epochs, int batches) {
    if (bars) {
      bar = new ProgressBarBuilder()
          .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs))
          .setInitialMax(batches)
          .setStyle(ProgressBarStyle.ASCII)
          .setUpdateIntervalMillis(200)
          .setConsumer(new ConsoleProgressBarConsumer(out))
          .continuousUpdate()
          .build();
    }
  }

  @Override
  public void batchDone(int epoch, int batch, double meanLoss, double accuracy) {
    if (bar != null) {
      bar.stepTo(batch);
      bar.setExtraMessage(Double.isNaN(accuracy)
          ? String.format(Locale.ROOT, "loss %.4f", meanLoss)
          : String.format(Locale.ROOT, "loss %.4f acc %.4f", meanLoss, accuracy));
    }
  }

  @Override
  public void epochEnded(EpochStats stats) {
    if (bar != null) {
      bar.close();
      bar = null;
    }
    out.println(summary(stats));
    out.flush();
  }

  /** One line: epoch, time, training and validation loss and accuracy. */
  public static String summary(EpochStats s) {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
        "epoch %d: %.2f s, loss %.4f", s.epoch(), s.seconds(), s.trainLoss()));
    if (!Double.isNaN(s.trainAccuracy())) {
      line.append(String.format(Locale.ROOT, ", accuracy %.4f", s.trainAccuracy()));
    }
    if (!Double.isNaN(s.validationLoss())) {
      line.append(String.format(Locale.ROOT, ", validation loss %.4f", s.validationLoss()));
    }
    if (!Double.isNaN(s.validationAccuracy())) {
      line.append(String.format(Locale.ROOT, ", validation accuracy %.4f",
          s.validationAccuracy()));
    }
    return line.toString();
  }
}
