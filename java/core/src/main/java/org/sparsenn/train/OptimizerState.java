package org.sparsenn.train;

import org.sparsenn.prune.Masks;

/**
 * The optimizer's per-parameter state and its update, for every layer's weights and biases,
 * with the masks applied: a pruned weight's gradient is dropped before the update and the
 * weight is multiplied by 0 after it, so it stays exactly 0 and so does its state.
 */
final class OptimizerState {
  private final TrainerOptions options;
  private final BatchedNetwork net;
  /** Per layer: 1 where the weight is kept, 0 where pruned; null when all are kept. */
  private final float[][] keep;
  /** SGD velocity or Adam first moment; Adam second moment (null for SGD). */
  private final float[][] weightMoment;
  private final float[][] weightSecond;
  private final float[][] biasMoment;
  private final float[][] biasSecond;
  private long steps;

  OptimizerState(TrainerOptions options, BatchedNetwork net) {
    this.options = options;
    this.net = net;
    int layers = net.layerCount();
    keep = new float[layers][];
    weightMoment = new float[layers][];
    biasMoment = new float[layers][];
    boolean adam = options.optimizer() == OptimizerKind.ADAM;
    weightSecond = adam ? new float[layers][] : null;
    biasSecond = adam ? new float[layers][] : null;
    for (int l = 0; l < layers; l++) {
      weightMoment[l] = new float[net.weights[l].length];
      biasMoment[l] = new float[net.biases[l].length];
      if (adam) {
        weightSecond[l] = new float[net.weights[l].length];
        biasSecond[l] = new float[net.biases[l].length];
      }
    }
  }

  /**
   * Puts {@code masks} in force: zeroes the weights they prune (heap and off-heap) and those
   * weights' optimizer state.
   */
  void applyMasks(Masks masks) {
    for (int l = 0; l < keep.length; l++) {
      boolean[] flags = masks.keepFlags(l);
      boolean all = true;
      for (boolean flag : flags) {
        all &= flag;
      }
      if (all) {
        keep[l] = null;
        continue;
      }
      float[] k = new float[flags.length];
      for (int i = 0; i < flags.length; i++) {
        k[i] = flags[i] ? 1f : 0f;
      }
      keep[l] = k;
      // assignments, not products: -0.0f * 0 would leave a negative zero behind
      for (int i = 0; i < flags.length; i++) {
        if (!flags[i]) {
          net.weights[l][i] = 0f;
          weightMoment[l][i] = 0f;
          if (weightSecond != null) {
            weightSecond[l][i] = 0f;
          }
        }
      }
      net.upload(l);
    }
  }

  private static void multiply(float[] values, float[] factors) {
    for (int i = 0; i < values.length; i++) {
      values[i] *= factors[i];
    }
  }

  /**
   * One update of every parameter from the gradients in {@code net} at {@code lrFactor} times
   * the learning rate (the masked gradients clipped to {@link TrainerOptions#clipNorm()} first
   * when it is set), then the L1 proximal step on the weights; uploads the weights.
   */
  void step(double lrFactor) {
    steps++;
    float lr = (float) (options.learningRate() * lrFactor);
    float decay = (float) options.weightDecay();
    float shrink = (float) (options.learningRate() * lrFactor * options.l1());
    for (int l = 0; l < keep.length; l++) {
      if (keep[l] != null) {
        multiply(net.weightGrads[l], keep[l]);
      }
    }
    if (options.clipNorm() > 0) {
      clip((float) options.clipNorm());
    }
    for (int l = 0; l < keep.length; l++) {
      float[] w = net.weights[l];
      float[] g = net.weightGrads[l];
      update(w, g, weightMoment[l], weightSecond == null ? null : weightSecond[l], lr, decay);
      if (shrink > 0f) {
        softThreshold(w, shrink);
      }
      if (keep[l] != null) {
        multiply(w, keep[l]);
      }
      update(net.biases[l], net.biasGrads[l], biasMoment[l],
          biasSecond == null ? null : biasSecond[l], lr, decay);
      net.upload(l);
    }
  }

  /** Scales every gradient down so that their joint L2 norm is at most {@code maxNorm}. */
  private void clip(float maxNorm) {
    double squares = 0;
    for (int l = 0; l < keep.length; l++) {
      for (float g : net.weightGrads[l]) {
        squares += (double) g * g;
      }
      for (float g : net.biasGrads[l]) {
        squares += (double) g * g;
      }
    }
    double norm = Math.sqrt(squares);
    if (!(norm > maxNorm)) {
      return;
    }
    float scale = (float) (maxNorm / norm);
    for (int l = 0; l < keep.length; l++) {
      scaleInPlace(net.weightGrads[l], scale);
      scaleInPlace(net.biasGrads[l], scale);
    }
  }

  private static void scaleInPlace(float[] values, float scale) {
    for (int i = 0; i < values.length; i++) {
      values[i] *= scale;
    }
  }

  /**
   * The proximal step of {@code shrink * |w|}: moves every weight {@code shrink} toward zero,
   * stopping at zero, so the penalty makes exact zeros that magnitude pruning then removes
   * for free (a subgradient step would only make them oscillate around zero).
   */
  private static void softThreshold(float[] w, float shrink) {
    for (int i = 0; i < w.length; i++) {
      float v = w[i];
      w[i] = v > shrink ? v - shrink : v < -shrink ? v + shrink : 0f;
    }
  }

  private void update(float[] w, float[] g, float[] m, float[] v, float lr, float decay) {
    int n = w.length;
    if (decay != 0f) {
      for (int i = 0; i < n; i++) {
        g[i] += decay * w[i];
      }
    }
    if (v == null) {
      float momentum = (float) options.momentum();
      for (int i = 0; i < n; i++) {
        float velocity = momentum * m[i] + g[i];
        m[i] = velocity;
        w[i] -= lr * velocity;
      }
      return;
    }
    float b1 = (float) options.beta1();
    float b2 = (float) options.beta2();
    float eps = (float) options.epsilon();
    double correction1 = 1 - Math.pow(options.beta1(), steps);
    float stepSize = (float) (lr / correction1);
    float invSqrtCorrection2 = (float) (1 / Math.sqrt(1 - Math.pow(options.beta2(), steps)));
    for (int i = 0; i < n; i++) {
      float gi = g[i];
      float mi = b1 * m[i] + (1 - b1) * gi;
      float vi = b2 * v[i] + (1 - b2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      w[i] -= stepSize * mi / ((float) Math.sqrt(vi) * invSqrtCorrection2 + eps);
    }
  }
}
