package org.sparsenn.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.sparsenn.io.data.Dataset;
import org.sparsenn.kernel.Gemm;
import org.sparsenn.model.Network;
import org.sparsenn.prune.Masks;

/**
 * Masked minibatch training of a {@link Network}: starts from the given weights, keeps every
 * weight that the {@link Masks} prune at exactly zero (their gradients are dropped and the
 * weights zeroed after each step), and returns a new network with the history of each epoch.
 *
 * <p>Each epoch visits the training examples in an order drawn from the seed
 * ({@link Dataset#shuffle}), in batches of {@link TrainerOptions#batchSize()}; the forward and
 * backward passes use {@link Gemm#best()} (OpenBLAS, or pure Java). With a validation fraction,
 * that share of the data (chosen with the seed) is held out and evaluated after each epoch;
 * early stopping ends training after {@code patience} epochs without a lower validation loss,
 * and the best epoch's weights are returned if {@code restoreBest} (with the final masks
 * applied, should a step listener have pruned more since). The same seed, data, options and
 * GEMM implementation give bit-identical results.
 *
 * <p>The learning rate follows {@link TrainerOptions#schedule()} after a linear warm-up over
 * {@link TrainerOptions#warmup()} of the steps; {@link TrainerOptions#l1()} adds a proximal
 * L1 step after each update; with a teacher ({@link #withTeacher}) the loss blends the labels
 * with the teacher's softened outputs.
 *
 * <p>A network with an input selection (input features pruned away) is trained on data of
 * its original width, from which the selected features are taken.
 *
 * <p>A network with recurrent layers reads each example's features as a sequence of
 * {@code featureCount / inputs} steps (a 28x28 image: 28 steps of 28 pixels) and trains by
 * back-propagation through time ({@link TrainerOptions#truncation()} steps, or all), its
 * recurrent weights masked like the dense ones ({@link Masks} order).
 *
 * <p>Immutable: {@code with*} methods return a new trainer. A trainer may be used from several
 * threads, each {@link #train} call having its own state; but OpenBLAS's thread count (see
 * {@link TrainerOptions#blasThreads()}) is process-wide.
 */
public final class Trainer {
  /** Mixed into the seed for the validation split, so it differs from the epoch orders. */
  static final long VALIDATION_SALT = 0x5DEECE66DL;

  private final TrainerOptions options;
  private final Gemm gemm;
  private final StepListener stepListener;
  private final long stepInterval;
  private final TrainingListener progress;
  private final Network teacher;

  private Trainer(TrainerOptions options, Gemm gemm, StepListener stepListener,
      long stepInterval, TrainingListener progress, Network teacher) {
    this.options = options;
    this.gemm = gemm;
    this.stepListener = stepListener;
    this.stepInterval = stepInterval;
    this.progress = progress;
    this.teacher = teacher;
  }

  /**
   * A trainer with these options, on {@link Gemm#best()}.
   *
   * @throws NullPointerException if {@code options} is null
   */
  public static Trainer of(TrainerOptions options) {
    return new Trainer(Objects.requireNonNull(options, "options"), Gemm.best(), null, 0,
        new TrainingListener() {}, null);
  }

  /** The options. */
  public TrainerOptions options() {
    return options;
  }

  /**
   * This trainer on another GEMM implementation (e.g. {@link Gemm#java()} in tests).
   *
   * @throws NullPointerException if {@code value} is null
   */
  public Trainer withGemm(Gemm value) {
    return new Trainer(options, Objects.requireNonNull(value, "gemm"), stepListener,
        stepInterval, progress, teacher);
  }

  /**
   * This trainer calling {@code listener} after every {@code everySteps} optimizer steps.
   *
   * @throws IllegalArgumentException if {@code everySteps < 1}
   * @throws NullPointerException if {@code listener} is null
   */
  public Trainer withStepListener(long everySteps, StepListener listener) {
    if (everySteps < 1) {
      throw new IllegalArgumentException("step interval must be at least 1, got " + everySteps);
    }
    return new Trainer(options, gemm, Objects.requireNonNull(listener, "listener"), everySteps,
        progress, teacher);
  }

  /**
   * This trainer reporting progress to {@code listener}.
   *
   * @throws NullPointerException if {@code listener} is null
   */
  public Trainer withProgress(TrainingListener listener) {
    return new Trainer(options, gemm, stepListener, stepInterval,
        Objects.requireNonNull(listener, "listener"), teacher);
  }

  /**
   * This trainer distilling from {@code model}: its logits, softened by
   * {@link TrainerOptions#temperature()}, become soft targets weighted by
   * {@link TrainerOptions#distillation()} beside the labels (with weight 0 the teacher is
   * unused). Typically the dense model a pruned one was cut from. The reported training loss
   * stays the labels' cross-entropy.
   *
   * @throws NullPointerException if {@code model} is null
   */
  public Trainer withTeacher(Network model) {
    return new Trainer(options, gemm, stepListener, stepInterval, progress,
        Objects.requireNonNull(model, "teacher"));
  }

