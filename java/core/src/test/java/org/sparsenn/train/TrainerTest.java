package org.sparsenn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparsenn.io.data.Dataset;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.prune.GradualPruning;
import org.sparsenn.prune.Masks;
import org.sparsenn.prune.Scope;
import org.sparsenn.prune.SparsitySchedule;

class TrainerTest {
  private static Network mlp(int inputs, int hidden, int classes, long seed) {
    return Initializers.pytorchLinear(new int[] {inputs, hidden, classes}, Activation.RELU,
        Activation.IDENTITY, false, seed);
  }

  @Test
  void smallMlpLearnsSeparableBlobsQuickly() {
    Dataset data = SyntheticData.blobs(1200, 12, 4, 1);
    Dataset.Split split = data.split(0.25);
    for (OptimizerKind kind : OptimizerKind.values()) {
      TrainerOptions options = TrainerOptions.defaults().withEpochs(5).withBatchSize(32)
          .withOptimizer(kind).withLearningRate(kind == OptimizerKind.ADAM ? 0.01 : 0.05);
      long start = System.nanoTime();
      TrainingResult result = Trainer.of(options).train(mlp(12, 32, 4, 2), split.first());
      assertTrue(System.nanoTime() - start < 5_000_000_000L, "took too long");
      Evaluation test = Evaluator.evaluate(result.network(), split.second(),
          Loss.SOFTMAX_CROSS_ENTROPY);
      assertTrue(test.accuracy() > 0.97, kind + ": " + test);
      assertEquals(5, result.history().size());
      assertTrue(result.last().trainLoss() < result.history().get(0).trainLoss(), kind + "");
    }
  }

  @Test
  void prunedWeightsStayExactlyZeroAndKeptOnesTrain() {
    Dataset data = SyntheticData.blobs(400, 10, 3, 3);
    Network initial = mlp(10, 16, 3, 4);
    Masks masks = randomMasks(initial, 0.7, 5);
    for (OptimizerKind kind : OptimizerKind.values()) {
      TrainerOptions options = TrainerOptions.defaults().withEpochs(3).withOptimizer(kind)
          .withWeightDecay(1e-3).withBatchSize(16);
      TrainingResult result = Trainer.of(options).train(initial, masks, data);
      for (int l = 0; l < masks.layerCount(); l++) {
        DenseLayer before = initial.layers().get(l);
        DenseLayer after = result.network().layers().get(l);
        for (int i = 0; i < masks.size(l); i++) {
          float w = after.weightView().get(i);
          if (!masks.keeps(l, i)) {
            assertEquals(0, Float.floatToRawIntBits(w), kind + " layer " + l + " weight " + i);
          } else {
            assertNotEquals(before.weightView().get(i), w, kind + " layer " + l + " " + i);
          }
        }
      }
      assertEquals(masks.sparsity(), result.masks().sparsity());
    }
  }

  @Test
  void sameSeedGivesBitIdenticalNetworksAndOtherSeedsDiffer() {
    Dataset data = SyntheticData.blobs(300, 8, 3, 6);
    TrainerOptions options = TrainerOptions.defaults().withEpochs(2).withBatchSize(20)
        .withOptimizer(OptimizerKind.ADAM).withValidationFraction(0.2).withSeed(11);
    Network a = Trainer.of(options).train(mlp(8, 10, 3, 7), data).network();
    Network b = Trainer.of(options).train(mlp(8, 10, 3, 7), data).network();
    Network c = Trainer.of(options.withSeed(12)).train(mlp(8, 10, 3, 7), data).network();
    for (int l = 0; l < 2; l++) {
      assertArrayEquals(a.layers().get(l).weights(), b.layers().get(l).weights());
      assertArrayEquals(a.layers().get(l).bias(), b.layers().get(l).bias());
    }
    assertNotEquals(java.util.Arrays.toString(a.layers().get(0).weights()),
        java.util.Arrays.toString(c.layers().get(0).weights()));
  }

  @Test
  void earlyStoppingRestoresTheBestEpoch() {
    // Pure noise with a wide network: the validation loss rises after the first epochs.
    Dataset data = SyntheticData.noise(300, 20, 3, 8);
    TrainerOptions options = TrainerOptions.defaults().withEpochs(60).withBatchSize(16)
        .withOptimizer(OptimizerKind.ADAM).withLearningRate(0.01).withValidationFraction(0.3)
        .withPatience(3).withSeed(5);
    TrainingResult result = Trainer.of(options).train(mlp(20, 64, 3, 9), data);
    assertTrue(result.stoppedEarly(), result.history().toString());
    assertEquals(result.bestEpoch() + 3, result.history().size());
    double best = result.history().get(result.bestEpoch() - 1).validationLoss();
    for (EpochStats s : result.history()) {
      assertTrue(s.validationLoss() >= best);
    }
    Dataset validation = data.shuffled(options.seed() ^ Trainer.VALIDATION_SALT)
        .split(options.validationFraction()).second();
    double restored = Evaluator.evaluate(result.network(), validation,
        Loss.SOFTMAX_CROSS_ENTROPY).meanLoss();
    assertEquals(best, restored, 1e-5 * best);
    TrainingResult last = Trainer.of(options.withRestoreBest(false)).train(mlp(20, 64, 3, 9),
        data);
    assertEquals(last.history().size(), last.bestEpoch());
  }

