package org.sparsenn.io;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

/**
 * Turns the named tensors of a weights-only file (NumPy {@code .npz}, safetensors) into a stack
 * of linear layers by PyTorch's naming conventions, since such files carry no graph.
 *
 * <ul>
 *   <li>Every tensor is {@code PREFIX.weight} or {@code PREFIX.bias} (or plain {@code weight} /
 *       {@code bias} for a single layer); tensors sharing a prefix form one layer. Any other
 *       tensor (a BatchNorm running mean, a step counter) is an error naming it: nothing is
 *       skipped silently.
 *   <li>A weight is 2-D {@code [outputs, inputs]} ({@code nn.Linear}'s orientation); a bias is
 *       1-D {@code [outputs]}; a layer without a bias gets zeros.
 *   <li>Layers are ordered by the numbers in their prefixes, compared as numbers
 *       ({@code fc2} before {@code fc10}; {@code layers.0}, {@code net.2}, {@code 0}) when every
 *       prefix has one, otherwise in the order the file declares them.
 *   <li>Each layer's outputs must equal the next one's inputs; the first mismatch is reported
 *       with both tensors' names and shapes.
 * </ul>
 *
 * Planning looks only at names and shapes, so that a file is fully checked before any tensor
 * data is read.
 */
public final class LayerNameMapper {
  private LayerNameMapper() {}

  /**
   * A tensor's name, shape and stored type, as declared in a file header.
   *
   * @param name the tensor's name
   * @param shape its dimensions
   * @param dtype its stored element type, as the format spells it
   */
  public record TensorSpec(String name, List<Long> shape, String dtype) {
    /**
     * @throws NullPointerException if a reference is null
     */
    public TensorSpec {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(dtype, "dtype");
      shape = List.copyOf(shape);
    }
  }

  /**
   * The checked layer structure of a file.
   *
   * @param layers each layer's weight and bias tensor names and sizes, in order
   * @param mapping every tensor's layer and role, in layer order
   * @param ordering how the order was decided, for {@code inspect}
   */
  public record Plan(List<Slot> layers, List<TensorMapping> mapping, String ordering) {
    /** Copies the lists. */
    public Plan {
      layers = List.copyOf(layers);
      mapping = List.copyOf(mapping);
    }
  }

  /**
   * One layer to build.
   *
   * @param name the prefix, e.g. {@code fc1}
   * @param weight the weight tensor's name
   * @param bias the bias tensor's name, or null for none
   * @param outputs rows of the weight
   * @param inputs columns of the weight
   */
  public record Slot(String name, String weight, String bias, int outputs, int inputs) {}

  /**
   * Groups, orders and checks tensors into layers.
   *
   * @param specs the tensors in the order the file declares them
   * @param where the file, for messages
   * @throws ModelFormatException naming the tensor if a tensor is not a linear layer's weight or
   *     bias, has the wrong rank or size, or if the layers do not chain
   */
  public static Plan plan(List<TensorSpec> specs, String where) {
    if (specs.isEmpty()) {
      throw new ModelFormatException(where + ": holds no tensors");
    }
    Map<String, TensorSpec[]> groups = new LinkedHashMap<>(); // prefix -> {weight, bias}
    Set<String> names = new HashSet<>();
    for (TensorSpec spec : specs) {
      if (!names.add(spec.name())) {
        throw new ModelFormatException(where + ": tensor '" + spec.name()
            + "' appears twice");
      }
      String name = spec.name();
      int role;
      String prefix;
      if (name.equals("weight") || name.endsWith(".weight")) {
        role = 0;
        prefix = name.substring(0, Math.max(0, name.length() - ".weight".length()));
      } else if (name.equals("bias") || name.endsWith(".bias")) {
        role = 1;
        prefix = name.substring(0, Math.max(0, name.length() - ".bias".length()));
      } else {
        throw new ModelFormatException(where + ": tensor '" + name + "' (shape "
            + spec.shape() + ") is neither a weight nor a bias: a weights-only file must hold"
            + " only NAME.weight [out, in] and NAME.bias [out] of linear layers"
            + hintFor(name));
      }
      groups.computeIfAbsent(prefix, p -> new TensorSpec[2])[role] = spec;
    }

    List<String> prefixes = new ArrayList<>(groups.keySet());
    boolean numbered = prefixes.stream()
        .allMatch(p -> p.chars().anyMatch(c -> isAsciiDigit((char) c)));
    String ordering;
    if (prefixes.size() == 1) {
      ordering = "a single layer";
    } else if (numbered) {
      prefixes.sort(NATURAL);
      ordering = "numeric order of the layer names";
    } else {
      ordering = "order of declaration in the file (not every layer name has a number)";
    }

    List<Slot> slots = new ArrayList<>();
    List<TensorMapping> mapping = new ArrayList<>();
    for (String prefix : prefixes) {
      TensorSpec weight = groups.get(prefix)[0];
      TensorSpec bias = groups.get(prefix)[1];
      String label = prefix.isEmpty() ? "(unnamed)" : prefix;
      if (weight == null) {
        throw new ModelFormatException(where + ": bias '" + bias.name()
            + "' has no matching weight '" + (prefix.isEmpty() ? "" : prefix + ".")
            + "weight'");
      }
      if (weight.shape().size() != 2) {
        throw new ModelFormatException(where + ": weight '" + weight.name() + "' has shape "
            + weight.shape() + "; a linear layer's weight is 2-D [outputs, inputs]"
            + (weight.shape().size() == 1 ? " (a 1-D weight belongs to a normalization layer)"
                : weight.shape().size() == 4 ? " (a 4-D weight belongs to a convolution)" : ""));
      }
      int outputs = positiveInt(weight.shape().get(0), weight, where);
      int inputs = positiveInt(weight.shape().get(1), weight, where);
      if (bias != null && (bias.shape().size() != 1 || bias.shape().get(0) != outputs)) {
        throw new ModelFormatException(where + ": bias '" + bias.name() + "' has shape "
            + bias.shape() + " but weight '" + weight.name() + "' " + weight.shape()
            + " needs a bias of shape [" + outputs + "]");
      }
      int index = slots.size();
      if (index > 0) {
        Slot previous = slots.get(index - 1);
        if (previous.outputs() != inputs) {
          throw new ModelFormatException(where + ": layers do not chain (layer order: "
              + ordering + "): layer " + (index - 1) + " '" + previous.weight() + "' has "
              + previous.outputs() + " outputs but layer " + index + " '" + weight.name()
              + "' " + weight.shape() + " takes " + inputs + " inputs");
        }
      }
      slots.add(new Slot(label, weight.name(), bias == null ? null : bias.name(), outputs,
          inputs));
      mapping.add(new TensorMapping(weight.name(), index, label, TensorMapping.Role.WEIGHT,
          weight.shape(), weight.dtype()));
      if (bias != null) {
        mapping.add(new TensorMapping(bias.name(), index, label, TensorMapping.Role.BIAS,
            bias.shape(), bias.dtype()));
      }
    }
    return new Plan(slots, mapping, ordering);
  }

