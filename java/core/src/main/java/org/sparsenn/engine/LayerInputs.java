package org.sparsenn.engine;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.Epilogue;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

/**
 * What each layer of a network sees when it runs on the calibration inputs of
 * {@link SessionOptions.Builder#calibrationInputs}: the inputs propagated through the layers
 * (fp32, row by row, the model's activations), so that the planner prices and times every
 * layer on its real input distribution, where a ReLU network's hidden inputs are mostly zeros.
 */
final class LayerInputs {
  // Planning uses at most this many samples: enough for the zero fractions and the timings,
  // and the propagation stays a fraction of a second on a large model.
  static final int MAX_PLANNING_ROWS = 64;

  private final List<float[][]> inputs;

  private LayerInputs(List<float[][]> inputs) {
    this.inputs = inputs;
  }

  /**
   * Propagates the first {@link #MAX_PLANNING_ROWS} of {@code rows} (full-width samples, as a
   * session takes them) through {@code network}.
   *
   * @throws IllegalArgumentException if a row's width is not the network's original input
   *     count
   */
  static LayerInputs propagate(Network network, float[][] rows) {
    List<DenseLayer> layers = network.layers();
    int width = network.originalInputs();
    int count = Math.min(rows.length, MAX_PLANNING_ROWS);
    float[][] current = new float[count][];
    for (int s = 0; s < count; s++) {
      if (rows[s].length != width) {
        throw new IllegalArgumentException("calibration input " + s + " has " + rows[s].length
            + " features, the model takes " + width);
      }
      // a model whose input features were pruned reads the kept ones, as a session does
      current[s] = network.hasInputSelection() ? network.selectInputs(rows[s]) : rows[s];
    }
    List<float[][]> inputs = new ArrayList<>();
    for (DenseLayer layer : layers) {
      inputs.add(current);
      current = forward(layer, current);
    }
    return new LayerInputs(inputs);
  }

  private static float[][] forward(DenseLayer layer, float[][] x) {
    FloatBuffer w = layer.weightView();
    float[] bias = layer.bias();
    Epilogue epilogue = Planner.epilogueOf(layer.activation());
    int rows = layer.outputs();
    int cols = layer.inputs();
    float[][] y = new float[x.length][rows];
    for (int s = 0; s < x.length; s++) {
      for (int r = 0; r < rows; r++) {
        float sum = 0f;
        int base = r * cols;
        for (int c = 0; c < cols; c++) {
          sum += w.get(base + c) * x[s][c];
        }
        y[s][r] = epilogue.apply(bias == null ? sum : sum + bias[r]);
      }
    }
    return y;
  }

  /**
   * The fraction of layer {@code layer}'s input features that a kernel skipping zero inputs
   * skips at {@code batch}: those exactly zero in every sample of a batch, over consecutive
   * batches of the samples (one batch of all of them when there are fewer).
   */
  double skippedFraction(int layer, int batch) {
    float[][] x = inputs.get(layer);
    int cols = x[0].length;
    if (cols == 0) {
      return 0;
    }
    int group = Math.min(batch, x.length);
    long skipped = 0;
    long total = 0;
    for (int s0 = 0; s0 + group <= x.length; s0 += group) {
      for (int c = 0; c < cols; c++) {
        boolean zero = true;
        for (int s = s0; s < s0 + group && zero; s++) {
          zero = x[s][c] == 0f;
        }
        skipped += zero ? 1 : 0;
      }
      total += cols;
    }
    return (double) skipped / total;
  }

  /**
   * Layer {@code layer}'s inputs as feature-major batches of {@code batch} samples (the
   * kernels' layout), at most {@code max} of them, cycling through the samples when there
   * are fewer than a batch; the caller closes the buffers.
   */
  List<AlignedBuffer> batches(int layer, int batch, int max) {
    float[][] x = inputs.get(layer);
    int cols = x[0].length;
    int count = Math.max(1, Math.min(max, x.length / batch));
    List<AlignedBuffer> buffers = new ArrayList<>();
    try {
      for (int g = 0; g < count; g++) {
        float[] data = new float[cols * batch];
        for (int b = 0; b < batch; b++) {
          float[] sample = x[(g * batch + b) % x.length];
          for (int c = 0; c < cols; c++) {
            data[c * batch + b] = sample[c];
          }
        }
        buffers.add(AlignedBuffer.copyOf(data));
      }
      return buffers;
    } catch (RuntimeException | Error e) {
      buffers.forEach(AlignedBuffer::close);
      throw e;
    }
  }
}