  @Test
  void stepListenerMasksTakeEffectAtOnce() {
    Dataset data = SyntheticData.blobs(200, 6, 2, 10);
    Network initial = mlp(6, 8, 2, 11);
    Masks half = randomMasks(initial, 0.5, 12);
    List<Long> steps = new ArrayList<>();
    Trainer trainer = Trainer.of(TrainerOptions.defaults().withEpochs(2).withBatchSize(10))
        .withStepListener(7, (step, current, masks) -> {
          steps.add(step);
          if (step == 13) {
            return masks.and(half);
          }
          if (step > 13) {
            // after pruning, the current network's pruned weights are zero
            for (int l = 0; l < half.layerCount(); l++) {
              for (int i = 0; i < half.size(l); i++) {
                if (!half.keeps(l, i)) {
                  assertEquals(0f, current.layers().get(l).weightView().get(i));
                }
              }
            }
          }
          return masks;
        });
    TrainingResult result = trainer.train(initial, data);
    // 40 steps (2 epochs of 20 batches), every 7th: the 0-based indices 6, 13, ...
    assertEquals(List.of(6L, 13L, 20L, 27L, 34L), steps);
    assertEquals(half.sparsity(), result.masks().sparsity(), 1e-12);
    assertEquals(half.sparsity(), Masks.ofNonzeros(result.network()).sparsity(), 1e-12);
  }

  @Test
  void gradualPruningRunsAsAStepListener() {
    Dataset data = SyntheticData.blobs(400, 10, 3, 16);
    GradualPruning pruning = GradualPruning.magnitude(
        SparsitySchedule.cubic(0, 0.8, 0, 4, 10), Scope.GLOBAL);
    TrainingResult result = Trainer.of(TrainerOptions.defaults().withEpochs(4)
            .withBatchSize(20).withLearningRate(0.05))
        .withStepListener(1, pruning::update).train(mlp(10, 24, 3, 17), data);
    assertEquals(0.8, result.masks().sparsity(), 0.01);
    assertEquals(result.masks().sparsity(), Masks.ofNonzeros(result.network()).sparsity(),
        1e-12);
    assertTrue(result.last().trainAccuracy() > 0.95, result.last().toString());
  }

  @Test
  void networkWithInputSelectionTrainsOnFullWidthData() {
    // features 0, 1 and 2 carry the classes; the selection keeps them and drops the rest
    Dataset data = SyntheticData.blobs(600, 8, 3, 18);
    Network selected = Initializers.pytorchLinear(new int[] {3, 12, 3}, Activation.RELU,
        Activation.IDENTITY, false, 19).withInputSelection(8, new int[] {0, 1, 2});
    TrainingResult result = Trainer.of(TrainerOptions.defaults().withEpochs(5)
        .withBatchSize(16).withLearningRate(0.05).withValidationFraction(0.2))
        .train(selected, data);
    assertTrue(result.network().hasInputSelection());
    assertEquals(8, result.network().originalInputs());
    assertTrue(Evaluator.evaluate(result.network(), data, Loss.SOFTMAX_CROSS_ENTROPY)
        .accuracy() > 0.95);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.of(TrainerOptions.defaults()).train(selected,
            SyntheticData.blobs(10, 3, 3, 1)));
    assertTrue(e.getMessage().contains("takes 8 input features"), e.getMessage());
  }

  @Test
  void mseFitsALinearMap() {
    SplittableRandom random = new SplittableRandom(13);
    int n = 400;
    float[] x = new float[n * 3];
    float[] y = new float[n * 2];
    for (int i = 0; i < n; i++) {
      for (int f = 0; f < 3; f++) {
        x[i * 3 + f] = (float) random.nextDouble(-1, 1);
      }
      y[i * 2] = x[i * 3] - 2 * x[i * 3 + 1];
      y[i * 2 + 1] = 0.5f * x[i * 3 + 2] + 1;
    }
    Dataset data = Dataset.regression(x, 3, y, 2);
    Network linear = Initializers.pytorchLinear(new int[] {3, 2}, Activation.IDENTITY,
        Activation.IDENTITY, false, 14);
    TrainingResult result = Trainer.of(TrainerOptions.defaults().withLoss(Loss.MSE)
        .withEpochs(30).withBatchSize(16).withLearningRate(0.05)).train(linear, data);
    assertTrue(result.last().trainLoss() < 1e-4, result.last().toString());
    assertTrue(Double.isNaN(result.last().trainAccuracy()));
    assertEquals(-2f, result.network().layers().get(0).weight(0, 1), 1e-2);
  }

  @Test
  void dataThatDoesNotFitIsRejectedBeforeTraining() {
    Network net = mlp(4, 5, 3, 15);
    Trainer trainer = Trainer.of(TrainerOptions.defaults());
    assertMessage(() -> trainer.train(net, SyntheticData.blobs(10, 5, 3, 1)), "5 features");
    assertMessage(() -> trainer.train(net, SyntheticData.blobs(10, 4, 4, 1)),
        "label 3 is out of range");
    assertMessage(() -> trainer.train(net, Dataset.classification(new float[0], 4,
        new int[0])), "empty");
    assertMessage(() -> trainer.train(net, Dataset.regression(new float[4], 4, new float[3],
        3)), "cross-entropy needs class labels");
    assertMessage(() -> TrainerOptions.defaults().withPatience(2), "needs a validation");
    assertMessage(() -> trainer.train(net, randomMasks(mlp(4, 6, 3, 1), 0.5, 1),
        SyntheticData.blobs(10, 4, 3, 1)), "masks have layer sizes");
  }

  private static void assertMessage(Runnable action, String phrase) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
    assertTrue(e.getMessage().contains(phrase), e.getMessage());
  }

  /** Masks pruning about {@code fraction} of each layer's weights at random. */
  static Masks randomMasks(Network network, double fraction, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<boolean[]> keep = new ArrayList<>();
    for (DenseLayer layer : network.layers()) {
      boolean[] flags = new boolean[layer.inputs() * layer.outputs()];
      for (int i = 0; i < flags.length; i++) {
        flags[i] = random.nextDouble() >= fraction;
      }
      keep.add(flags);
    }
    return Masks.of(network, keep);
  }
}