  /**
   * Trains every weight of {@code initial}.
   *
   * @throws IllegalArgumentException see {@link #train(Network, Masks, Dataset)}
   */
  public TrainingResult train(Network initial, Dataset data) {
    return train(initial, Masks.keepAll(initial), data);
  }

  /**
   * Trains the weights that {@code masks} keep, starting from {@code initial} (its pruned
   * weights are zeroed first).
   *
   * @throws IllegalArgumentException if the data is empty or too small to hold out a
   *     validation part, its feature count differs from the network's inputs, the masks do not
   *     fit the network, cross-entropy is asked for without labels, a label is not below the
   *     network's output count, or MSE targets do not match the outputs
   * @throws NullPointerException if an argument is null
   */
  public TrainingResult train(Network initial, Masks masks, Dataset data) {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(masks, "masks");
    Objects.requireNonNull(data, "data");
    masks.requireMatches(initial);
    checkData(initial, data, options.loss());
    boolean distilling = teacher != null && options.distillation() > 0;
    if (distilling) {
      if (options.loss() != Loss.SOFTMAX_CROSS_ENTROPY) {
        throw new IllegalArgumentException("distillation needs the cross-entropy loss, not "
            + options.loss());
      }
      checkData(teacher, data, options.loss());
      if (teacher.outputs() != initial.outputs()) {
        throw new IllegalArgumentException("the teacher has " + teacher.outputs()
            + " outputs, the network " + initial.outputs());
      }
    }
    Dataset trainPart = data;
    Dataset validation = null;
    if (options.validationFraction() > 0) {
      Dataset.Split split = data.shuffled(options.seed() ^ VALIDATION_SALT)
          .split(options.validationFraction());
      if (split.first().isEmpty() || split.second().isEmpty()) {
        throw new IllegalArgumentException("cannot hold out " + options.validationFraction()
            + " of " + data.size() + " examples for validation: a part would be empty");
      }
      trainPart = split.first();
      validation = split.second();
    }
    int batch = Math.min(options.batchSize(), trainPart.size());
    int threads = options.blasThreads();
    int threadsBefore = threads > 0 ? Gemm.setBlasThreads(threads) : 0;
    try (BatchedNetwork net = new BatchedNetwork(initial, gemm, batch, true, data.featureCount(),
        options.truncation())) {
      float[] soft = distilling ? teacherLogits(trainPart, batch) : null;
      return run(initial, masks, trainPart, validation, net, soft);
    } finally {
      if (threads > 0) {
        Gemm.setBlasThreads(threadsBefore);
      }
    }
  }

  /** The teacher's logits for every example of {@code data}, row-major. */
  private float[] teacherLogits(Dataset data, int batch) {
    try (BatchedNetwork net = new BatchedNetwork(teacher, gemm, batch, false,
        data.featureCount(), 0)) {
      InputRows rows = new InputRows(teacher, data.featureCount());
      int width = net.outputWidth();
      float[] input = new float[batch * net.inputWidth()];
      float[] logits = new float[data.size() * width];
      for (int from = 0; from < data.size(); from += batch) {
        int count = Math.min(batch, data.size() - from);
        for (int r = 0; r < count; r++) {
          rows.copy(data, from + r, input, r);
        }
        System.arraycopy(net.forward(input, count), 0, logits, from * width, count * width);
      }
      return logits;
    }
  }

