package org.sparsenn.io.onnx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparsenn.io.Limits;
import org.sparsenn.io.ModelFormatException;
import org.sparsenn.io.onnx.OnnxTensors.Constant;
import org.sparsenn.io.onnx.proto.OnnxProtos.AttributeProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.GraphProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.NodeProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.TensorProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.TensorShapeProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.TypeProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.ValueInfoProto;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

/**
 * Turns one ONNX graph into a {@link Network} by walking it from the input to the output:
 * every value on the way must have exactly one consumer (the erf-GELU subgraph excepted),
 * every node must be understood, and every node must be on the way.
 */
final class OnnxGraphReader {
  private static final double GELU_CONSTANT_TOLERANCE = 1e-5;

  final GraphProto graph;
  private final long opset;
  private final Path baseDir;
  private final OnnxTensors.Budget budget;
  private final Map<String, TensorProto> initializers = new HashMap<>();
  private final Map<String, Constant> constants = new HashMap<>();
  /** Constant values defined by nodes (Constant, Cast of a constant): value to node index. */
  private final Map<String, Integer> constantNodes = new HashMap<>();
  final Map<String, List<Integer>> consumers = new HashMap<>();
  final boolean[] visited;
  /** Conversions to float32, by constant name, for {@link OnnxModel#conversions()}. */
  private final Map<String, String> converted = new LinkedHashMap<>();

  // The walk's state: the value that carries the activations, its shape (dims[0] the batch;
  // -1 where unknown; null if the input declares no shape), and the layers built so far.
  private String current;
  private long[] dims;
  private final List<DenseLayer> layers = new ArrayList<>();
  private Pending pending;
  // Constant arithmetic after an activation (or on the graph input), waiting to be folded into
  // the inputs of the next layer, and the node it started at (for messages).
  private FeatureAffine inputAffine;
  private int inputAffineNode = -1;
  private boolean softmax;
  // The input features the model keeps (a leading Gather on axis 1), or null for all.
  private int[] selectedFeatures;
  // Whether a recurrent front end (OnnxRecurrentReader) was read before the walk.
  private boolean readsSequences;
  private long originalInputs;

  /** A layer whose bias and activation may still come. */
  private static final class Pending {
    final int inputs;
    final int outputs;
    final float[] weights;
    float[] bias;
    Activation activation;

    Pending(int inputs, int outputs, float[] weights, float[] bias) {
      this.inputs = inputs;
      this.outputs = outputs;
      this.weights = weights;
      this.bias = bias;
    }
  }

  OnnxGraphReader(GraphProto graph, long opset, Path baseDir, long maxTensorBytes) {
    this.graph = graph;
    this.opset = opset;
    this.baseDir = baseDir;
    this.budget = new OnnxTensors.Budget(maxTensorBytes);
    this.visited = new boolean[graph.getNodeCount()];
  }

  OnnxModel read(String producer, Map<String, String> metadata) {
    for (TensorProto t : graph.getInitializerList()) {
      initializers.put(t.getName(), t);
    }
    foldConstants();
    for (int i = 0; i < graph.getNodeCount(); i++) {
      if (visited[i]) {
        continue;
      }
      for (String in : graph.getNode(i).getInputList()) {
        if (!in.isEmpty() && !isConstant(in)) {
          List<Integer> users = consumers.computeIfAbsent(in, k -> new ArrayList<>());
          if (users.isEmpty() || users.get(users.size() - 1) != i) {
            users.add(i);
          }
        }
      }
    }
    ValueInfoProto input = graphInput();
    if (graph.getOutputCount() != 1) {
      throw new ModelFormatException("the graph has " + graph.getOutputCount()
          + " outputs; sparsenn reads graphs with exactly one");
    }
    String output = graph.getOutput(0).getName();
    current = input.getName();
    dims = declaredDims(input);
    OnnxRecurrentReader.Front front = null;
    if (OnnxRecurrentReader.hasRecurrentNode(graph)) {
      front = new OnnxRecurrentReader(this, current).read(dims);
      readsSequences = true;
      current = front.value();
      dims = new long[] {dims == null ? -1 : dims[0], front.width()};
    }
    if (dims != null && dims.length < 2) {
      throw new ModelFormatException("graph input '" + input.getName() + "' has rank "
          + dims.length + "; sparsenn reads inputs of shape [batch, features, ...]");
    }
    walk(output);
    if (inputAffine != null) {
      throw error(inputAffineNode, "applies constant arithmetic after the last activation;"
          + " sparsenn folds such constants into the Gemm or MatMul that follows, and none does");
    }
    for (int i = 0; i < visited.length; i++) {
      if (!visited[i]) {
        throw new ModelFormatException(describe(i) + " is not on the path from input '"
            + input.getName() + "' to output '" + output + "'; sparsenn reads chains only");
      }
    }
    finishLayer();
    if (layers.isEmpty()) {
      throw new ModelFormatException("the graph has no Gemm or MatMul: there is no layer to read");
    }
    checkDeclaredOutput(graph.getOutput(0));
    Network network = front == null ? new Network(layers, softmax)
        : Network.sequence(front.layers(), front.output(), layers, softmax);
    if (selectedFeatures != null) {
      if (selectedFeatures.length != network.inputs()) {
        throw new ModelFormatException("the input Gather keeps " + selectedFeatures.length
            + " features but the first layer takes " + network.inputs());
      }
      // The unpruned first layer held originalInputs x outputs weights, so they fit one array.
      Limits.elementCount(new long[] {network.layers().get(0).outputs(), originalInputs},
          "the input Gather selects from " + originalInputs + " features, as the unpruned"
              + " first layer");
      network = network.withInputSelection((int) originalInputs, selectedFeatures);
    }
    return new OnnxModel(network, opset, producer, input.getName(), output,
        List.copyOf(converted.values()), metadata);
  }

  // ---- constants ---------------------------------------------------------------------------

  /**
   * Records Constant nodes, and Casts to float and Transposes of constants (as exporters write
   * weights stored in another precision or orientation); marks them visited.
   */
  private void foldConstants() {
    for (int i = 0; i < graph.getNodeCount(); i++) {
      NodeProto node = graph.getNode(i);
      if (!isDefaultDomain(node)) {
        continue;
      }
      if (node.getOpType().equals("Constant")) {
        if (node.getInputCount() != 0 || node.getOutputCount() != 1) {
          throw error(i, "a Constant must have no inputs and one output");
        }
        defineConstantNode(i, node.getOutput(0));
      } else if (node.getOpType().equals("Cast") && node.getInputCount() == 1
          && isConstant(node.getInput(0))) {
        long to = intAttr(i, "to", -1);
        if (to != TensorProto.DataType.FLOAT_VALUE) {
          throw error(i, "casts constant '" + node.getInput(0) + "' to "
              + OnnxTensors.typeName((int) to) + "; only casts to float32 are supported");
        }
        if (node.getOutputCount() != 1) {
          throw error(i, "a Cast must have one output");
        }
        defineConstantNode(i, node.getOutput(0));
      } else if (node.getOpType().equals("Transpose") && node.getInputCount() == 1
          && isConstant(node.getInput(0))) {
        if (node.getOutputCount() != 1) {
          throw error(i, "a Transpose must have one output");
        }
        defineConstantNode(i, node.getOutput(0));
      }
    }
  }

