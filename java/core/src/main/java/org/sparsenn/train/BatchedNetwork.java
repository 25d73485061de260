package org.sparsenn.train;

import java.util.ArrayList;
import java.util.List;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.Gemm;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

/**
 * A network's parameters and activations laid out for batched training: the forward and
 * backward passes of up to {@code capacity} examples, each layer's products done by
 * {@link Gemm} on off-heap buffers, everything element-wise on heap arrays.
 *
 * <p>Layout (row-major, batch-major): the input and each layer's activations are
 * {@code [rows][features]}; weights are {@code [outputs][inputs]} as in {@link DenseLayer}.
 * Per layer, with {@code X} its input, {@code Z} its pre-activation and {@code dZ} the
 * gradient there: forward {@code Z = X W^T} (gemm N,T), weight gradient {@code dW = dZ^T X}
 * (gemm T,N), input gradient {@code dX = dZ W} (gemm N,N). The master weights live on the heap
 * (where the optimizer updates them with vectorised loops) and are copied off-heap once per
 * step by {@link #upload}; the weight gradients are copied back once per step. Not
 * thread-safe; close it to free the off-heap memory.
 *
 * <p>A network with recurrent layers reads each example as a sequence of
 * {@code steps = exampleWidth / inputs} steps through a {@link RecurrentFront} (back-propagation
 * through time), which hands one vector per sequence to the dense layers. The parameter arrays
 * are then indexed like {@link org.sparsenn.prune.Masks}: each recurrent layer's {@code W} and
 * {@code R} first (their biases the input and recurrent biases), then the dense layers.
 */
final class BatchedNetwork implements AutoCloseable {
  private final Gemm gemm;
  private final int capacity;
  private final int layerCount;
  /** Parameter index of dense layer 0: two per recurrent layer come first. */
  private final int offset;
  private final RecurrentFront front;
  private final int[] inputs;
  private final int[] outputs;
  private final Activation[] activations;
  private final boolean softmaxOutput;
  private final List<DenseLayer> template;

  /** Master parameters and their gradients, heap. */
  final float[][] weights;
  final float[][] biases;
  final float[][] weightGrads;
  final float[][] biasGrads;

  /** Off-heap: weights, each layer's input (index 0 the network input), and scratch. */
  private final AlignedBuffer[] weightBuffers;
  private final AlignedBuffer[] layerInputs;
  private final AlignedBuffer lastOutput;
  private final AlignedBuffer deltaBuffer;
  private final AlignedBuffer inputGradBuffer;
  private final AlignedBuffer weightGradBuffer;
  /** The gradient at the dense layers' input, handed to the recurrent front. */
  private final float[] inputGrad;

  /** Heap: per layer pre-activations and activations, and the running gradient. */
  private final float[][] preActivations;
  private final float[][] activationsOut;
  private final float[][] deltas;

  BatchedNetwork(Network network, Gemm gemm, int capacity, boolean training) {
    this(network, gemm, capacity, training, network.inputs(), 0);
  }

  /**
   * @param exampleWidth values per example: a recurrent network's input is read as
   *     {@code exampleWidth / inputs} steps (a multiple, checked by the caller)
   * @param truncation truncated BPTT: the steps the recurrent gradient flows back, 0 for all
   */
  BatchedNetwork(Network network, Gemm gemm, int capacity, boolean training, int exampleWidth,
      int truncation) {
    this.gemm = gemm;
    this.capacity = capacity;
    this.template = network.layers();
    this.layerCount = template.size();
    this.offset = 2 * network.recurrentLayers().size();
    this.softmaxOutput = network.softmaxOutput();
    inputs = new int[layerCount];
    outputs = new int[layerCount];
    activations = new Activation[layerCount];
    weights = new float[offset + layerCount][];
    biases = new float[offset + layerCount][];
    weightGrads = new float[offset + layerCount][];
    biasGrads = new float[offset + layerCount][];
    weightBuffers = new AlignedBuffer[layerCount];
    layerInputs = new AlignedBuffer[layerCount];
    preActivations = new float[layerCount][];
    activationsOut = new float[layerCount][];
    deltas = new float[layerCount][];
    int widest = 0;
    int largest = 0;
    List<AlignedBuffer> made = new ArrayList<>();
    RecurrentFront recurrent = null;
    try {
      if (network.isRecurrent()) {
        recurrent = new RecurrentFront(network.recurrentLayers(), network.sequenceOutput(), gemm,
            capacity, exampleWidth / network.inputs(), truncation, training, weights, biases,
            weightGrads, biasGrads);
      }
      for (int l = 0; l < layerCount; l++) {
        DenseLayer layer = template.get(l);
        int p = offset + l;
        inputs[l] = layer.inputs();
        outputs[l] = layer.outputs();
        activations[l] = layer.activation();
        weights[p] = layer.weights();
        biases[p] = layer.bias();
        weightBuffers[l] = track(made, AlignedBuffer.allocateFloats(weights[p].length));
        layerInputs[l] = track(made, AlignedBuffer.allocateFloats((long) capacity * inputs[l]));
        preActivations[l] = new float[capacity * outputs[l]];
        activationsOut[l] = layer.activation().kind() == Activation.Kind.IDENTITY
            ? preActivations[l] : new float[capacity * outputs[l]];
        widest = Math.max(widest, Math.max(inputs[l], outputs[l]));
        largest = Math.max(largest, weights[p].length);
        if (training) {
          weightGrads[p] = new float[weights[p].length];
          biasGrads[p] = new float[outputs[l]];
          deltas[l] = new float[capacity * outputs[l]];
        }
        upload(p);
      }
      lastOutput = track(made,
          AlignedBuffer.allocateFloats((long) capacity * outputs[layerCount - 1]));
      deltaBuffer = training ? track(made, AlignedBuffer.allocateFloats((long) capacity * widest))
          : null;
      inputGradBuffer = training
          ? track(made, AlignedBuffer.allocateFloats((long) capacity * widest)) : null;
      weightGradBuffer = training ? track(made, AlignedBuffer.allocateFloats(largest)) : null;
      inputGrad = training && recurrent != null ? new float[capacity * inputs[0]] : null;
    } catch (RuntimeException | Error e) {
      made.forEach(AlignedBuffer::close);
      if (recurrent != null) {
        recurrent.close();
      }
      throw e;
    }
    this.front = recurrent;
  }

