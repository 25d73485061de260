package org.sparsenn.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.model.RecurrentLayer;
import org.sparsenn.model.SequenceOutput;

/**
 * Starting weights for training from scratch. {@link #pytorchLinear} is what
 * {@code torch.nn.Linear} does by default: Kaiming-uniform with {@code a = sqrt(5)} for the
 * weights, which comes to {@code U(-1/sqrt(in), 1/sqrt(in))}, and the same range for the bias.
 * Same seed, same weights (the values differ from PyTorch's own generator, the distribution
 * does not).
 */
public final class Initializers {
  private Initializers() {}

  /**
   * A network of the given layer sizes with PyTorch's default initialisation.
   *
   * @param sizes the input count then each layer's output count, e.g. {@code 784, 300, 100, 10}
   * @param hidden the activation after every layer but the last
   * @param output the activation after the last layer (identity for logits)
   * @param softmaxOutput whether a softmax follows the last layer
   * @param seed fixes the weights
   * @throws IllegalArgumentException if there are fewer than two sizes or one is below 1
   * @throws NullPointerException if an activation is null
   */
  public static Network pytorchLinear(int[] sizes, Activation hidden, Activation output,
      boolean softmaxOutput, long seed) {
    Objects.requireNonNull(sizes, "sizes");
    Objects.requireNonNull(hidden, "hidden");
    Objects.requireNonNull(output, "output");
    if (sizes.length < 2) {
      throw new IllegalArgumentException("a network needs an input size and at least one layer"
          + " size, got " + sizes.length + " sizes");
    }
    SplittableRandom random = new SplittableRandom(seed);
    List<DenseLayer> layers = new ArrayList<>();
    for (int l = 0; l + 1 < sizes.length; l++) {
      layers.add(pytorchLinear(sizes[l], sizes[l + 1],
          l + 2 == sizes.length ? output : hidden, random));
    }
    return new Network(layers, softmaxOutput);
  }

  /**
   * One layer with PyTorch's default initialisation: weights first, then biases, each
   * {@code U(-1/sqrt(inputs), 1/sqrt(inputs))}.
   *
   * @throws IllegalArgumentException if a size is below 1
   */
  public static DenseLayer pytorchLinear(int inputs, int outputs, Activation activation,
      SplittableRandom random) {
    if (inputs < 1 || outputs < 1) {
      throw new IllegalArgumentException("layer sizes must be positive, got " + outputs + " x "
          + inputs);
    }
    double bound = 1 / Math.sqrt(inputs);
    float[] weights = new float[Math.multiplyExact(inputs, outputs)];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (float) random.nextDouble(-bound, bound);
    }
    float[] bias = new float[outputs];
    for (int i = 0; i < outputs; i++) {
      bias[i] = (float) random.nextDouble(-bound, bound);
    }
    return new DenseLayer(inputs, outputs, weights, bias, activation);
  }

  /**
   * A sequence classifier with PyTorch's default initialisation: {@code layers} stacked
   * one-way recurrent layers of {@code hidden} units (every weight and bias of
   * {@code torch.nn.LSTM}/{@code GRU}/{@code RNN} drawn from {@code U(-1/sqrt(hidden),
   * 1/sqrt(hidden))}), the last step's hidden state into a linear layer of {@code classes}
   * logits ({@link #pytorchLinear}). GRU takes PyTorch's form (reset after the recurrent
   * product); a plain RNN runs tanh.
   *
   * @param inputs features per step
   * @throws IllegalArgumentException if a size is below 1
   * @throws NullPointerException if {@code cell} is null
   */
  public static Network pytorchSequence(RecurrentLayer.Cell cell, int inputs, int hidden,
      int layers, int classes, long seed) {
    Objects.requireNonNull(cell, "cell");
    if (inputs < 1 || hidden < 1 || layers < 1 || classes < 1) {
      throw new IllegalArgumentException("sizes must be positive, got inputs " + inputs
          + ", hidden " + hidden + ", layers " + layers + ", classes " + classes);
    }
    SplittableRandom random = new SplittableRandom(seed);
    double bound = 1 / Math.sqrt(hidden);
    int gateRows = cell.gates() * hidden;
    List<RecurrentLayer> recurrent = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      int in = l == 0 ? inputs : hidden;
      recurrent.add(new RecurrentLayer(cell, RecurrentLayer.Direction.FORWARD, in, hidden,
          Activation.TANH, cell == RecurrentLayer.Cell.GRU,
          uniform(random, Math.multiplyExact(gateRows, in), bound),
          uniform(random, Math.multiplyExact(gateRows, hidden), bound),
          uniform(random, gateRows, bound), uniform(random, gateRows, bound)));
    }
    return Network.sequence(recurrent, SequenceOutput.LAST_STEP,
        List.of(pytorchLinear(hidden, classes, Activation.IDENTITY, random)), false);
  }

  private static float[] uniform(SplittableRandom random, int n, double bound) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextDouble(-bound, bound);
    }
    return values;
  }
}
