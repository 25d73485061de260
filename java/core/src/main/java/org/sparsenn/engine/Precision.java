package org.sparsenn.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.sparse.BFloat16;

/**
 * The weight precision a session may run at: which layer methods the planner may choose, by the
 * precision each stores its weights at ({@link LayerMethod#precision()}). Lossy precisions are
 * opt-in: the default, {@link #FP32}, computes with the model's weights exactly as they are.
 */
public enum Precision {
  /** The model's fp32 weights, exactly (the default): only the fp32 methods. */
  FP32,
  /**
   * Also the bf16 methods: weights rounded to bf16 (8 exponent bits, 7 mantissa bits, nearest
   * even) when the session starts, half the bytes per value; arithmetic stays fp32. Changes the
   * outputs in about the third significant digit; check the accuracy it gives (the sweep's
   * {@code --precision bf16}).
   */
  BF16;

  /** Whether a method that stores its weights at {@code stored} may run at this precision. */
  public boolean allows(Precision stored) {
    return stored == FP32 || stored == this;
  }

  /**
   * {@code network} with every weight rounded to this precision (biases stay fp32, as the
   * kernels take them): the model a session computes when every layer runs a method of this
   * precision, for judging the accuracy a lossy precision gives. {@link #FP32} returns
   * {@code network} itself.
   *
   * @throws NullPointerException if {@code network} is null
   */
  public Network roundWeights(Network network) {
    Objects.requireNonNull(network, "network");
    if (this == FP32) {
      return network;
    }
    List<DenseLayer> layers = new ArrayList<>();
    for (DenseLayer layer : network.layers()) {
      float[] w = layer.weights();
      for (int i = 0; i < w.length; i++) {
        w[i] = BFloat16.round(w[i]);
      }
      layers.add(layer.withWeights(w));
    }
    return network.withLayers(layers);
  }

  /** The name on the command line: the constant's name in lower case. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The precision labelled {@code label}, case-insensitive.
   *
   * @throws IllegalArgumentException if none is, naming the labels there are
   */
  public static Precision ofLabel(String label) {
    for (Precision p : values()) {
      if (p.label().equalsIgnoreCase(label)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown precision '" + label + "': expected one of "
        + Arrays.stream(values()).map(Precision::label).collect(Collectors.joining(", ")));
  }
}
