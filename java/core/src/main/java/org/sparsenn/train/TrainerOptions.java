package org.sparsenn.train;

import java.util.Objects;

/**
 * How {@link Trainer} trains. Immutable; start from {@link #defaults()} and change fields with
 * the {@code with*} methods. Weight decay is PyTorch's {@code weight_decay} (L2 added to the
 * gradient of every parameter, biases included, for SGD and Adam alike).
 *
 * @param epochs passes over the training data (at most; early stopping may end sooner)
 * @param batchSize examples per optimizer step (the last batch of an epoch may be smaller)
 * @param learningRate the step size
 * @param optimizer the update rule
 * @param momentum SGD's momentum (ignored by Adam)
 * @param beta1 Adam's first-moment decay
 * @param beta2 Adam's second-moment decay
 * @param epsilon Adam's denominator guard
 * @param weightDecay L2 penalty coefficient
 * @param loss what is minimised
 * @param seed fixes the shuffles (the validation split and each epoch's order)
 * @param validationFraction share of the training data held out to validate each epoch, in
 *     {@code [0, 1)}; 0 for none
 * @param patience epochs without a better validation loss before stopping; 0 never stops early
 *     (needs a validation fraction above 0)
 * @param restoreBest whether to return the weights of the epoch with the best validation loss
 *     rather than the last ones (only with validation)
 * @param blasThreads OpenBLAS threads while training (0 leaves the library setting alone, which
 *     is 1 unless {@code sparsenn.blas.threads} says otherwise). Measured on a 2-core shared
 *     machine: LeNet-300-100 at batch 64 took about 1.2 s an epoch with 1 thread and 13-18 s
 *     with 2, OpenBLAS's spinning threads fighting the other load; raise it only where cores
 *     are idle
 * @param schedule how the learning rate changes over the steps of training
 * @param warmup share of the steps, in {@code [0, 1)}, over which the learning rate rises
 *     linearly from near 0 before the schedule takes over
 * @param l1 L1 penalty coefficient on the weights (not the biases), applied as a proximal step
 *     after each update: every kept weight moves {@code lr * l1} toward zero and stops at zero
 * @param distillation weight in {@code [0, 1]} of a teacher's softened outputs in the loss
 *     (Hinton et al. 2015); used when the trainer has a teacher ({@link Trainer#withTeacher})
 * @param temperature the softmax temperature of the distillation term, at least 1
 * @param truncation recurrent networks: truncated back-propagation through time, the steps
 *     (from the end of each direction's reading) through which the recurrent gradient flows
 *     back; 0 for the whole sequence
 * @param clipNorm if positive, each step's gradient (all weights and biases together) is
 *     scaled down to this L2 norm when it is longer, as {@code clip_grad_norm_} does; 0 for no
 *     clipping
 */
