package org.sparsenn.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparsenn.engine.LayerMethod;
import org.sparsenn.engine.LinearOp;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.Epilogue;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

/**
 * Each layer of a network timed on its own, on the activations the benchmark's real inputs
 * give it, with the method a plan chose for it: where the whole-network time goes, for the
 * summarizer's nonzeros-per-second figures. One thread, timed with {@link System#nanoTime} in
 * a loop outside JMH (after the trial): a breakdown of the JMH figure, not a replacement.
 */
final class LayerProfile {
  private static final long NANOS_PER_LAYER = 50_000_000;

  private LayerProfile() {}

  /**
   * Median microseconds per call of each layer, over 5 spells of about
   * {@value #NANOS_PER_LAYER} ns / 5 each, cycling through {@code batches}.
   *
   * @param methods the method of each layer
   * @param batches row-major input batches of {@code batch} examples
   */
  static double[] micros(Network network, List<LayerMethod> methods, List<float[]> batches,
      int batch) {
    List<DenseLayer> layers = network.layers();
    List<LinearOp> ops = new ArrayList<>();
    List<AlignedBuffer> buffers = new ArrayList<>();
    try {
      for (int i = 0; i < layers.size(); i++) {
        DenseLayer layer = layers.get(i);
        ops.add(LinearOp.create(layer.weights(), layer.outputs(), layer.inputs(), layer.bias(),
            epilogue(layer), methods.get(i), Kernels.best(), 1, null));
      }
      // inputs.get(l).get(k): layer l's feature-major input for batch k, from the layers before
      List<List<AlignedBuffer>> inputs = new ArrayList<>();
      List<AlignedBuffer> first = new ArrayList<>();
      for (float[] rowMajor : batches) {
        first.add(track(buffers, AlignedBuffer.copyOf(featureMajor(rowMajor, batch))));
      }
      inputs.add(first);
      for (LinearOp op : ops) {
        List<AlignedBuffer> next = new ArrayList<>();
        for (AlignedBuffer x : inputs.get(inputs.size() - 1)) {
          AlignedBuffer y = track(buffers, AlignedBuffer.allocateFloats((long) op.rows() * batch));
          op.run(x, batch, y);
          next.add(y);
        }
        inputs.add(next);
      }
      double[] micros = new double[ops.size()];
      for (int l = 0; l < ops.size(); l++) {
        AlignedBuffer y = track(buffers,
            AlignedBuffer.allocateFloats((long) ops.get(l).rows() * batch));
        micros[l] = medianMicros(ops.get(l), inputs.get(l), batch, y);
      }
      return micros;
    } finally {
      ops.forEach(LinearOp::close);
      buffers.forEach(AlignedBuffer::close);
    }
  }

  private static double medianMicros(LinearOp op, List<AlignedBuffer> xs, int batch,
      AlignedBuffer y) {
    double[] spells = new double[5];
    for (int s = -1; s < spells.length; s++) { // spell -1 warms up
      long calls = 0;
      long start = System.nanoTime();
      long elapsed;
      do {
        for (AlignedBuffer x : xs) {
          op.run(x, batch, y);
        }
        calls += xs.size();
        elapsed = System.nanoTime() - start;
      } while (elapsed < NANOS_PER_LAYER / spells.length);
      if (s >= 0) {
        spells[s] = elapsed / 1000.0 / calls;
      }
    }
    Arrays.sort(spells);
    return spells[spells.length / 2];
  }

  private static AlignedBuffer track(List<AlignedBuffer> buffers, AlignedBuffer buffer) {
    buffers.add(buffer);
    return buffer;
  }

  /** The layout layers take a batch in: {@code [input][example]}. */
  private static float[] featureMajor(float[] rowMajor, int batch) {
    int width = rowMajor.length / batch;
    float[] out = new float[rowMajor.length];
    for (int b = 0; b < batch; b++) {
      for (int c = 0; c < width; c++) {
        out[c * batch + b] = rowMajor[b * width + c];
      }
    }
    return out;
  }

  /** The fused epilogue of the layer's activation, as the planner builds it. */
  private static Epilogue epilogue(DenseLayer layer) {
    return switch (layer.activation().kind()) {
      case IDENTITY -> Epilogue.IDENTITY;
      case RELU -> Epilogue.RELU;
      case LEAKY_RELU -> Epilogue.leakyRelu(layer.activation().alpha());
      case SIGMOID -> Epilogue.SIGMOID;
      case TANH -> Epilogue.TANH;
      case GELU -> Epilogue.GELU;
    };
  }
}
