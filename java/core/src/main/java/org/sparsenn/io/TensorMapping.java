package org.sparsenn.io;

import java.util.List;
import java.util.Objects;

/**
 * How one named tensor of a weights-only file became part of a layer.
 *
 * @param tensor the name in the file, e.g. {@code fc1.weight}
 * @param layer the index of the layer it became part of
 * @param layerName the name prefix shared by the layer's weight and bias, e.g. {@code fc1}
 * @param role what it is in that layer
 * @param shape its shape in the file
 * @param dtype its element type in the file, e.g. {@code F16} or {@code <f4}
 */
public record TensorMapping(String tensor, int layer, String layerName, Role role,
    List<Long> shape, String dtype) {
  /** The part a tensor plays in a layer. */
  public enum Role {
    /** The {@code [outputs, inputs]} weight matrix. */
    WEIGHT,
    /** The {@code [outputs]} bias. */
    BIAS
  }

  /**
   * @throws NullPointerException if a reference is null
   */
  public TensorMapping {
    Objects.requireNonNull(tensor, "tensor");
    Objects.requireNonNull(layerName, "layerName");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(dtype, "dtype");
    shape = List.copyOf(shape);
  }
}