  private void defineConstantNode(int index, String output) {
    if (initializers.containsKey(output) || constantNodes.containsKey(output)) {
      throw error(index, "redefines constant '" + output + "'");
    }
    constantNodes.put(output, index);
    visited[index] = true;
  }

  boolean isConstant(String name) {
    return initializers.containsKey(name) || constantNodes.containsKey(name);
  }

  /** The constant named {@code name}, decoded on first use; float data converted to float32. */
  Constant constant(int user, String name) {
    Constant c = constants.get(name);
    if (c != null) {
      return c;
    }
    TensorProto init = initializers.get(name);
    if (init != null || constantNodes.containsKey(name)) {
      try {
        c = init != null ? OnnxTensors.decode(init, baseDir, budget)
            : constantFromNode(constantNodes.get(name));
      } catch (ModelFormatException e) {
        if (user < 0) {
          throw e;
        }
        throw new ModelFormatException(describe(user) + ": " + e.getMessage(), e);
      }
    } else {
      throw error(user, "needs a constant (initializer) '" + name + "', which the graph does"
          + " not define");
    }
    if (c.floats() != null && c.sourceType() != TensorProto.DataType.FLOAT_VALUE) {
      converted.put(name, name + ": " + OnnxTensors.typeName(c.sourceType())
          + " converted to float32");
    }
    constants.put(name, c);
    return c;
  }

  private Constant constantFromNode(int index) {
    NodeProto node = graph.getNode(index);
    if (node.getOpType().equals("Transpose")) {
      return transposed(index, constant(index, node.getInput(0)), node.getOutput(0));
    }
    if (node.getOpType().equals("Cast")) {
      Constant source = constant(index, node.getInput(0));
      if (source.floats() != null) {
        // a conversion from float16 or float64 is recorded under the source's name
        return new Constant(node.getOutput(0), source.dims(), source.floats(), null,
            TensorProto.DataType.FLOAT_VALUE);
      }
      float[] floats = new float[source.ints().length];
      for (int i = 0; i < floats.length; i++) {
        floats[i] = source.ints()[i];
      }
      return new Constant(node.getOutput(0), source.dims(), floats, null,
          TensorProto.DataType.FLOAT_VALUE);
    }
    if (node.getAttributeCount() != 1) {
      throw error(index, "a Constant must have exactly one attribute, has "
          + node.getAttributeCount());
    }
    AttributeProto a = node.getAttribute(0);
    String out = node.getOutput(0);
    return switch (a.getName()) {
      case "value" -> {
        if (!a.hasT()) {
          throw error(index, "attribute 'value' holds no tensor");
        }
        Constant c = OnnxTensors.decode(a.getT(), baseDir, budget);
        yield new Constant(out, c.dims(), c.floats(), c.ints(), c.sourceType());
      }
      case "value_float" -> new Constant(out, new long[0], new float[] {a.getF()}, null,
          TensorProto.DataType.FLOAT_VALUE);
      case "value_floats" -> {
        float[] v = new float[a.getFloatsCount()];
        for (int i = 0; i < v.length; i++) {
          v[i] = a.getFloats(i);
        }
        yield new Constant(out, new long[] {v.length}, v, null, TensorProto.DataType.FLOAT_VALUE);
      }
      case "value_int" -> new Constant(out, new long[0], null, new long[] {a.getI()},
          TensorProto.DataType.INT64_VALUE);
      case "value_ints" -> {
        long[] v = new long[a.getIntsCount()];
        for (int i = 0; i < v.length; i++) {
          v[i] = a.getInts(i);
        }
        yield new Constant(out, new long[] {v.length}, null, v, TensorProto.DataType.INT64_VALUE);
      }
      default -> throw error(index, "has a Constant attribute '" + a.getName()
          + "' that is not supported (only value, value_float(s), value_int(s))");
    };
  }

