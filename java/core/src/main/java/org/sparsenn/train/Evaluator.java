package org.sparsenn.train;

import java.util.Objects;
import org.sparsenn.io.data.Dataset;
import org.sparsenn.kernel.Gemm;
import org.sparsenn.model.Network;

/**
 * Evaluates a network on a data set in batches (the same batched forward pass as training,
 * on {@link Gemm#best()}): mean loss, accuracy, top-k accuracy and MSE.
 */
public final class Evaluator {
  /** Examples per forward pass. */
  static final int BATCH = 256;

  private Evaluator() {}

  /**
   * Evaluates with top-5 accuracy (top-k with k the output count when there are fewer).
   *
   * @throws IllegalArgumentException if the data does not fit the network (see
   *     {@link Trainer#checkData})
   */
  public static Evaluation evaluate(Network network, Dataset data, Loss loss) {
    return evaluate(network, data, loss, 5);
  }

  /**
   * Evaluates, with top-{@code k} accuracy.
   *
   * @throws IllegalArgumentException if {@code k < 1} or the data does not fit the network
   *     (see {@link Trainer#checkData})
   * @throws NullPointerException if an argument is null
   */
  public static Evaluation evaluate(Network network, Dataset data, Loss loss, int k) {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(loss, "loss");
    if (k < 1) {
      throw new IllegalArgumentException("top-k needs k >= 1, got " + k);
    }
    Trainer.checkData(network, data, loss);
    try (BatchedNetwork net = new BatchedNetwork(network, Gemm.best(),
        Math.min(BATCH, data.size()), false, data.featureCount(), 0)) {
      return evaluate(net, new InputRows(network, data.featureCount()), data, loss, k);
    }
  }

  /** Evaluates the current parameters of {@code net} (validation during training). */
  static Evaluation evaluate(BatchedNetwork net, InputRows inputRows, Dataset data, Loss loss,
      int k) {
    int capacity = net.capacity();
    int width = net.outputWidth();
    int topK = Math.min(k, width);
    boolean labelled = data.hasLabels();
    boolean targets = data.hasTargets();
    float[] input = new float[capacity * net.inputWidth()];
    int[] labels = new int[capacity];
    float[] target = new float[capacity * width];
    float[] probabilities = new float[width];
    double lossSum = 0;
    double squares = 0;
    long correct = 0;
    long inTopK = 0;
    for (int from = 0; from < data.size(); from += capacity) {
      int rows = Math.min(capacity, data.size() - from);
      inputRows.copyRange(data, from, rows, input);
      if (labelled) {
        data.copyLabels(from, from + rows, labels, 0);
      }
      if (targets) {
        data.copyTargets(from, from + rows, target, 0);
      }
      float[] out = net.forward(input, rows);
      lossSum += LossFunctions.lossAndGradient(loss, out, rows, width, labels,
          targets ? target : null, net.softmaxOutput(), null);
      if (labelled) {
        correct += Metrics.countCorrect(out, rows, width, labels);
        inTopK += Metrics.countInTopK(out, rows, width, labels, topK);
      }
      for (int r = 0; r < rows; r++) {
        int base = r * width;
        if (net.softmaxOutput()) {
          LossFunctions.softmax(out, base, width, probabilities);
        } else {
          System.arraycopy(out, base, probabilities, 0, width);
        }
        for (int j = 0; j < width; j++) {
          float t = targets ? target[base + j] : (labelled && labels[r] == j ? 1f : 0f);
          double d = (double) probabilities[j] - t;
          squares += d * d;
        }
      }
    }
    int n = data.size();
    return new Evaluation(n, lossSum / n, labelled ? (double) correct / n : Double.NaN, topK,
        labelled ? (double) inTopK / n : Double.NaN, squares / ((double) n * width));
  }
}