  private TrainingResult run(Network initial, Masks initialMasks, Dataset data,
      Dataset validation, BatchedNetwork net, float[] teacherLogits) {
    OptimizerState optimizer = new OptimizerState(options, net);
    Masks masks = initialMasks;
    optimizer.applyMasks(masks);
    int capacity = net.capacity();
    int width = net.outputWidth();
    InputRows inputRows = new InputRows(initial, data.featureCount());
    boolean labelled = data.hasLabels();
    boolean useTargets = options.loss() == Loss.MSE && data.hasTargets();
    float[] input = new float[capacity * net.inputWidth()];
    int[] labels = new int[capacity];
    float[] targets = useTargets ? new float[capacity * width] : null;
    float[] grad = new float[capacity * width];
    int[] order = new int[data.size()];
    SplittableRandom random = new SplittableRandom(options.seed());
    int batches = (data.size() + capacity - 1) / capacity;
    float[] soft = teacherLogits == null ? null : new float[capacity * width];
    long totalSteps = (long) batches * options.epochs();
    long warmupSteps = Math.round(options.warmup() * totalSteps);

    List<EpochStats> history = new ArrayList<>();
    double bestLoss = Double.POSITIVE_INFINITY;
    int bestEpoch = 0;
    float[][] bestWeights = null;
    float[][] bestBiases = null;
    long step = 0;
    boolean stoppedEarly = false;
    for (int epoch = 1; epoch <= options.epochs(); epoch++) {
      long start = System.nanoTime();
      progress.epochStarted(epoch, options.epochs(), batches);
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Dataset.shuffle(order, random);
      double lossSum = 0;
      long correct = 0;
      for (int b = 0; b < batches; b++) {
        int from = b * capacity;
        int rows = Math.min(capacity, order.length - from);
        for (int r = 0; r < rows; r++) {
          int example = order[from + r];
          inputRows.copy(data, example, input, r);
          if (labelled) {
            data.copyLabels(example, example + 1, labels, r);
          }
          if (useTargets) {
            data.copyTargets(example, example + 1, targets, r * width);
          }
          if (soft != null) {
            System.arraycopy(teacherLogits, example * width, soft, r * width, width);
          }
        }
        float[] out = net.forward(input, rows);
        lossSum += LossFunctions.lossAndGradient(options.loss(), out, rows, width, labels,
            targets, net.softmaxOutput(), grad);
        if (soft != null) {
          LossFunctions.blendDistillation(out, soft, rows, width, options.distillation(),
              options.temperature(), grad);
        }
        if (labelled) {
          correct += Metrics.countCorrect(out, rows, width, labels);
        }
        net.backward(grad, rows);
        optimizer.step(options.schedule().factor(step, totalSteps, warmupSteps));
        step++;
        if (stepListener != null && step % stepInterval == 0) {
          Masks next = stepListener.onStep(step - 1, net.toNetwork(initial), masks);
          if (next != null && next != masks) {
            next.requireMatches(initial);
            masks = next;
            optimizer.applyMasks(masks);
          }
        }
        int seen = from + rows;
        progress.batchDone(epoch, b + 1, lossSum / seen, labelled ? (double) correct / seen
            : Double.NaN);
      }
      double valLoss = Double.NaN;
      double valAccuracy = Double.NaN;
      if (validation != null) {
        Evaluation evaluation = Evaluator.evaluate(net, inputRows, validation, options.loss(),
            1);
        valLoss = evaluation.meanLoss();
        valAccuracy = evaluation.accuracy();
      }
      EpochStats stats = new EpochStats(epoch, lossSum / data.size(),
          labelled ? (double) correct / data.size() : Double.NaN, valLoss, valAccuracy,
          (System.nanoTime() - start) / 1e9);
      history.add(stats);
      progress.epochEnded(stats);
      if (validation == null) {
        bestEpoch = epoch;
        continue;
      }
      if (valLoss < bestLoss) {
        bestLoss = valLoss;
        bestEpoch = epoch;
        if (options.restoreBest()) {
          bestWeights = deepCopy(net.weights);
          bestBiases = deepCopy(net.biases);
        }
      } else if (options.patience() > 0 && epoch - bestEpoch >= options.patience()) {
        stoppedEarly = epoch < options.epochs();
        break;
      }
    }
    if (validation != null && options.restoreBest() && bestWeights != null) {
      for (int l = 0; l < net.layerCount(); l++) {
        System.arraycopy(bestWeights[l], 0, net.weights[l], 0, bestWeights[l].length);
        System.arraycopy(bestBiases[l], 0, net.biases[l], 0, bestBiases[l].length);
      }
      // masks may have grown since the best epoch: pruned weights stay pruned
      optimizer.applyMasks(masks);
    } else {
      bestEpoch = history.size();
    }
    return new TrainingResult(net.toNetwork(initial), masks, history, bestEpoch, stoppedEarly);
  }

  private static float[][] deepCopy(float[][] arrays) {
    float[][] copy = new float[arrays.length][];
    for (int i = 0; i < arrays.length; i++) {
      copy[i] = arrays[i].clone();
    }
    return copy;
  }

  /**
   * Checks that {@code data} fits {@code network} and {@code loss}; what {@code train} and the
   * CLI call before any work.
   *
   * @throws IllegalArgumentException naming the mismatch
   */
  public static void checkData(Network network, Dataset data, Loss loss) {
    if (data.isEmpty()) {
      throw new IllegalArgumentException("the data set is empty");
    }
    if (network.isRecurrent()) {
      if (data.featureCount() % network.inputs() != 0) {
        throw new IllegalArgumentException("the data has " + data.featureCount()
            + " features per example, not a whole number of steps of the network's "
            + network.inputs() + " inputs per step");
      }
    } else if (data.featureCount() != network.originalInputs()) {
      throw new IllegalArgumentException("the data has " + data.featureCount()
          + " features per example, the network takes " + network.originalInputs()
          + (network.hasInputSelection() ? " input features (" + network.inputs()
              + " of them selected)" : " inputs"));
    }
    if (loss == Loss.SOFTMAX_CROSS_ENTROPY && !data.hasLabels()) {
      throw new IllegalArgumentException("cross-entropy needs class labels, the data has none");
    }
    if (data.hasLabels() && (loss == Loss.SOFTMAX_CROSS_ENTROPY || !data.hasTargets())) {
      int max = data.maxLabel();
      if (max >= network.outputs()) {
        throw new IllegalArgumentException("label " + max + " is out of range: the network has "
            + network.outputs() + " outputs (labels 0.." + (network.outputs() - 1) + ")");
      }
    }
    if (loss == Loss.MSE && data.hasTargets() && data.targetCount() != network.outputs()) {
      throw new IllegalArgumentException("the data has " + data.targetCount()
          + " targets per example, the network has " + network.outputs() + " outputs");
    }
  }
}