  /** A 2-D constant transposed (perm absent or [1, 0]). */
  private Constant transposed(int index, Constant source, String name) {
    AttributeProto perm = attr(index, "perm");
    if (source.dims().length != 2 || (perm != null
        && !perm.getIntsList().equals(List.of(1L, 0L)))) {
      throw error(index, "transposes constant '" + source.name() + "' of shape "
          + shapeText(source.dims()) + (perm == null ? "" : " with perm " + perm.getIntsList())
          + "; sparsenn folds only 2-D transposes");
    }
    int rows = (int) source.dims()[0];
    int cols = (int) source.dims()[1];
    long[] dims = {cols, rows};
    if (source.floats() != null) {
      float[] t = new float[source.floats().length];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          t[c * rows + r] = source.floats()[r * cols + c];
        }
      }
      return new Constant(name, dims, t, null, TensorProto.DataType.FLOAT_VALUE);
    }
    long[] t = new long[source.ints().length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = source.ints()[r * cols + c];
      }
    }
    return new Constant(name, dims, null, t, TensorProto.DataType.INT64_VALUE);
  }

  float[] floatConstant(int user, String name, String role) {
    Constant c = constant(user, name);
    if (c.floats() == null) {
      throw error(user, role + " '" + name + "' is an integer tensor, not a float tensor");
    }
    return c.floats();
  }

  // ---- the graph input and output ----------------------------------------------------------

  private ValueInfoProto graphInput() {
    ValueInfoProto found = null;
    for (ValueInfoProto in : graph.getInputList()) {
      if (isConstant(in.getName())) {
        continue; // older exporters list initializers among the inputs too
      }
      if (found != null) {
        throw new ModelFormatException("the graph has a second input '" + in.getName()
            + "' besides '" + found.getName() + "' that is not an initializer; sparsenn reads"
            + " graphs with one input");
      }
      found = in;
    }
    if (found == null) {
      throw new ModelFormatException("the graph has no input that is not an initializer");
    }
    if (found.hasType()) {
      TypeProto type = found.getType();
      if (!type.hasTensorType()) {
        throw new ModelFormatException("graph input '" + found.getName() + "' is not a tensor");
      }
      int elem = type.getTensorType().getElemType();
      if (elem != TensorProto.DataType.FLOAT_VALUE) {
        throw new ModelFormatException("graph input '" + found.getName() + "' has element type "
            + OnnxTensors.typeName(elem) + "; sparsenn reads float32 inputs");
      }
    }
    return found;
  }

  /** The declared shape of a value, -1 for unknown dimensions, or null if none is declared. */
  private static long[] declaredDims(ValueInfoProto value) {
    if (!value.hasType() || !value.getType().hasTensorType()
        || !value.getType().getTensorType().hasShape()) {
      return null;
    }
    TensorShapeProto shape = value.getType().getTensorType().getShape();
    long[] d = new long[shape.getDimCount()];
    for (int i = 0; i < d.length; i++) {
      TensorShapeProto.Dimension dim = shape.getDim(i);
      d[i] = dim.hasDimValue() ? dim.getDimValue() : -1;
      if (dim.hasDimValue() && d[i] < 0) {
        throw new ModelFormatException("value '" + value.getName()
            + "' declares a negative dimension " + d[i]);
      }
    }
    return d;
  }

  private void checkDeclaredOutput(ValueInfoProto output) {
    long[] d = declaredDims(output);
    int outputs = layers.get(layers.size() - 1).outputs();
    if (d != null && (d.length != 2 || (d[1] >= 0 && d[1] != outputs))) {
      throw new ModelFormatException("graph output '" + output.getName() + "' declares shape "
          + shapeText(d) + " but the network computes [batch, " + outputs + "]");
    }
  }

  // ---- the walk ----------------------------------------------------------------------------

  private void walk(String output) {
    while (true) {
      List<Integer> users = consumers.getOrDefault(current, List.of());
      boolean isOutput = current.equals(output);
      if (isOutput && users.isEmpty()) {
        return;
      }
      if (isOutput) {
        throw new ModelFormatException("graph output '" + output + "' is also consumed by "
            + describe(users.get(0)) + "; sparsenn reads chains whose output is the last value");
      }
      if (users.isEmpty()) {
        throw new ModelFormatException("value '" + current + "' (" + producerOf(current)
            + ") is consumed by no node and is not the graph output '" + output + "'");
      }
      if (users.size() == 2 && (matchErfGelu(users) || matchDynamicFlatten(users))) {
        continue;
      }
      if (users.size() != 1) {
        StringBuilder names = new StringBuilder();
        for (int u : users) {
          names.append(names.length() == 0 ? "" : ", ").append(describe(u));
        }
        throw new ModelFormatException("value '" + current + "' (" + producerOf(current)
            + ") has " + users.size() + " consumers (" + names + "); sparsenn reads chains"
            + " without branches");
      }
      if (visited[users.get(0)]) {
        throw error(users.get(0), "is reached a second time: the graph has a cycle");
      }
      step(users.get(0));
    }
  }

  private String producerOf(String value) {
    for (int i = 0; i < graph.getNodeCount(); i++) {
      if (graph.getNode(i).getOutputList().contains(value)) {
        return "output of " + describe(i);
      }
    }
    return "the graph input";
  }

  private void step(int index) {
    NodeProto node = graph.getNode(index);
    visited[index] = true;
    if (!isDefaultDomain(node)) {
      throw error(index, "is in operator domain '" + node.getDomain() + "', which is not"
          + " supported");
    }
    if (node.getOutputCount() < 1 || node.getOutput(0).isEmpty()) {
      throw error(index, "has no output");
    }
    switch (node.getOpType()) {
      case "Gemm" -> gemm(index, node);
      case "MatMul" -> matmul(index, node);
      case "Add", "Sub", "Mul", "Div" -> constantArithmetic(index, node);
      case "BatchNormalization" -> batchNormalization(index, node);
      case "Relu" -> activation(index, node, Activation.RELU);
      case "Sigmoid" -> activation(index, node, Activation.SIGMOID);
      case "Tanh" -> activation(index, node, Activation.TANH);
      case "LeakyRelu" -> {
        float alpha = floatAttr(index, "alpha", 0.01f);
        if (!Float.isFinite(alpha)) {
          throw error(index, "has a non-finite alpha " + alpha);
        }
        activation(index, node, Activation.leakyRelu(alpha));
      }
      case "Gelu" -> gelu(index, node);
      case "Softmax" -> softmax(index, node);
      case "Flatten" -> flatten(index, node);
      case "Reshape" -> reshape(index, node);
      case "Identity" -> passThrough(index, node, 1);
      case "Dropout" -> dropout(index, node);
      case "Gather" -> gather(index, node);
      case "Shape", "Unsqueeze", "Concat" -> throw viewOnly(index);
      default -> throw error(index, "is not supported: sparsenn reads Gemm, MatMul, Relu,"
          + " LeakyRelu, Sigmoid, Tanh, Gelu, Softmax, Flatten, Reshape, Identity, Dropout, and"
          + " folds BatchNormalization and Add, Sub, Mul, Div by constants into the weights");
    }
  }

  private void gemm(int index, NodeProto node) {
    if (node.getInputCount() < 2 || node.getInputCount() > 3) {
      throw error(index, "has " + node.getInputCount() + " inputs; Gemm takes 2 or 3");
    }
    if (!node.getInput(0).equals(current)) {
      throw error(index, "takes the activations '" + current + "' as B or C; sparsenn reads"
          + " Gemm(activations, weights, bias)");
    }
    long transA = intAttr(index, "transA", 0);
    if (transA != 0) {
      throw error(index, "has transA = " + transA + "; sparsenn reads Gemm with transA = 0");
    }
    long transB = intAttr(index, "transB", 0);
    if (transB != 0 && transB != 1) {
      throw error(index, "has transB = " + transB);
    }
    float alpha = floatAttr(index, "alpha", 1f);
    float beta = floatAttr(index, "beta", 1f);
    if (!Float.isFinite(alpha) || !Float.isFinite(beta)) {
      throw error(index, "has a non-finite alpha or beta (" + alpha + ", " + beta + ")");
    }
    String bName = node.getInput(1);
    float[] w = weightMatrix(index, bName, transB == 1);
    int out = (int) constant(index, bName).dims()[transB == 1 ? 0 : 1];
    int in = w.length / out;
    if (alpha != 1f) {
      for (int i = 0; i < w.length; i++) {
        w[i] *= alpha;
      }
    }
    float[] bias = null;
    if (node.getInputCount() == 3 && !node.getInput(2).isEmpty()) {
      bias = biasVector(index, node.getInput(2), out);
      if (beta != 1f) {
        for (int i = 0; i < bias.length; i++) {
          bias[i] *= beta;
        }
      }
    }
    beginLayer(index, in, out, w, bias);
    current = node.getOutput(0);
  }

  private void matmul(int index, NodeProto node) {
    if (node.getInputCount() != 2) {
      throw error(index, "has " + node.getInputCount() + " inputs; MatMul takes 2");
    }
    if (!node.getInput(0).equals(current)) {
      throw error(index, "multiplies a constant by the activations '" + current + "' from the"
          + " left; sparsenn reads MatMul(activations, weights [in, out])");
    }
    String bName = node.getInput(1);
    float[] w = weightMatrix(index, bName, false);
    int out = (int) constant(index, bName).dims()[1];
    beginLayer(index, w.length / out, out, w, null);
    current = node.getOutput(0);
  }

  /**
   * The weights of constant {@code name} as {@code [out][in]}, row-major: transposed from
   * {@code [in, out]} unless {@code outFirst}.
   */
  private float[] weightMatrix(int index, String name, boolean outFirst) {
    Constant c = constant(index, name);
    if (c.dims().length != 2) {
      throw error(index, "has weights '" + name + "' of rank " + c.dims().length
          + "; expected a 2-D matrix");
    }
    if (c.floats() == null) {
      throw error(index, "has weights '" + name + "' that are an integer tensor");
    }
    int rows = (int) c.dims()[0];
    int cols = (int) c.dims()[1];
    if (rows < 1 || cols < 1) {
      throw error(index, "has empty weights '" + name + "' of shape " + shapeText(c.dims()));
    }
    int in = outFirst ? cols : rows;
    int out = outFirst ? rows : cols;
    long features = features();
    if (features >= 0 && features != in) {
      throw error(index, "takes " + in + " inputs (weights '" + name + "' "
          + shapeText(c.dims()) + ") but receives " + features + " features from '" + current
          + "'");
    }
    if (dims != null && dims.length != 2) {
      throw error(index, "receives '" + current + "' of rank " + dims.length + " "
          + shapeText(dims) + "; add a Flatten to make it [batch, features]");
    }
    if (outFirst) {
      return c.floats().clone();
    }
    float[] src = c.floats();
    float[] w = new float[src.length];
    for (int i = 0; i < in; i++) {
      for (int o = 0; o < out; o++) {
        w[o * in + i] = src[i * out + o];
      }
    }
    return w;
  }

  /** A bias of shape [n], [1, n], or a single broadcast value, as n floats. */
  private float[] biasVector(int index, String name, int n) {
    Constant c = constant(index, name);
    float[] v = floatConstant(index, name, "bias");
    long[] d = c.dims();
    boolean row = (d.length == 1 && d[0] == n) || (d.length == 2 && d[0] == 1 && d[1] == n);
    boolean scalar = v.length == 1 && d.length <= 2;
    if (!row && !scalar) {
      throw error(index, "has bias '" + name + "' of shape " + shapeText(d)
          + "; expected [" + n + "] or [1, " + n + "]");
    }
    if (scalar && n != 1) {
      float[] b = new float[n];
      Arrays.fill(b, v[0]);
      return b;
    }
    return v.clone();
  }

  private void beginLayer(int index, int in, int out, float[] w, float[] bias) {
    finishLayer();
    if (inputAffine != null) {
      if (inputAffine.width() != 1 && inputAffine.width() != in) {
        throw error(index, "takes " + in + " inputs but the constant arithmetic before it ("
            + describe(inputAffineNode) + ") has " + inputAffine.width() + " values");
      }
      bias = inputAffine.foldIntoInputs(w, bias, in, out);
      inputAffine = null;
      inputAffineNode = -1;
    }
    pending = new Pending(in, out, w, bias);
    dims = new long[] {dims == null ? -1 : dims[0], out};
  }

  private void finishLayer() {
    if (pending != null) {
      Activation act = pending.activation == null ? Activation.IDENTITY : pending.activation;
      layers.add(new DenseLayer(pending.inputs, pending.outputs, pending.weights, pending.bias,
          act));
      pending = null;
    }
  }

  /**
   * {@code Add}, {@code Sub}, {@code Mul} or {@code Div} of the activations and a constant that
   * broadcasts per feature: folded into the weights (see {@link #applyAffine}).
   */
  private void constantArithmetic(int index, NodeProto node) {
    String op = node.getOpType();
    if (node.getInputCount() != 2) {
      throw error(index, "has " + node.getInputCount() + " inputs; " + op + " takes 2");
    }
    boolean activationsFirst = node.getInput(0).equals(current);
    if (!activationsFirst && !node.getInput(1).equals(current)) {
      throw error(index, "does not take '" + current + "' as an input");
    }
    String other = activationsFirst ? node.getInput(1) : node.getInput(0);
    if (!isConstant(other)) {
      throw error(index, "combines two computed values ('" + node.getInput(0) + "', '"
          + node.getInput(1) + "'); sparsenn reads " + op + " only with a constant, which it"
          + " folds into the weights");
    }
    double[] c = perFeature(index, doubles(floatConstant(index, other, "operand")),
        constant(index, other).dims(), "constant '" + other + "'");
    FeatureAffine map = switch (op) {
      case "Add" -> FeatureAffine.shifting(c);
      case "Sub" -> activationsFirst ? FeatureAffine.shifting(negated(c))
          : FeatureAffine.of(new double[] {-1}, c);
      case "Mul" -> FeatureAffine.scaling(c);
      default -> {
        if (!activationsFirst) {
          throw error(index, "divides constant '" + other + "' by the activations; sparsenn"
              + " folds only the activations divided by a constant");
        }
        double[] reciprocal = new double[c.length];
        for (int f = 0; f < c.length; f++) {
          if (c[f] == 0 || !Double.isFinite(c[f])) {
            throw error(index, "divides by " + c[f] + " (constant '" + other + "'); a divisor"
                + " must be finite and non-zero");
          }
          reciprocal[f] = 1 / c[f];
        }
        yield FeatureAffine.scaling(reciprocal);
      }
    };
    applyAffine(index, map);
    current = node.getOutput(0);
  }

  /**
   * {@code BatchNormalization} in inference form, {@code scale (x - mean) / sqrt(var + eps) + B}
   * per channel (axis 1): folded into the weights (see {@link #applyAffine}).
   */
  private void batchNormalization(int index, NodeProto node) {
    if (node.getInputCount() != 5) {
      throw error(index, "has " + node.getInputCount() + " inputs; BatchNormalization takes 5"
          + " (X, scale, B, mean, var)");
    }
    if (!node.getInput(0).equals(current)) {
      throw error(index, "does not take '" + current + "' as its data input X");
    }
    if (intAttr(index, "training_mode", 0) != 0) {
      throw error(index, "runs in training mode; sparsenn reads inference graphs only");
    }
    if (opset < 9 && intAttr(index, "spatial", 1) != 1) {
      throw error(index, "has spatial = 0; sparsenn reads per-channel BatchNormalization only");
    }
    for (int o = 1; o < node.getOutputCount(); o++) {
      String stat = node.getOutput(o);
      if (!stat.isEmpty() && (consumers.containsKey(stat) || isGraphOutput(stat))) {
        throw error(index, "has its running-statistics output '" + stat + "' used; sparsenn"
            + " reads BatchNormalization in inference form only");
      }
    }
    String[] roles = {"scale", "B", "mean", "var"};
    float[][] params = new float[4][];
    for (int k = 0; k < 4; k++) {
      String name = node.getInput(k + 1);
      if (!isConstant(name)) {
        throw error(index, "has a computed " + roles[k] + " '" + name + "'; sparsenn folds"
            + " BatchNormalization with constant scale, B, mean and var only");
      }
      params[k] = floatConstant(index, name, roles[k]);
      long[] d = constant(index, name).dims();
      if (d.length != 1 || params[k].length != params[0].length) {
        throw error(index, "has " + roles[k] + " '" + name + "' of shape " + shapeText(d)
            + "; expected [" + params[0].length + "], one value per channel");
      }
    }
    double epsilon = floatAttr(index, "epsilon", 1e-5f);
    int channels = params[0].length;
    double[] scale = new double[channels];
    double[] shift = new double[channels];
    for (int c = 0; c < channels; c++) {
      double variance = (double) params[3][c] + epsilon;
      if (!(variance > 0)) {
        throw error(index, "has var + epsilon = " + variance + " for channel " + c
            + "; it must be positive");
      }
      scale[c] = params[0][c] / Math.sqrt(variance);
      shift[c] = params[1][c] - params[2][c] * scale[c];
    }
    // per channel is per feature on [batch, C]; on [batch, C, d1, ...] it repeats over d1...
    long[] channelDims = dims == null ? new long[] {channels} : new long[Math.max(1,
        dims.length - 1)];
    if (dims != null) {
      Arrays.fill(channelDims, 1);
      channelDims[0] = channels;
    }
    String what = "the " + channels + " channels of '" + node.getInput(1) + "'";
    FeatureAffine map = FeatureAffine.of(perFeature(index, scale, channelDims, what),
        perFeature(index, shift, channelDims, what));
    applyAffine(index, map);
    current = node.getOutput(0);
  }

  /**
   * Folds a per-feature map on the activations into the layer before it when that layer's
   * output is still linear (only its bias came between), otherwise keeps it for the inputs of
   * the next layer.
   */
  private void applyAffine(int index, FeatureAffine map) {
    if (pending != null && pending.activation == null) {
      if (map.width() != 1 && map.width() != pending.outputs) {
        throw error(index, "has " + map.width() + " values per feature but follows a layer with "
            + pending.outputs + " outputs");
      }
      pending.bias = map.foldIntoOutputs(pending.weights, pending.bias, pending.inputs,
          pending.outputs);
      return;
    }
    if (inputAffine == null) {
      inputAffine = map;
      inputAffineNode = index;
      return;
    }
    if (inputAffine.width() != 1 && map.width() != 1 && inputAffine.width() != map.width()) {
      throw error(index, "has " + map.width() + " values per feature but the constant arithmetic"
          + " before it (" + describe(inputAffineNode) + ") has " + inputAffine.width());
    }
    inputAffine = inputAffine.then(map);
  }

  /**
   * A constant broadcast (numpy rules, right-aligned) onto the activations' shape, as one value
   * per flattened feature, or a single value if it is a scalar. The constant may not broadcast
   * over the batch or widen the activations.
   */
  private double[] perFeature(int index, double[] values, long[] constDims, String what) {
    if (values.length == 1 && (dims == null || constDims.length <= dims.length)) {
      return new double[] {values[0]};
    }
    if (dims == null || (dims.length == 2 && dims[1] < 0)) {
      // the width is not declared: a [n] or [1, n] constant has one value per feature
      if (constDims.length == 1 || (constDims.length == 2 && constDims[0] == 1)) {
        return values.clone();
      }
      throw error(index, "uses " + what + " of shape " + shapeText(constDims) + " on '"
          + current + "', whose shape is not declared; sparsenn folds scalars, [n] and [1, n]"
          + " there");
    }
    requireKnownShape(index);
    int rank = dims.length;
    int offset = rank - constDims.length;
    if (offset < 0 || (offset == 0 && constDims[0] != 1)) {
      throw error(index, "uses " + what + " of shape " + shapeText(constDims) + ", which does"
          + " not broadcast per feature onto '" + current + "' of shape " + shapeText(dims));
    }
    // stride of each non-batch axis within the constant, 0 where it broadcasts
    long[] strides = new long[rank];
    long stride = 1;
    for (int k = rank - 1; k >= 1; k--) {
      long constDim = k - offset >= 0 ? constDims[k - offset] : 1;
      if (constDim != 1 && constDim != dims[k]) {
        throw error(index, "uses " + what + " of shape " + shapeText(constDims) + ", which does"
            + " not broadcast onto '" + current + "' of shape " + shapeText(dims));
      }
      strides[k] = constDim == 1 ? 0 : stride;
      stride *= constDim;
    }
    int features = (int) features();
    if (features > largestConstantElements()) {
      // a layer taking these features needs weights at least this large; without one the
      // declared shape is wrong, and expanding the constant would only waste memory
      throw error(index, "broadcasts " + what + " over " + features + " features of '" + current
          + "', more than any constant in the graph holds");
    }
    double[] out = new double[features];
    for (int f = 0; f < features; f++) {
      long rest = f;
      long at = 0;
      for (int k = rank - 1; k >= 1; k--) {
        at += (rest % dims[k]) * strides[k];
        rest /= dims[k];
      }
      out[f] = values[(int) at];
    }
    return out;
  }

  /** The most elements any initializer or Constant node declares (its dims, not decoded). */
  private long largestConstantElements() {
    long largest = 0;
    List<TensorProto> tensors = new ArrayList<>(graph.getInitializerList());
    for (int i : constantNodes.values()) {
      for (AttributeProto a : graph.getNode(i).getAttributeList()) {
        if (a.hasT()) {
          tensors.add(a.getT());
        }
      }
    }
    for (TensorProto t : tensors) {
      long n = 1;
      for (long d : t.getDimsList()) {
        n = d <= 0 ? 0 : Math.min(n * Math.min(d, OnnxTensors.MAX_ELEMENTS),
            OnnxTensors.MAX_ELEMENTS);
      }
      largest = Math.max(largest, n);
    }
    return largest;
  }

  private static double[] negated(double[] v) {
    double[] n = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      n[i] = -v[i];
    }
    return n;
  }

  private static double[] doubles(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }

  private void activation(int index, NodeProto node, Activation act) {
    if (node.getInputCount() != 1) {
      throw error(index, "has " + node.getInputCount() + " inputs; expected 1");
    }
    setActivation(index, act);
    current = node.getOutput(0);
  }

  private void setActivation(int index, Activation act) {
    if (pending == null) {
      throw error(index, "applies " + act + " where no Gemm or MatMul precedes it; sparsenn"
          + " reads activations only after a layer");
    }
    if (inputAffine != null) {
      throw error(index, "applies " + act + " after the constant arithmetic of "
          + describe(inputAffineNode) + "; sparsenn folds such constants into the Gemm or"
          + " MatMul that follows, so no activation may come between");
    }
    if (pending.activation != null) {
      throw error(index, "applies " + act + " after " + pending.activation + "; a sparsenn"
          + " layer has one activation");
    }
    pending.activation = act;
  }

  private void gelu(int index, NodeProto node) {
    if (opset < 20) {
      throw error(index, "is Gelu, which needs opset 20; the model imports opset " + opset);
    }
    String approximate = stringAttr(index, "approximate", "none");
    if (!approximate.equals("none")) {
      throw error(index, "has approximate=\"" + approximate + "\"; sparsenn computes the exact"
          + " (erf) GELU only, not the tanh approximation");
    }
    activation(index, node, Activation.GELU);
  }

  private void softmax(int index, NodeProto node) {
    long axis = intAttr(index, "axis", opset < 13 ? 1 : -1);
    if (axis != 1 && axis != -1) {
      throw error(index, "has axis " + axis + "; sparsenn reads Softmax over the last axis of"
          + " [batch, classes] (axis 1 or -1)");
    }
    if (pending == null) {
      throw error(index, "is not preceded by a layer");
    }
    if (inputAffine != null) {
      throw error(index, "follows the constant arithmetic of " + describe(inputAffineNode)
          + ", which has no layer after it to fold into");
    }
    finishLayer();
    softmax = true;
    current = node.getOutput(0);
    if (!consumers.getOrDefault(current, List.of()).isEmpty()) {
      throw error(index, "is followed by " + describe(consumers.get(current).get(0))
          + "; Softmax must be the last step");
    }
  }

  private void flatten(int index, NodeProto node) {
    requireKnownShape(index);
    long axis = intAttr(index, "axis", 1);
    if (axis < 0) {
      axis += dims.length;
    }
    if (axis != 1) {
      throw error(index, "has axis " + intAttr(index, "axis", 1) + "; sparsenn reads Flatten"
          + " with axis 1 (keeping the batch dimension)");
    }
    dims = new long[] {dims[0], features()};
    passThrough(index, node, 1);
  }

  private void reshape(int index, NodeProto node) {
    requireKnownShape(index);
    if (node.getInputCount() != 2 || !isConstant(node.getInput(1))) {
      throw error(index, "needs a constant shape input; sparsenn reads Reshape to"
          + " [batch, -1] with the shape as an initializer or Constant");
    }
    Constant shape = constant(index, node.getInput(1));
    if (shape.ints() == null || shape.ints().length != 2) {
      throw error(index, "reshapes to '" + node.getInput(1) + "', which is not an int64 pair;"
          + " sparsenn reads Reshape to [batch, -1]");
    }
    long s0 = shape.ints()[0];
    long s1 = shape.ints()[1];
    long features = features();
    boolean allowZero = intAttr(index, "allowzero", 0) != 0;
    boolean keepsBatch = (s0 == 0 && !allowZero) || s0 == -1 || (s0 > 0 && s0 == dims[0]);
    boolean keepsFeatures = s1 == -1 ? s0 != -1 : s1 == features
        || (s1 == 0 && !allowZero && dims.length == 2);
    if (!keepsBatch || !keepsFeatures) {
      throw error(index, "reshapes " + shapeText(dims) + " to [" + s0 + ", " + s1 + "]; sparsenn"
          + " reads Reshape to [batch, " + features + "] (e.g. [0, -1] or [-1, " + features
          + "])");
    }
    dims = new long[] {dims[0], features};
    passThrough(index, node, 2);
  }

  private ModelFormatException viewOnly(int index) {
    return error(index, "is supported only as part of the dynamic flatten PyTorch exports for"
        + " x.view(x.size(0), -1): Shape(x) -> Gather(0) -> Unsqueeze(0) -> Concat with [-1] ->"
        + " Reshape(x, ...), or (Gather) as the input-feature selection sparsenn exports: a"
        + " Gather on axis 1 of the 2-D graph input with constant, increasing int64 indices");
  }

  /**
   * A Gather on axis 1 of the graph input with constant increasing indices, before any layer:
   * the input features a pruned model keeps (as {@link OnnxWriter} exports it).
   */
  private void gather(int index, NodeProto node) {
    boolean atInput = layers.isEmpty() && pending == null && selectedFeatures == null
        && !readsSequences && dims != null && dims.length == 2 && dims[1] > 0;
    if (!atInput || node.getInputCount() != 2 || !node.getInput(0).equals(current)
        || !isConstant(node.getInput(1)) || intAttr(index, "axis", 0) != 1) {
      throw viewOnly(index);
    }
    Constant indices = constant(index, node.getInput(1));
    long[] values = indices.ints();
    if (values == null || indices.dims().length != 1 || values.length == 0) {
      throw error(index, "selects features by '" + node.getInput(1) + "', which is not a"
          + " non-empty 1-D int64 tensor");
    }
    int[] features = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      if (values[i] < 0 || values[i] >= dims[1] || (i > 0 && values[i] <= values[i - 1])) {
        throw error(index, "selects feature " + values[i] + " at position " + i + "; indices"
            + " must increase strictly within [0, " + dims[1] + ")");
      }
      features[i] = (int) values[i];
    }
    selectedFeatures = features;
    originalInputs = dims[1];
    if (inputAffine != null) {
      inputAffine = inputAffine.select(features);
    }
    dims = new long[] {dims[0], features.length};
    passThrough(index, node, 2);
  }

  private void requireKnownShape(int index) {
    if (dims == null || features() < 0) {
      throw error(index, "needs the shape of '" + current + "', which the graph input does not"
          + " declare fully");
    }
  }

  private void dropout(int index, NodeProto node) {
    if (node.getInputCount() < 1 || node.getInputCount() > 3) {
      throw error(index, "has " + node.getInputCount() + " inputs; Dropout takes 1 to 3");
    }
    if (node.getInputCount() == 3 && !node.getInput(2).isEmpty()) {
      String mode = node.getInput(2);
      if (!isConstant(mode)) {
        throw error(index, "has a training_mode input '" + mode + "' that is not a constant");
      }
      Constant c = constant(index, mode);
      boolean training = c.floats() != null ? c.floats().length > 0 && c.floats()[0] != 0
          : c.ints().length > 0 && c.ints()[0] != 0;
      if (training) {
        throw error(index, "runs in training mode; sparsenn reads inference graphs only");
      }
    }
    if (node.getInputCount() >= 2 && !node.getInput(1).isEmpty()
        && !isConstant(node.getInput(1))) {
      throw error(index, "has a ratio input '" + node.getInput(1) + "' that is not a constant");
    }
    for (int o = 1; o < node.getOutputCount(); o++) {
      String mask = node.getOutput(o);
      if (!mask.isEmpty() && (consumers.containsKey(mask) || isGraphOutput(mask))) {
        throw error(index, "has its mask output '" + mask + "' used; sparsenn reads Dropout as"
            + " the identity only");
      }
    }
    if (!node.getInput(0).equals(current)) {
      throw error(index, "does not take '" + current + "' as its data input");
    }
    current = node.getOutput(0);
  }

  private void passThrough(int index, NodeProto node, int maxInputs) {
    if (node.getInputCount() < 1 || node.getInputCount() > maxInputs
        || !node.getInput(0).equals(current)) {
      throw error(index, "does not take '" + current + "' as its one data input");
    }
    if (node.getOutputCount() != 1) {
      throw error(index, "has " + node.getOutputCount() + " outputs; expected 1");
    }
    current = node.getOutput(0);
  }

  /**
   * Recognises {@code 0.5 x (1 + erf(x / sqrt 2))} as PyTorch exports it (Div by sqrt 2, or Mul
   * by 1/sqrt 2; then Erf; Add 1; and the two Muls by x and 0.5 in any order and with operands
   * either way round), starting at the two consumers of {@code current}.
   *
   * @return whether it matched (then the walk has moved past it)
   */
  private boolean matchErfGelu(List<Integer> users) {
    for (int k = 0; k < 2; k++) {
      int first = users.get(k);
      int other = users.get(1 - k);
      String x = current;
      NodeProto scale = graph.getNode(first);
      boolean divides = is(scale, "Div") && scale.getInputCount() == 2
          && scale.getInput(0).equals(x) && isConstantNear(scale.getInput(1), Math.sqrt(2));
      boolean multiplies = is(scale, "Mul") && otherInput(scale, x) != null
          && isConstantNear(otherInput(scale, x), Math.sqrt(0.5));
      if (!divides && !multiplies) {
        continue;
      }
      Integer erf = soleConsumer(scale.getOutput(0));
      if (erf == null || !is(graph.getNode(erf), "Erf")) {
        continue;
      }
      String e = graph.getNode(erf).getOutput(0);
      Integer add = soleConsumer(e);
      if (add == null || !is(graph.getNode(add), "Add")
          || !isConstantNear(otherInput(graph.getNode(add), e), 1.0)) {
        continue;
      }
      String a = graph.getNode(add).getOutput(0);
      NodeProto mulX = graph.getNode(other);
      if (!is(mulX, "Mul") || otherInput(mulX, x) == null) {
        continue;
      }
      String withX = otherInput(mulX, x);
      String xOut = mulX.getOutput(0);
      Integer last;
      List<Integer> nodes = new ArrayList<>(List.of(first, erf, add, other));
      if (withX.equals(a)) {
        // (x * (1 + erf)) * 0.5
        if (!Integer.valueOf(other).equals(soleConsumer(a))) {
          continue;
        }
        last = soleConsumer(xOut);
        if (last == null || !is(graph.getNode(last), "Mul")
            || !isConstantNear(otherInput(graph.getNode(last), xOut), 0.5)) {
          continue;
        }
      } else if (isConstantNear(withX, 0.5)) {
        // (x * 0.5) * (1 + erf)
        last = soleConsumer(xOut);
        if (last == null || !is(graph.getNode(last), "Mul")
            || !a.equals(otherInput(graph.getNode(last), xOut))
            || !last.equals(soleConsumer(a))) {
          continue;
        }
      } else {
        // x * ((1 + erf) * 0.5)
        Integer half = soleConsumer(a);
        if (half == null || !is(graph.getNode(half), "Mul")
            || !isConstantNear(otherInput(graph.getNode(half), a), 0.5)
            || !graph.getNode(half).getOutput(0).equals(withX)
            || !Integer.valueOf(other).equals(soleConsumer(withX))) {
          continue;
        }
        nodes.add(half);
        last = other;
      }
      if (!last.equals(other)) {
        nodes.add(last);
      }
      if (nodes.stream().anyMatch(n -> visited[n])) {
        continue;
      }
      for (int n : nodes) {
        visited[n] = true;
      }
      setActivation(first, Activation.GELU);
      current = graph.getNode(last).getOutput(0);
      return true;
    }
    return false;
  }

  /**
   * Recognises the shape computation that {@code torch.onnx.export} writes for
   * {@code x.view(x.size(0), -1)} with a dynamic batch, starting at the two consumers of
   * {@code current}: {@code Shape(x) -> Gather(index 0) -> Unsqueeze(axis 0) -> Concat(axis 0,
   * with a constant [-1] or [features]) -> Reshape(x, that)}, read as a flatten to
   * {@code [batch, features]}. Unsqueeze takes its axes as an attribute up to opset 12 and as an
   * input from 13; a Gather with a one-element index needs no Unsqueeze. Indices may be
   * initializers or Constant nodes.
   *
   * @return false if neither consumer is a Shape; true once the pattern has been read (the walk
   *     has moved past the Reshape)
   * @throws ModelFormatException naming the node where a subgraph that starts with Shape leaves
   *     the pattern
   */
  private boolean matchDynamicFlatten(List<Integer> users) {
    int k = is(graph.getNode(users.get(0)), "Shape") ? 0
        : is(graph.getNode(users.get(1)), "Shape") ? 1 : -1;
    if (k < 0) {
      return false;
    }
    int shapeIndex = users.get(k);
    int reshapeIndex = users.get(1 - k);
    NodeProto shape = graph.getNode(shapeIndex);
    requireKnownShape(shapeIndex);
    if (shape.getInputCount() != 1) {
      throw error(shapeIndex, "has " + shape.getInputCount() + " inputs; Shape takes 1");
    }
    long end = intAttr(shapeIndex, "end", dims.length);
    if (intAttr(shapeIndex, "start", 0) != 0 || end == 0 || (end < 0 && end + dims.length <= 0)) {
      throw error(shapeIndex, "does not start at dimension 0; sparsenn reads Shape only to take"
          + " the batch size for a flatten");
    }
    int gatherIndex = flattenStep(shapeIndex, "Gather");
    NodeProto gather = graph.getNode(gatherIndex);
    if (gather.getInputCount() != 2 || !gather.getInput(0).equals(shape.getOutput(0))
        || !isConstant(gather.getInput(1))) {
      throw error(gatherIndex, "must gather from the Shape output with a constant index");
    }
    Constant index = constant(gatherIndex, gather.getInput(1));
    long axis = intAttr(gatherIndex, "axis", 0);
    if ((axis != 0 && axis != -1) || index.ints() == null || !index.isScalar()
        || (index.ints()[0] != 0 && index.ints()[0] != -dims.length)) {
      throw error(gatherIndex, "does not take dimension 0 (the batch) of the shape; sparsenn"
          + " reads only the flatten x.view(x.size(0), -1)");
    }
    int last = gatherIndex;
    if (index.dims().length == 0) {
      last = flattenStep(gatherIndex, "Unsqueeze");
      checkUnsqueezeToVector(last, gather.getOutput(0));
    }
    int concatIndex = flattenStep(last, "Concat");
    NodeProto concat = graph.getNode(concatIndex);
    long concatAxis = intAttr(concatIndex, "axis", 0);
    Constant rest = concat.getInputCount() == 2 && isConstant(concat.getInput(1))
        ? constant(concatIndex, concat.getInput(1)) : null;
    long features = features();
    if ((concatAxis != 0 && concatAxis != -1) || rest == null
        || !concat.getInput(0).equals(graph.getNode(last).getOutput(0))
        || rest.ints() == null || !rest.isScalar() || rest.dims().length != 1
        || (rest.ints()[0] != -1 && rest.ints()[0] != features)) {
      throw error(concatIndex, "must join the batch size with a constant [-1] (or [" + features
          + "]); sparsenn reads only the flatten x.view(x.size(0), -1)");
    }
    if (flattenStep(concatIndex, "Reshape") != reshapeIndex) {
      throw error(concatIndex, "feeds another Reshape than the one that reshapes '" + current
          + "'");
    }
    NodeProto reshape = graph.getNode(reshapeIndex);
    if (reshape.getInputCount() != 2 || !reshape.getInput(0).equals(current)
        || !reshape.getInput(1).equals(concat.getOutput(0))) {
      throw error(reshapeIndex, "must reshape '" + current + "' to the shape from "
          + describe(concatIndex));
    }
    if (intAttr(reshapeIndex, "allowzero", 0) != 0 && dims[0] == 0) {
      throw error(reshapeIndex, "has allowzero with an empty batch");
    }
    for (int i : new int[] {shapeIndex, gatherIndex, last, concatIndex, reshapeIndex}) {
      visited[i] = true;
    }
    dims = new long[] {dims[0], features};
    current = reshape.getOutput(0);
    return true;
  }

  /** The next node of the dynamic flatten: the sole consumer of {@code from}, an {@code op}. */
  private int flattenStep(int from, String op) {
    Integer user = soleConsumer(graph.getNode(from).getOutput(0));
    if (user == null || visited[user] || !is(graph.getNode(user), op)) {
      throw error(from, "must feed exactly one " + op + " in the dynamic flatten that PyTorch"
          + " exports for x.view(x.size(0), -1)"
          + (user == null ? "" : "; it feeds " + describe(user)));
    }
    return user;
  }

  /** Checks that an Unsqueeze turns the scalar {@code input} into a vector (axes [0]). */
  private void checkUnsqueezeToVector(int index, String input) {
    NodeProto node = graph.getNode(index);
    List<Long> axes;
    if (node.getInputCount() == 2 && isConstant(node.getInput(1))) {
      Constant c = constant(index, node.getInput(1));
      axes = new ArrayList<>();
      if (c.ints() != null) {
        for (long a : c.ints()) {
          axes.add(a);
        }
      }
    } else {
      AttributeProto a = attr(index, "axes");
      axes = node.getInputCount() == 1 && a != null ? a.getIntsList() : List.of();
    }
    if (!node.getInput(0).equals(input) || axes.size() != 1
        || (axes.get(0) != 0 && axes.get(0) != -1)) {
      throw error(index, "must unsqueeze the batch size at axis 0 (axes " + axes + ")");
    }
  }

  private static boolean is(NodeProto node, String op) {
    return node.getOpType().equals(op) && isDefaultDomain(node) && node.getOutputCount() == 1;
  }

  /** The input of a two-input node that is not {@code value}, or null. */
  private static String otherInput(NodeProto node, String value) {
    if (node.getInputCount() != 2) {
      return null;
    }
    if (node.getInput(0).equals(value)) {
      return node.getInput(1);
    }
    return node.getInput(1).equals(value) ? node.getInput(0) : null;
  }

  /** The one consumer of a value that is not the graph output, or null. */
  private Integer soleConsumer(String value) {
    List<Integer> users = consumers.getOrDefault(value, List.of());
    return users.size() == 1 && !isGraphOutput(value) ? users.get(0) : null;
  }

  private boolean isConstantNear(String name, double expected) {
    if (name == null || !isConstant(name)) {
      return false;
    }
    Constant c = constant(-1, name);
    return c.floats() != null && c.isScalar()
        && Math.abs(c.floats()[0] - expected) <= GELU_CONSTANT_TOLERANCE * expected;
  }

  boolean isGraphOutput(String value) {
    for (ValueInfoProto out : graph.getOutputList()) {
      if (out.getName().equals(value)) {
        return true;
      }
    }
    return false;
  }

  // ---- attributes and messages -------------------------------------------------------------

  static boolean isDefaultDomain(NodeProto node) {
    return node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
  }

  AttributeProto attr(int index, String name) {
    for (AttributeProto a : graph.getNode(index).getAttributeList()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  long intAttr(int index, String name, long otherwise) {
    AttributeProto a = attr(index, name);
    if (a == null) {
      return otherwise;
    }
    if (a.getType() != AttributeProto.AttributeType.INT && !(a.getType()
        == AttributeProto.AttributeType.UNDEFINED && a.hasI())) {
      throw error(index, "has attribute '" + name + "' of type " + a.getType()
          + "; expected INT");
    }
    return a.getI();
  }

  private float floatAttr(int index, String name, float otherwise) {
    AttributeProto a = attr(index, name);
    if (a == null) {
      return otherwise;
    }
    if (a.getType() != AttributeProto.AttributeType.FLOAT && !(a.getType()
        == AttributeProto.AttributeType.UNDEFINED && a.hasF())) {
      throw error(index, "has attribute '" + name + "' of type " + a.getType()
          + "; expected FLOAT");
    }
    return a.getF();
  }

  String stringAttr(int index, String name, String otherwise) {
    AttributeProto a = attr(index, name);
    if (a == null) {
      return otherwise;
    }
    if (a.getType() != AttributeProto.AttributeType.STRING && !(a.getType()
        == AttributeProto.AttributeType.UNDEFINED && a.hasS())) {
      throw error(index, "has attribute '" + name + "' of type " + a.getType()
          + "; expected STRING");
    }
    return a.getS().toStringUtf8();
  }

  private long features() {
    if (dims == null) {
      return -1;
    }
    long f = 1;
    for (int i = 1; i < dims.length; i++) {
      if (dims[i] < 0) {
        return -1;
      }
      if (dims[i] != 0 && f > OnnxTensors.MAX_ELEMENTS / dims[i]) {
        throw new ModelFormatException("value '" + current + "' has shape " + shapeText(dims)
            + ", more than " + OnnxTensors.MAX_ELEMENTS + " features");
      }
      f *= dims[i];
    }
    return f;
  }

  static String shapeText(long[] d) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < d.length; i++) {
      s.append(i == 0 ? "" : ", ").append(d[i] < 0 ? "?" : String.valueOf(d[i]));
    }
    return s.append(']').toString();
  }

  /** "node 3 'fc1' (Gemm)". */
  String describe(int index) {
    NodeProto node = graph.getNode(index);
    String name = node.getName().isEmpty() ? "" : " '" + node.getName() + "'";
    return "node " + index + name + " (" + node.getOpType() + ")";
  }

  ModelFormatException error(int index, String what) {
    if (index < 0) {
      return new ModelFormatException(what);
    }
    return new ModelFormatException(describe(index) + " " + what);
  }
}