  private static AlignedBuffer track(List<AlignedBuffer> made, AlignedBuffer buffer) {
    made.add(buffer);
    return buffer;
  }

  int capacity() {
    return capacity;
  }

  /** Parameter sets (weights with their biases): the recurrent matrices, then dense layers. */
  int layerCount() {
    return offset + layerCount;
  }

  /** Values of one example: the first layer's inputs, or a whole sequence's. */
  int inputWidth() {
    return front != null ? front.inputWidth() : inputs[0];
  }

  int outputWidth() {
    return outputs[layerCount - 1];
  }

  boolean softmaxOutput() {
    return softmaxOutput;
  }

  /** Copies parameter set {@code p}'s heap weights off-heap (after they changed). */
  void upload(int p) {
    if (p < offset) {
      front.uploadMatrix(p);
      return;
    }
    weightBuffers[p - offset].putFloats(0, weights[p]);
  }

  /**
   * Runs {@code rows} examples ({@code input} row-major, {@code rows x inputs(0)}) forward and
   * returns the last layer's outputs (before any softmax output): a heap array of which the
   * first {@code rows x outputWidth()} floats are valid, overwritten by the next call.
   */
  float[] forward(float[] input, int rows) {
    float[] first = front != null ? front.forward(input, rows) : input;
    layerInputs[0].putFloats(0, first, 0, rows * inputs[0]);
    for (int l = 0; l < layerCount; l++) {
      int in = inputs[l];
      int out = outputs[l];
      int count = rows * out;
      AlignedBuffer target = l + 1 < layerCount ? layerInputs[l + 1] : lastOutput;
      gemm.sgemm(false, true, rows, out, in, 1f, layerInputs[l], 0, in, weightBuffers[l], 0, in,
          0f, target, 0, out);
      float[] z = preActivations[l];
      target.getFloats(0, z, 0, count);
      float[] bias = biases[offset + l];
      for (int r = 0; r < rows; r++) {
        int base = r * out;
        for (int j = 0; j < out; j++) {
          z[base + j] += bias[j];
        }
      }
      ActivationMath.forward(activations[l], z, activationsOut[l], count);
      if (l + 1 < layerCount) {
        target.putFloats(0, activationsOut[l], 0, count);
      }
    }
    return activationsOut[layerCount - 1];
  }

  /**
   * Back-propagates {@code outputGrad} (the loss gradient at the last layer's outputs,
   * {@code rows x outputWidth()}) through the batch of the last {@link #forward} call, filling
   * {@link #weightGrads} and {@link #biasGrads}. {@code outputGrad} is used as scratch.
   */
  void backward(float[] outputGrad, int rows) {
    float[] delta = outputGrad;
    for (int l = layerCount - 1; l >= 0; l--) {
      int in = inputs[l];
      int out = outputs[l];
      int count = rows * out;
      ActivationMath.backward(activations[l], preActivations[l], activationsOut[l], delta, count);
      float[] biasGrad = biasGrads[offset + l];
      java.util.Arrays.fill(biasGrad, 0f);
      for (int r = 0; r < rows; r++) {
        int base = r * out;
        for (int j = 0; j < out; j++) {
          biasGrad[j] += delta[base + j];
        }
      }
      deltaBuffer.putFloats(0, delta, 0, count);
      gemm.sgemm(true, false, out, in, rows, 1f, deltaBuffer, 0, out, layerInputs[l], 0, in, 0f,
          weightGradBuffer, 0, in);
      weightGradBuffer.getFloats(0, weightGrads[offset + l], 0, out * in);
      if (l > 0 || front != null) {
        gemm.sgemm(false, false, rows, in, out, 1f, deltaBuffer, 0, out, weightBuffers[l], 0, in,
            0f, inputGradBuffer, 0, in);
        delta = l > 0 ? deltas[l - 1] : inputGrad;
        inputGradBuffer.getFloats(0, delta, 0, rows * in);
      }
    }
    if (front != null) {
      front.backward(inputGrad);
    }
  }

  /** The current parameters as an immutable network with the original's shapes. */
  Network toNetwork(Network original) {
    List<DenseLayer> layers = new ArrayList<>();
    for (int l = 0; l < layerCount; l++) {
      DenseLayer layer = template.get(l);
      layers.add(new DenseLayer(inputs[l], outputs[l], weights[offset + l], biases[offset + l],
          layer.activation()));
    }
    if (front != null) {
      return Network.sequence(front.toLayers(), original.sequenceOutput(), layers,
          original.softmaxOutput());
    }
    return original.withLayers(layers);
  }

  @Override
  public void close() {
    for (AlignedBuffer buffer : weightBuffers) {
      closeQuietly(buffer);
    }
    for (AlignedBuffer buffer : layerInputs) {
      closeQuietly(buffer);
    }
    closeQuietly(lastOutput);
    closeQuietly(deltaBuffer);
    closeQuietly(inputGradBuffer);
    closeQuietly(weightGradBuffer);
    if (front != null) {
      front.close();
    }
  }

  private static void closeQuietly(AlignedBuffer buffer) {
    if (buffer != null) {
      buffer.close();
    }
  }
}
