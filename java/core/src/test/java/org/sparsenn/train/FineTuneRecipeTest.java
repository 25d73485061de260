package org.sparsenn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparsenn.io.data.Dataset;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.prune.Masks;
import org.sparsenn.prune.Pruners;

/** The fine-tune recipe's parts: schedule, L1 proximal step, distillation, gradual ramp. */
class FineTuneRecipeTest {
  private static Network mlp(int inputs, int hidden, int classes, long seed) {
    return Initializers.pytorchLinear(new int[] {inputs, hidden, classes}, Activation.RELU,
        Activation.IDENTITY, false, seed);
  }

  @Test
  void cosineWarmsUpLinearlyThenDecaysToZero() {
    LearningRateSchedule cosine = LearningRateSchedule.COSINE;
    assertEquals(0.25, cosine.factor(0, 100, 4), 1e-12);
    assertEquals(1.0, cosine.factor(3, 100, 4), 1e-12);
    assertEquals(1.0, cosine.factor(4, 100, 4), 1e-12);
    assertEquals(0.5, cosine.factor(52, 100, 4), 1e-12);
    assertEquals(0.0, cosine.factor(100, 100, 4), 1e-12);
    assertTrue(cosine.factor(99, 100, 4) > 0 && cosine.factor(99, 100, 4) < 0.01);
    assertEquals(1.0, LearningRateSchedule.CONSTANT.factor(99, 100, 0), 0);
    assertEquals(0.5, LearningRateSchedule.CONSTANT.factor(1, 100, 4), 1e-12);
  }

  @Test
  void l1ProximalStepMakesExactZerosAndMoreOfThemWithAStrongerPenalty() {
    Dataset data = SyntheticData.blobs(400, 10, 3, 3);
    Network initial = mlp(10, 24, 3, 4);
    double[] zeros = new double[3];
    // With Adam the step is decoupled from the gradient scale: lr * l1 per step, 100 steps.
    double[] penalties = {0, 0.05, 0.5};
    for (int i = 0; i < penalties.length; i++) {
      TrainerOptions options = TrainerOptions.defaults().withEpochs(4).withBatchSize(16)
          .withOptimizer(OptimizerKind.ADAM).withLearningRate(0.01).withL1(penalties[i]);
      Network trained = Trainer.of(options).train(initial, data).network();
      zeros[i] = Masks.ofNonzeros(trained).sparsity();
    }
    assertEquals(0, zeros[0], 1e-3, "no penalty, no zeros");
    assertTrue(zeros[1] > 0.05 && zeros[2] > zeros[1],
        "zeros at 0, 0.05, 0.5: " + java.util.Arrays.toString(zeros));
  }

  @Test
  void fullDistillationPullsTheStudentTowardTheTeacherEvenAgainstTheLabels() {
    Dataset data = SyntheticData.blobs(600, 8, 3, 5);
    Network teacher = Trainer.of(TrainerOptions.defaults().withEpochs(4).withBatchSize(16)
        .withOptimizer(OptimizerKind.ADAM).withLearningRate(0.01)).train(mlp(8, 16, 3, 6), data)
        .network();
    // Labels rotated by one class: only the teacher's soft targets can teach the right ones.
    int[] rotated = new int[data.size()];
    float[] features = new float[data.size() * data.featureCount()];
    data.copyFeatures(0, data.size(), features, 0);
    for (int i = 0; i < rotated.length; i++) {
      rotated[i] = (data.label(i) + 1) % 3;
    }
    Dataset wrong = Dataset.classification(features, data.featureCount(), rotated);
    TrainerOptions options = TrainerOptions.defaults().withEpochs(6).withBatchSize(16)
        .withOptimizer(OptimizerKind.ADAM).withLearningRate(0.01).withDistillation(1.0);
    Network student = Trainer.of(options).withTeacher(teacher).train(mlp(8, 16, 3, 7), wrong)
        .network();
    double agreement = Evaluator.evaluate(student, data, Loss.SOFTMAX_CROSS_ENTROPY).accuracy();
    assertTrue(agreement > 0.9, "student on the true labels: " + agreement);
    Network labelsOnly = Trainer.of(options.withDistillation(0)).withTeacher(teacher)
        .train(mlp(8, 16, 3, 7), wrong).network();
    assertTrue(Evaluator.evaluate(labelsOnly, data, Loss.SOFTMAX_CROSS_ENTROPY).accuracy() < 0.2,
        "weight 0 ignores the teacher");
  }

  @Test
  void gradualReachesTheTargetWithinTheRampAndKeepsAccuracy() {
    Dataset data = SyntheticData.blobs(800, 12, 4, 8);
    Network dense = Trainer.of(TrainerOptions.defaults().withEpochs(4).withBatchSize(32)
        .withOptimizer(OptimizerKind.ADAM).withLearningRate(0.01)).train(mlp(12, 32, 4, 9), data)
        .network();
    FineTuneRecipe recipe = FineTuneRecipe.defaults(3).withOptions(
        FineTuneRecipe.defaults(3).options().withBatchSize(32));
    for (double end : new double[] {0.5, 1.0}) {
      TrainingResult result = recipe.withRamp(0.1, end).gradual(dense,
          s -> Pruners.magnitude().global().sparsity(s).build(), 0.8, data,
          new TrainingListener() {});
      long weights = 0;
      long nonzeros = 0;
      for (DenseLayer layer : result.network().layers()) {
        weights += (long) layer.inputs() * layer.outputs();
        nonzeros += layer.nonzeroWeights();
      }
      assertEquals(0.8, 1 - (double) nonzeros / weights, 0.01, "ramp end " + end);
      assertTrue(Evaluator.evaluate(result.network(), data, Loss.SOFTMAX_CROSS_ENTROPY)
          .accuracy() > 0.95, "ramp end " + end);
    }
  }

  @Test
  void theSmallSampleRecipeKeepsItsOwnBatchAndRateWhateverTheFullDataDefaults() {
    // The sweep's built-in sample was tuned on its own; the full-data default must not leak in.
    assertEquals(0.5, FineTuneRecipe.smallSample(8).pruneEnd());
    assertEquals(0.4, FineTuneRecipe.defaults(8).pruneEnd());
    TrainerOptions small = FineTuneRecipe.smallSample(8).options();
    assertEquals(64, small.batchSize());
    assertEquals(1e-3, small.learningRate());
    assertEquals(0, small.l1());
    assertEquals(0.5, small.distillation());
    TrainerOptions full = FineTuneRecipe.defaults(8).options();
    assertEquals(16, full.batchSize());
    assertEquals(2e-3, full.learningRate());
    assertEquals(8, full.epochs());
  }

  @Test
  void badSettingsAreNamed() {
    TrainerOptions o = TrainerOptions.defaults();
    assertThrows(IllegalArgumentException.class, () -> o.withWarmup(1));
    assertThrows(IllegalArgumentException.class, () -> o.withL1(-1));
    assertThrows(IllegalArgumentException.class, () -> o.withDistillation(1.5));
    assertThrows(IllegalArgumentException.class, () -> o.withTemperature(0.5));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FineTuneRecipe.defaults(2).withRamp(0.6, 0.5));
    assertTrue(e.getMessage().contains("0.6"), e.getMessage());
    IllegalArgumentException loss = assertThrows(IllegalArgumentException.class,
        () -> Trainer.of(o.withLoss(Loss.MSE).withDistillation(0.5))
            .withTeacher(mlp(4, 3, 2, 1)).train(mlp(4, 3, 2, 1),
                SyntheticData.blobs(20, 4, 2, 1)));
    assertTrue(loss.getMessage().contains("distillation"), loss.getMessage());
  }
}