public record TrainerOptions(int epochs, int batchSize, double learningRate,
    OptimizerKind optimizer, double momentum, double beta1, double beta2, double epsilon,
    double weightDecay, Loss loss, long seed, double validationFraction, int patience,
    boolean restoreBest, int blasThreads, LearningRateSchedule schedule, double warmup,
    double l1, double distillation, double temperature, int truncation, double clipNorm) {

  /**
   * @throws IllegalArgumentException if a value is out of its range (named in the message)
   * @throws NullPointerException if {@code optimizer} or {@code loss} is null
   */
  public TrainerOptions {
    Objects.requireNonNull(optimizer, "optimizer");
    Objects.requireNonNull(loss, "loss");
    require(epochs >= 1, "epochs must be at least 1, got " + epochs);
    require(batchSize >= 1, "batch size must be at least 1, got " + batchSize);
    require(learningRate > 0 && Double.isFinite(learningRate),
        "learning rate must be positive, got " + learningRate);
    require(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got " + momentum);
    require(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), got " + beta1);
    require(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), got " + beta2);
    require(epsilon > 0, "epsilon must be positive, got " + epsilon);
    require(weightDecay >= 0 && Double.isFinite(weightDecay),
        "weight decay must be non-negative, got " + weightDecay);
    require(validationFraction >= 0 && validationFraction < 1,
        "validation fraction must be in [0, 1), got " + validationFraction);
    require(patience >= 0, "patience must be non-negative, got " + patience);
    require(patience == 0 || validationFraction > 0,
        "early stopping (patience " + patience + ") needs a validation fraction above 0");
    require(blasThreads >= 0, "BLAS threads must be non-negative, got " + blasThreads);
    Objects.requireNonNull(schedule, "schedule");
    require(warmup >= 0 && warmup < 1, "warm-up share must be in [0, 1), got " + warmup);
    require(l1 >= 0 && Double.isFinite(l1), "L1 coefficient must be non-negative, got " + l1);
    require(distillation >= 0 && distillation <= 1,
        "distillation weight must be in [0, 1], got " + distillation);
    require(temperature >= 1 && Double.isFinite(temperature),
        "distillation temperature must be at least 1, got " + temperature);
    require(truncation >= 0, "BPTT truncation must be non-negative steps, got " + truncation);
    require(clipNorm >= 0 && Double.isFinite(clipNorm),
        "gradient clipping norm must be non-negative, got " + clipNorm);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * 10 epochs, batch 64, SGD at learning rate 0.01 with momentum 0.9, Adam's betas
   * (0.9, 0.999) and epsilon 1e-8, no weight decay, softmax cross-entropy, seed 42, no
   * validation, no early stopping, restore best when validating, BLAS threads left alone,
   * a constant learning rate without warm-up, no L1 penalty, no distillation (temperature 2
   * should it be turned on), full back-propagation through time, no gradient clipping.
   */
  public static TrainerOptions defaults() {
    return new TrainerOptions(10, 64, 0.01, OptimizerKind.SGD, 0.9, 0.9, 0.999, 1e-8, 0,
        Loss.SOFTMAX_CROSS_ENTROPY, 42, 0, 0, true, 0, LearningRateSchedule.CONSTANT, 0, 0, 0,
        2, 0, 0);
  }

  /** These options with another epoch count. */
  public TrainerOptions withEpochs(int value) {
    return new TrainerOptions(value, batchSize, learningRate, optimizer, momentum, beta1, beta2,
        epsilon, weightDecay, loss, seed, validationFraction, patience, restoreBest, blasThreads,
        schedule, warmup, l1, distillation, temperature, truncation, clipNorm);
  }

  /** These options with another batch size. */
  public TrainerOptions withBatchSize(int value) {
    return new TrainerOptions(epochs, value, learningRate, optimizer, momentum, beta1, beta2,
        epsilon, weightDecay, loss, seed, validationFraction, patience, restoreBest, blasThreads,
        schedule, warmup, l1, distillation, temperature, truncation, clipNorm);
  }

  /** These options with another learning rate. */
  public TrainerOptions withLearningRate(double value) {
    return new TrainerOptions(epochs, batchSize, value, optimizer, momentum, beta1, beta2, epsilon,
        weightDecay, loss, seed, validationFraction, patience, restoreBest, blasThreads, schedule,
        warmup, l1, distillation, temperature, truncation, clipNorm);
  }

  /** These options with another optimizer. */
  public TrainerOptions withOptimizer(OptimizerKind value) {
    return new TrainerOptions(epochs, batchSize, learningRate, value, momentum, beta1, beta2,
        epsilon, weightDecay, loss, seed, validationFraction, patience, restoreBest, blasThreads,
        schedule, warmup, l1, distillation, temperature, truncation, clipNorm);
  }

  /** These options with another SGD momentum. */
  public TrainerOptions withMomentum(double value) {
    return new TrainerOptions(epochs, batchSize, learningRate, optimizer, value, beta1, beta2,
        epsilon, weightDecay, loss, seed, validationFraction, patience, restoreBest, blasThreads,
        schedule, warmup, l1, distillation, temperature, truncation, clipNorm);
  }

  /** These options with another weight decay. */
  public TrainerOptions withWeightDecay(double value) {
    return new TrainerOptions(epochs, batchSize, learningRate, optimizer, momentum, beta1, beta2,
        epsilon, value, loss, seed, validationFraction, patience, restoreBest, blasThreads,
        schedule, warmup, l1, distillation, temperature, truncation, clipNorm);
  }

  /** These options with another loss. */
  public TrainerOptions withLoss(Loss value) {
    return new TrainerOptions(epochs, batchSize, learningRate, optimizer, momentum, beta1, beta2,
        epsilon, weightDecay, value, seed, validationFraction, patience, restoreBest, blasThreads,
        schedule, warmup, l1, distillation, temperature, truncation, clipNorm);
  }

  /** These options with another seed. */
  public TrainerOptions withSeed(long value) {
    return new TrainerOptions(epochs, batchSize, learningRate, optimizer, momentum, beta1, beta2,
        epsilon, weightDecay, loss, value, validationFraction, patience, restoreBest, blasThreads,
        schedule, warmup, l1, distillation, temperature, truncation, clipNorm);
  }

  /** These options with another validation fraction. */
  public TrainerOptions withValidationFraction(double value) {
    return new TrainerOptions(epochs, batchSize, learningRate, optimizer, momentum, beta1, beta2,
        epsilon, weightDecay, loss, seed, value, patience, restoreBest, blasThreads, schedule,
        warmup, l1, distillation, temperature, truncation, clipNorm);
  }

  /** These options with another early-stopping patience. */
  public TrainerOptions withPatience(int value) {
    return new TrainerOptions(epochs, batchSize, learningRate, optimizer, momentum, beta1, beta2,
        epsilon, weightDecay, loss, seed, validationFraction, value, restoreBest, blasThreads,
        schedule, warmup, l1, distillation, temperature, truncation, clipNorm);
  }

  /** These options with or without restoring the best epoch. */
  public TrainerOptions withRestoreBest(boolean value) {
    return new TrainerOptions(epochs, batchSize, learningRate, optimizer, momentum, beta1, beta2,
        epsilon, weightDecay, loss, seed, validationFraction, patience, value, blasThreads,
        schedule, warmup, l1, distillation, temperature, truncation, clipNorm);
  }

  /** These options with another OpenBLAS thread count (0 leaves it alone). */
  public TrainerOptions withBlasThreads(int value) {
    return new TrainerOptions(epochs, batchSize, learningRate, optimizer, momentum, beta1, beta2,
        epsilon, weightDecay, loss, seed, validationFraction, patience, restoreBest, value,
        schedule, warmup, l1, distillation, temperature, truncation, clipNorm);
  }

  /** These options with another learning-rate schedule. */
  public TrainerOptions withSchedule(LearningRateSchedule value) {
    return new TrainerOptions(epochs, batchSize, learningRate, optimizer, momentum, beta1, beta2,
        epsilon, weightDecay, loss, seed, validationFraction, patience, restoreBest, blasThreads,
        value, warmup, l1, distillation, temperature, truncation, clipNorm);
  }

  /** These options with another warm-up share. */
  public TrainerOptions withWarmup(double value) {
    return new TrainerOptions(epochs, batchSize, learningRate, optimizer, momentum, beta1, beta2,
        epsilon, weightDecay, loss, seed, validationFraction, patience, restoreBest, blasThreads,
        schedule, value, l1, distillation, temperature, truncation, clipNorm);
  }

  /** These options with another L1 coefficient. */
  public TrainerOptions withL1(double value) {
    return new TrainerOptions(epochs, batchSize, learningRate, optimizer, momentum, beta1, beta2,
        epsilon, weightDecay, loss, seed, validationFraction, patience, restoreBest, blasThreads,
        schedule, warmup, value, distillation, temperature, truncation, clipNorm);
  }

  /** These options with another distillation weight. */
  public TrainerOptions withDistillation(double value) {
    return new TrainerOptions(epochs, batchSize, learningRate, optimizer, momentum, beta1, beta2,
        epsilon, weightDecay, loss, seed, validationFraction, patience, restoreBest, blasThreads,
        schedule, warmup, l1, value, temperature, truncation, clipNorm);
  }

  /** These options with another distillation temperature. */
  public TrainerOptions withTemperature(double value) {
    return new TrainerOptions(epochs, batchSize, learningRate, optimizer, momentum, beta1, beta2,
        epsilon, weightDecay, loss, seed, validationFraction, patience, restoreBest, blasThreads,
        schedule, warmup, l1, distillation, value, truncation, clipNorm);
  }

  /** These options with another BPTT truncation (0: the whole sequence). */
  public TrainerOptions withTruncation(int value) {
    return new TrainerOptions(epochs, batchSize, learningRate, optimizer, momentum, beta1, beta2,
        epsilon, weightDecay, loss, seed, validationFraction, patience, restoreBest, blasThreads,
        schedule, warmup, l1, distillation, temperature, value, clipNorm);
  }

  /** These options with another gradient-clipping norm (0: no clipping). */
  public TrainerOptions withClipNorm(double value) {
    return new TrainerOptions(epochs, batchSize, learningRate, optimizer, momentum, beta1, beta2,
        epsilon, weightDecay, loss, seed, validationFraction, patience, restoreBest, blasThreads,
        schedule, warmup, l1, distillation, temperature, truncation, value);
  }
}
