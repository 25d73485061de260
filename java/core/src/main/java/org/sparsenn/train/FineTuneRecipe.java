package org.sparsenn.train;

import java.util.Objects;
import java.util.function.DoubleFunction;
import org.sparsenn.io.data.Dataset;
import org.sparsenn.model.Network;
import org.sparsenn.prune.GradualPruning;
import org.sparsenn.prune.Masks;
import org.sparsenn.prune.Pruner;
import org.sparsenn.prune.SparsitySchedule;

/**
 * How a pruned model is retrained: the trainer's options (optimizer, learning-rate schedule,
 * distillation from the dense model) and, for gradual pruning, where in the fine-tune the cubic
 * ramp starts and ends. {@code prune} and {@code sweep} share it, so both retrain the same way.
 *
 * @param options the trainer's options; its epochs are the fine-tune's
 * @param pruneStart share of the fine-tune's steps before gradual pruning starts, in [0, 1)
 * @param pruneEnd share of the steps by which gradual pruning reaches its target, in
 *     {@code (pruneStart, 1]}; the steps after it recover accuracy at the final sparsity
 */
public record FineTuneRecipe(TrainerOptions options, double pruneStart, double pruneEnd) {
  /**
   * @throws IllegalArgumentException if {@code pruneStart} is not in [0, 1) or
   *     {@code pruneEnd} not in {@code (pruneStart, 1]}
   * @throws NullPointerException if {@code options} is null
   */
  public FineTuneRecipe {
    Objects.requireNonNull(options, "options");
    if (!(pruneStart >= 0 && pruneStart < 1 && pruneEnd > pruneStart && pruneEnd <= 1)) {
      throw new IllegalArgumentException("gradual pruning needs 0 <= start < end <= 1, got "
          + pruneStart + " and " + pruneEnd);
    }
  }

  /**
   * The default for {@code epochs} of fine-tuning on a full training set, the best measured on
   * Fashion-MNIST's 60,000 images (README, "Pruning and training"): Adam at learning rate
   * 2e-3 with a cosine decay to zero after a 5% warm-up, batch 16 (four times the steps of
   * batch 64 in the same epochs: the pruned model underfits, and the extra steps recovered
   * most at 95%), a proximal L1 penalty of 0.005 (each step moves every weight
   * {@code lr * 0.005} toward zero), no distillation, gradual pruning from the first step to
   * 40% of the steps.
   *
   * @throws IllegalArgumentException if {@code epochs < 1}
   */
  public static FineTuneRecipe defaults(int epochs) {
    TrainerOptions options = TrainerOptions.defaults().withEpochs(epochs)
        .withBatchSize(16).withOptimizer(OptimizerKind.ADAM).withLearningRate(2e-3)
        .withSchedule(LearningRateSchedule.COSINE).withWarmup(0.05).withL1(0.005);
    return new FineTuneRecipe(options, 0, 0.4);
  }

  /**
   * The default on a small training sample (the sweep's built-in 3,000 images), the best
   * measured there: as {@link #defaults} but at learning rate 1e-3, batch 64, the ramp to
   * half-way, without L1, and with distillation from the dense model at weight 0.5 and
   * temperature 2, whose soft targets carry more than the few labels do.
   *
   * @throws IllegalArgumentException if {@code epochs < 1}
   */
  public static FineTuneRecipe smallSample(int epochs) {
    FineTuneRecipe recipe = defaults(epochs);
    return recipe.withRamp(0, 0.5).withOptions(recipe.options().withBatchSize(64)
        .withLearningRate(1e-3).withL1(0).withDistillation(0.5).withTemperature(2));
  }

  /** This recipe with other trainer options. */
  public FineTuneRecipe withOptions(TrainerOptions value) {
    return new FineTuneRecipe(value, pruneStart, pruneEnd);
  }

  /** This recipe with another gradual ramp. */
  public FineTuneRecipe withRamp(double start, double end) {
    return new FineTuneRecipe(options, start, end);
  }

  /**
   * Retrains the weights {@code masks} keep, distilling from {@code teacher} when the options
   * weigh distillation (null: labels only).
   *
   * @throws IllegalArgumentException see {@link Trainer#train(Network, Masks, Dataset)}
   */
  public TrainingResult retrain(Network pruned, Masks masks, Dataset train, Network teacher,
      TrainingListener progress) {
    Trainer trainer = Trainer.of(options).withProgress(progress);
    if (teacher != null) {
      trainer = trainer.withTeacher(teacher);
    }
    return trainer.train(pruned, masks, train);
  }

  /**
   * Prunes {@code dense} gradually to {@code sparsity} while fine-tuning it: a cubic ramp
   * (Zhu and Gupta 2017) from this recipe's start to its end, a pruning every tenth of an
   * epoch; {@code dense} is the teacher. Only pruners that keep layer shapes fit.
   *
   * @throws IllegalArgumentException see {@link Trainer#train(Network, Masks, Dataset)}
   */
  public TrainingResult gradual(Network dense, DoubleFunction<? extends Pruner> pruners,
      double sparsity, Dataset train, TrainingListener progress) {
    long stepsPerEpoch = (train.size() + options.batchSize() - 1) / options.batchSize();
    long steps = stepsPerEpoch * options.epochs();
    long interval = Math.max(1, stepsPerEpoch / 10);
    long start = Math.min(Math.round(pruneStart * steps), steps - 1);
    // The last pruning lands on a step that runs, so the target is reached.
    long end = Math.min(Math.round(pruneEnd * steps), steps - 1);
    int prunings = (int) Math.max(1, (end - start) / interval);
    GradualPruning pruning = new GradualPruning(
        SparsitySchedule.cubic(0, sparsity, start, prunings, interval), pruners);
    Trainer trainer = Trainer.of(options).withProgress(progress).withTeacher(dense)
        .withStepListener(1, pruning::update);
    return trainer.train(dense, Masks.ofNonzeros(dense), train);
  }
}
