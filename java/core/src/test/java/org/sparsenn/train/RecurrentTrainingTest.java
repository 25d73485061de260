package org.sparsenn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparsenn.io.data.Dataset;
import org.sparsenn.kernel.Gemm;
import org.sparsenn.model.Network;
import org.sparsenn.model.RecurrentLayer;
import org.sparsenn.model.RecurrentLayer.Cell;
import org.sparsenn.prune.Masks;
import org.sparsenn.prune.PruneResult;
import org.sparsenn.prune.Pruners;

/** Training recurrent networks through time: learning, masks, clipping, evaluation. */
class RecurrentTrainingTest {
  private static final int STEPS = 6;
  private static final int FEATURES = 2;

  /** The label is the sign of the first step's first feature: it must be carried 6 steps. */
  private static Dataset memoryTask(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[count * STEPS * FEATURES];
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      for (int j = 0; j < STEPS * FEATURES; j++) {
        x[i * STEPS * FEATURES + j] = (float) random.nextGaussian();
      }
      labels[i] = x[i * STEPS * FEATURES] > 0 ? 1 : 0;
    }
    return Dataset.classification(x, STEPS * FEATURES, labels);
  }

  private static TrainerOptions adam(int epochs) {
    return TrainerOptions.defaults().withEpochs(epochs).withBatchSize(32)
        .withOptimizer(OptimizerKind.ADAM).withLearningRate(0.02).withClipNorm(5);
  }

  @Test
  void lstmAndGruLearnToRememberTheFirstStep() {
    Dataset train = memoryTask(600, 1);
    Dataset test = memoryTask(300, 2);
    for (Cell cell : Cell.values()) {
      Network initial = Initializers.pytorchSequence(cell, FEATURES, 12, 1, 2, 3);
      double before = Evaluator.evaluate(initial, test, Loss.SOFTMAX_CROSS_ENTROPY).accuracy();
      TrainingResult result = Trainer.of(adam(15)).train(initial, train);
      double after = Evaluator.evaluate(result.network(), test, Loss.SOFTMAX_CROSS_ENTROPY)
          .accuracy();
      assertTrue(after > 0.9, cell + ": accuracy " + before + " -> " + after);
      assertTrue(result.last().trainLoss() < result.history().get(0).trainLoss(), cell + "");
    }
  }

  @Test
  void maskedTrainingKeepsPrunedRecurrentWeightsAtZero() {
    Dataset train = memoryTask(400, 4);
    Network dense = Initializers.pytorchSequence(Cell.LSTM, FEATURES, 12, 2, 2, 5);
    PruneResult pruned = Pruners.magnitude().sparsity(0.5).build().prune(dense);
    TrainingResult result = Trainer.of(adam(3)).withGemm(Gemm.java())
        .train(pruned.network(), pruned.masks(), train);
    Masks masks = pruned.masks();
    Masks after = Masks.ofNonzeros(result.network());
    for (int m = 0; m < masks.layerCount(); m++) {
      for (int i = 0; i < masks.size(m); i++) {
        if (!masks.keeps(m, i)) {
          assertTrue(!after.keeps(m, i), "matrix " + m + " weight " + i + " revived");
        }
      }
    }
    // the kept weights did train
    RecurrentLayer trained = result.network().recurrentLayers().get(1);
    RecurrentLayer start = pruned.network().recurrentLayers().get(1);
    assertTrue(!java.util.Arrays.equals(trained.recurrentWeights(), start.recurrentWeights()));
    assertEquals(start.initialHidden(0).length, trained.initialHidden(0).length);
  }

  @Test
  void clippingBoundsTheStep() {
    Dataset train = memoryTask(64, 6);
    Network initial = Initializers.pytorchSequence(Cell.GRU, FEATURES, 8, 1, 2, 7);
    TrainerOptions sgd = TrainerOptions.defaults().withEpochs(1).withBatchSize(64)
        .withMomentum(0).withLearningRate(1);
    double clipped = change(initial, Trainer.of(sgd.withClipNorm(0.01)).train(initial, train)
        .network());
    double free = change(initial, Trainer.of(sgd).train(initial, train).network());
    assertEquals(0.01, clipped, 1e-4);
    assertTrue(free > 0.05, "unclipped step " + free);
  }

  /** L2 distance between the parameters of two networks of one shape. */
  private static double change(Network a, Network b) {
    double squares = 0;
    for (int l = 0; l < a.recurrentLayers().size(); l++) {
      RecurrentLayer x = a.recurrentLayers().get(l);
      RecurrentLayer y = b.recurrentLayers().get(l);
      squares += distance(x.inputWeights(), y.inputWeights())
          + distance(x.recurrentWeights(), y.recurrentWeights())
          + distance(x.inputBias(0), y.inputBias(0))
          + distance(x.recurrentBias(0), y.recurrentBias(0));
    }
    for (int l = 0; l < a.layers().size(); l++) {
      squares += distance(a.layers().get(l).weights(), b.layers().get(l).weights())
          + distance(a.layers().get(l).bias(), b.layers().get(l).bias());
    }
    return Math.sqrt(squares);
  }

  private static double distance(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      sum += d * d;
    }
    return sum;
  }
}
