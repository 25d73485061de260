package org.sparsenn.train;

/**
 * The arithmetic of {@link Loss}: the loss of a batch of network outputs and its gradient with
 * respect to the last layer's outputs (before any softmax output).
 */
final class LossFunctions {
  private LossFunctions() {}

  /**
   * Returns the summed per-example loss of {@code rows} examples and, if {@code grad} is not
   * null, writes the gradient of the batch's mean loss into it.
   *
   * @param outputs the last layer's outputs, {@code rows x width} row-major
   * @param labels the class per row (used when {@code targets} is null)
   * @param targets {@code rows x width} targets for MSE, or null to use one-hot labels
   * @param softmaxOutput whether a softmax follows the last layer (MSE then compares its
   *     probabilities)
   */
  static double lossAndGradient(Loss loss, float[] outputs, int rows, int width, int[] labels,
      float[] targets, boolean softmaxOutput, float[] grad) {
    return loss == Loss.SOFTMAX_CROSS_ENTROPY
        ? crossEntropy(outputs, rows, width, labels, grad)
        : meanSquared(outputs, rows, width, labels, targets, softmaxOutput, grad);
  }

  private static double crossEntropy(float[] z, int rows, int width, int[] labels,
      float[] grad) {
    double total = 0;
    float scale = 1f / rows;
    for (int r = 0; r < rows; r++) {
      int base = r * width;
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < width; j++) {
        max = Math.max(max, z[base + j]);
      }
      double sum = 0;
      for (int j = 0; j < width; j++) {
        sum += Math.exp(z[base + j] - max);
      }
      double logSum = Math.log(sum) + max;
      int label = labels[r];
      total += logSum - z[base + label];
      if (grad != null) {
        for (int j = 0; j < width; j++) {
          float p = (float) Math.exp(z[base + j] - logSum);
          grad[base + j] = (p - (j == label ? 1f : 0f)) * scale;
        }
      }
    }
    return total;
  }

  private static double meanSquared(float[] z, int rows, int width, int[] labels,
      float[] targets, boolean softmaxOutput, float[] grad) {
    double total = 0;
    float[] probabilities = softmaxOutput ? new float[width] : null;
    float scale = 2f / ((float) rows * width);
    for (int r = 0; r < rows; r++) {
      int base = r * width;
      if (softmaxOutput) {
        softmax(z, base, width, probabilities);
      }
      double rowLoss = 0;
      for (int j = 0; j < width; j++) {
        float out = softmaxOutput ? probabilities[j] : z[base + j];
        float target = targets != null ? targets[base + j] : (labels[r] == j ? 1f : 0f);
        float diff = out - target;
        rowLoss += (double) diff * diff;
        if (grad != null) {
          grad[base + j] = diff * scale;
        }
      }
      total += rowLoss / width;
      if (grad != null && softmaxOutput) {
        // through the softmax: dL/dz_j = p_j (g_j - sum_i g_i p_i)
        double dot = 0;
        for (int j = 0; j < width; j++) {
          dot += (double) grad[base + j] * probabilities[j];
        }
        for (int j = 0; j < width; j++) {
          grad[base + j] = (float) (probabilities[j] * (grad[base + j] - dot));
        }
      }
    }
    return total;
  }

  /** Softmax of {@code z[base .. base + width)} into {@code out}. */
  static void softmax(float[] z, int base, int width, float[] out) {
    float max = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < width; j++) {
      max = Math.max(max, z[base + j]);
    }
    double sum = 0;
    for (int j = 0; j < width; j++) {
      double e = Math.exp(z[base + j] - max);
      out[j] = (float) e;
      sum += e;
    }
    for (int j = 0; j < width; j++) {
      out[j] = (float) (out[j] / sum);
    }
  }

  /**
   * Knowledge distillation (Hinton et al. 2015): blends the gradient already in {@code grad}
   * (the hard-label loss's, for the batch mean) with that of the cross-entropy between the
   * teacher's and the student's softmax at {@code temperature}, scaled by the temperature
   * squared so its size does not depend on it: per logit,
   * {@code (1 - weight) grad + weight T (softmax(z / T) - softmax(t / T)) / rows}.
   *
   * @param teacher the teacher's logits for the same rows, {@code rows x width}
   */
  static void blendDistillation(float[] outputs, float[] teacher, int rows, int width,
      double weight, double temperature, float[] grad) {
    float[] student = new float[width];
    float[] soft = new float[width];
    float[] scaledStudent = new float[width];
    float[] scaledTeacher = new float[width];
    float hard = (float) (1 - weight);
    float soften = (float) (weight * temperature / rows);
    float inverse = (float) (1 / temperature);
    for (int r = 0; r < rows; r++) {
      int base = r * width;
      for (int j = 0; j < width; j++) {
        scaledStudent[j] = outputs[base + j] * inverse;
        scaledTeacher[j] = teacher[base + j] * inverse;
      }
      softmax(scaledStudent, 0, width, student);
      softmax(scaledTeacher, 0, width, soft);
      for (int j = 0; j < width; j++) {
        grad[base + j] = hard * grad[base + j] + soften * (student[j] - soft[j]);
      }
    }
  }
}