  /**
   * Builds the network from a plan and the tensors' data.
   *
   * @param data each tensor's float32 elements, by name (weights row-major {@code [out, in]})
   * @param options the hidden and output activations
   * @throws NullPointerException naming the tensor if one of the plan is missing from data
   * @throws IllegalArgumentException if a tensor has the wrong number of elements
   */
  public static Network build(Plan plan, Map<String, float[]> data, ReadOptions options) {
    List<DenseLayer> layers = new ArrayList<>();
    for (int i = 0; i < plan.layers().size(); i++) {
      Slot slot = plan.layers().get(i);
      Activation activation = i == plan.layers().size() - 1 ? options.outputActivation()
          : options.hiddenActivation();
      float[] weights = Objects.requireNonNull(data.get(slot.weight()), slot.weight());
      float[] bias = slot.bias() == null ? null
          : Objects.requireNonNull(data.get(slot.bias()), slot.bias());
      layers.add(new DenseLayer(slot.inputs(), slot.outputs(), weights, bias, activation));
    }
    return new Network(layers, false);
  }

  private static int positiveInt(long dim, TensorSpec spec, String where) {
    if (dim < 1 || dim > Integer.MAX_VALUE) {
      throw new ModelFormatException(where + ": weight '" + spec.name() + "' has shape "
          + spec.shape() + "; every dimension must be between 1 and " + Integer.MAX_VALUE);
    }
    return (int) dim;
  }

  private static String hintFor(String name) {
    if (name.endsWith("running_mean") || name.endsWith("running_var")
        || name.endsWith("num_batches_tracked")) {
      return " (this looks like BatchNorm state, which sparsenn does not support)";
    }
    return "";
  }

  /** Natural order: runs of digits compare as numbers, the rest as text. */
  static final Comparator<String> NATURAL = (a, b) -> {
    List<String> x = tokens(a);
    List<String> y = tokens(b);
    for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
      String s = x.get(i);
      String t = y.get(i);
      boolean sNum = isAsciiDigit(s.charAt(0));
      boolean tNum = isAsciiDigit(t.charAt(0));
      int c;
      if (sNum && tNum) {
        c = new BigInteger(s).compareTo(new BigInteger(t));
      } else if (sNum != tNum) {
        c = sNum ? -1 : 1;
      } else {
        c = s.compareTo(t);
      }
      if (c != 0) {
        return c;
      }
    }
    int c = Integer.compare(x.size(), y.size());
    return c != 0 ? c : a.compareTo(b);
  };

  private static List<String> tokens(String text) {
    List<String> tokens = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= text.length(); i++) {
      if (i == text.length() || isAsciiDigit(text.charAt(i)) != isAsciiDigit(text.charAt(i - 1))) {
        tokens.add(text.substring(start, i));
        start = i;
      }
    }
    return tokens;
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
