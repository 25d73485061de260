package org.sparsenn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparsenn.io.data.Dataset;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

class EvaluatorTest {
  /** One identity layer: the outputs are the inputs. */
  private static Network identity(int n, boolean softmax) {
    float[] w = new float[n * n];
    for (int i = 0; i < n; i++) {
      w[i * n + i] = 1;
    }
    return new Network(List.of(new DenseLayer(n, n, w, null, Activation.IDENTITY)), softmax);
  }

  @Test
  void accuracyTopKLossAndMseOnKnownOutputs() {
    float[][] outputs = {{3, 2, 1}, {1, 3, 2}, {1, 2, 3}, {0, 1, 5}};
    int[] labels = {0, 2, 1, 0};
    Dataset data = Dataset.classification(outputs, labels);
    Evaluation e = Evaluator.evaluate(identity(3, false), data, Loss.SOFTMAX_CROSS_ENTROPY, 2);
    assertEquals(4, e.count());
    assertEquals(0.25, e.accuracy(), 1e-12);
    assertEquals(0.75, e.topKAccuracy(), 1e-12);
    double expectedLoss = 0;
    for (int r = 0; r < 4; r++) {
      double sum = 0;
      for (float v : outputs[r]) {
        sum += Math.exp(v);
      }
      expectedLoss += Math.log(sum) - outputs[r][labels[r]];
    }
    assertEquals(expectedLoss / 4, e.meanLoss(), 1e-6);
    double squares = 0;
    for (int r = 0; r < 4; r++) {
      for (int j = 0; j < 3; j++) {
        double d = outputs[r][j] - (labels[r] == j ? 1 : 0);
        squares += d * d;
      }
    }
    assertEquals(squares / 12, e.meanSquaredError(), 1e-6);
    Evaluation mse = Evaluator.evaluate(identity(3, false), data, Loss.MSE, 1);
    assertEquals(squares / 12, mse.meanLoss(), 1e-6);
    assertEquals(0.25, mse.topKAccuracy(), 1e-12);
  }

  @Test
  void manyBatchesGiveTheSameFiguresAsOne() {
    Dataset data = SyntheticData.blobs(Evaluator.BATCH * 2 + 7, 5, 5, 1);
    Evaluation e = Evaluator.evaluate(identity(5, true), data, Loss.SOFTMAX_CROSS_ENTROPY);
    int correct = 0;
    for (int i = 0; i < data.size(); i++) {
      if (Metrics.argmax(data.features(i), 0, 5) == data.label(i)) {
        correct++;
      }
    }
    assertEquals((double) correct / data.size(), e.accuracy(), 1e-12);
    assertEquals(1.0, e.topKAccuracy(), 1e-12);
  }

  @Test
  void metricsHelpers() {
    assertEquals(2.0 / 3, Metrics.accuracy(new int[] {1, 2, 3}, new int[] {1, 2, 0}), 1e-12);
    assertEquals(2.5, Metrics.meanSquaredError(new float[] {1, 2}, new float[] {2, 4}), 1e-12);
    assertEquals(1, Metrics.argmax(new float[] {0, 5, 5}, 0, 3));
    assertThrows(IllegalArgumentException.class, () -> Metrics.accuracy(new int[0], new int[0]));
    assertThrows(IllegalArgumentException.class,
        () -> Metrics.countInTopK(new float[1], 1, 1, new int[1], 0));
  }

  @Test
  void crossValidationOfSeparableDataIsAccurate() {
    Dataset data = SyntheticData.blobs(300, 6, 3, 2);
    TrainerOptions options = TrainerOptions.defaults().withEpochs(4).withBatchSize(16)
        .withLearningRate(0.05);
    CrossValidation.Result result = CrossValidation.run(data, 3, 7,
        fold -> Trainer.of(options).train(Initializers.pytorchLinear(new int[] {6, 12, 3},
            Activation.RELU, Activation.IDENTITY, false, 1), fold).network(),
        Loss.SOFTMAX_CROSS_ENTROPY);
    assertEquals(3, result.folds().size());
    assertEquals(300, result.folds().stream().mapToInt(Evaluation::count).sum());
    assertTrue(result.meanAccuracy() > 0.95, result.toString());
  }

  @Test
  void initializerMatchesPytorchBoundsAndIsSeeded() {
    Network a = Initializers.pytorchLinear(new int[] {100, 30, 4}, Activation.RELU,
        Activation.IDENTITY, true, 3);
    Network b = Initializers.pytorchLinear(new int[] {100, 30, 4}, Activation.RELU,
        Activation.IDENTITY, true, 3);
    assertEquals(Activation.RELU, a.layers().get(0).activation());
    assertEquals(Activation.IDENTITY, a.layers().get(1).activation());
    assertTrue(a.softmaxOutput());
    for (int l = 0; l < 2; l++) {
      DenseLayer layer = a.layers().get(l);
      double bound = 1 / Math.sqrt(layer.inputs());
      float max = 0;
      for (float w : layer.weights()) {
        assertTrue(Math.abs(w) <= bound);
        max = Math.max(max, Math.abs(w));
      }
      for (float v : layer.bias()) {
        assertTrue(Math.abs(v) <= bound);
      }
      assertTrue(max > 0.9 * bound, "weights should fill the range");
      assertEquals(java.util.Arrays.toString(layer.weights()),
          java.util.Arrays.toString(b.layers().get(l).weights()));
    }
    assertThrows(IllegalArgumentException.class, () -> Initializers.pytorchLinear(
        new int[] {3}, Activation.RELU, Activation.IDENTITY, false, 0));
    assertThrows(IllegalArgumentException.class, () -> Initializers.pytorchLinear(0, 2,
        Activation.RELU, new SplittableRandom(1)));
  }
}
