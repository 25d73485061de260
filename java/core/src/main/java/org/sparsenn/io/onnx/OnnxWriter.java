package org.sparsenn.io.onnx;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.sparsenn.io.AtomicFiles;
import org.sparsenn.io.onnx.proto.OnnxProtos.AttributeProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.GraphProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.ModelProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.NodeProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.OperatorSetIdProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.StringStringEntryProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.TensorProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.TensorShapeProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.TypeProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.ValueInfoProto;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.model.RecurrentLayer;
import org.sparsenn.model.RecurrentLayer.Cell;
import org.sparsenn.model.SequenceOutput;

/**
 * Writes a {@link Network} as an ONNX model (IR version 8, default-domain opset 17) that any
 * ONNX runtime can run, so that the accuracy of a pruned network can be checked elsewhere.
 *
 * <p>The graph has one input {@code input}, float32 {@code [batch, inputs]} with a symbolic
 * batch dimension, and one output {@code output}, {@code [batch, outputs]}. Layer {@code i} is a
 * {@code Gemm} node {@code fc<i>} (transB = 1) with initializers {@code fc<i>.weight}
 * ({@code [out, in]}, dense: pruned weights are written as the zeros they are) and
 * {@code fc<i>.bias} ({@code [out]}), followed by its activation node {@code act<i>}: Relu,
 * LeakyRelu (alpha), Sigmoid, Tanh, or GELU as the erf pattern PyTorch exports ({@code Gelu}
 * itself needs opset 20, which older runtimes lack); then {@code Softmax} (axis -1) when the
 * network has a softmax output. Initializers are little-endian float32 {@code raw_data}. A
 * network whose input features were pruned still takes all its original features: a
 * {@code Gather} (axis 1) node {@code select_inputs} picks the kept ones before {@code fc0}.
 * Metadata given to the writer (provenance) goes into the model's {@code metadata_props}.
 *
 * <p>A protobuf message cannot exceed 2 GiB: a network whose weights and biases take more than
 * {@link #MAX_INITIALIZER_BYTES} is written to a file with them as ONNX external data in
 * {@code <file name>.data} beside it, and refused by the in-memory forms.
 *
 * <p>A recurrent network's input is {@code [batch, steps, features]} (symbolic batch and
 * steps), and its front end is written as PyTorch exports a {@code batch_first} LSTM, GRU or
 * RNN, ONNX's own layout and gate order, before the dense layers above (see
 * {@code recurrentFrontEnd}); {@link OnnxReader} reads it back as the same network.
 */
public final class OnnxWriter {
  /** The ONNX IR version written. */
  public static final long IR_VERSION = 8;

  /** The default-domain opset written. */
  public static final long OPSET = 17;

  /** Most bytes of initializer data one model may hold (1.9 GiB, below protobuf's 2 GiB). */
  public static final long MAX_INITIALIZER_BYTES = 1900L * 1024 * 1024;

  private static final String INPUT = "input";
  private static final String OUTPUT = "output";
  private static final String BATCH = "batch";
  private static final String SELECT = "select_inputs";
  private static final String SELECTED_FEATURES = "select_inputs.indices";
  private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

  private OnnxWriter() {}

  /**
   * Writes {@code network} to {@code file} through a temporary file in the same directory,
   * moved into place when complete: the file appears whole or not at all. Weights and biases
   * over {@link #MAX_INITIALIZER_BYTES} go to {@code <file name>.data} as external data.
   *
   * @throws UncheckedIOException naming the file if it cannot be written
   */
  public static void write(Network network, Path file) {
    write(network, file, Map.of());
  }

  /**
   * Writes {@code network} to {@code file} as {@link #write(Network, Path)} does, with
   * {@code metadata} (e.g. provenance: source digest, pruning method, sparsity) in the model's
   * {@code metadata_props}.
   *
   * @throws UncheckedIOException naming the file if it cannot be written
   */
  public static void write(Network network, Path file, Map<String, String> metadata) {
    write(network, file, metadata, MAX_INITIALIZER_BYTES);
  }

  /**
   * Writes {@code network} to {@code file}; when its weights and biases take more than
   * {@code externalAbove} bytes they go to {@code <file name>.data} beside it as ONNX external
   * data (each tensor 64-byte aligned), which is written first; both files appear whole or not
   * at all.
   */
  static void write(Network network, Path file, Map<String, String> metadata,
      long externalAbove) {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(metadata, "metadata");
    if (4 * network.parameterCount() <= externalAbove) {
      writeModel(file, toModel(network, metadata));
      return;
    }
    Path target = file.toAbsolutePath();
    String dataName = target.getFileName() + ".data";
    Path dataFile = target.resolveSibling(dataName);
    ModelProto[] model = new ModelProto[1];
    AtomicFiles.write(dataFile, channel ->
        model[0] = build(network, metadata, new ExternalData(channel, dataName)));
    try {
      writeModel(target, model[0]);
    } catch (RuntimeException e) {
      try {
        Files.deleteIfExists(dataFile);
      } catch (IOException ignored) {
        // the model's failure is the one to report
      }
      throw e;
    }
  }

  private static void writeModel(Path file, ModelProto model) {
    AtomicFiles.write(file, channel -> {
      OutputStream out = Channels.newOutputStream(channel);
      model.writeTo(out);
      out.flush();
    });
  }

  /**
   * Writes {@code network} as ONNX to {@code out}, which is left open.
   *
   * @throws IllegalArgumentException if the initializers would exceed
   *     {@link #MAX_INITIALIZER_BYTES}
   * @throws UncheckedIOException if the stream fails
   */
  public static void write(Network network, OutputStream out) {
    Objects.requireNonNull(out, "out");
    ModelProto model = toModel(network);
    try {
      model.writeTo(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write ONNX model: " + e.getMessage(), e);
    }
  }

  /**
   * The ONNX file's bytes for {@code network}.
   *
   * @throws IllegalArgumentException if the initializers would exceed
   *     {@link #MAX_INITIALIZER_BYTES}
   */
  public static byte[] toBytes(Network network) {
    return toModel(network).toByteArray();
  }

  /**
   * The ONNX model for {@code network}.
   *
   * @throws IllegalArgumentException if the initializers would exceed
   *     {@link #MAX_INITIALIZER_BYTES}
   */
  public static ModelProto toModel(Network network) {
    return toModel(network, Map.of());
  }

  /**
   * The ONNX model for {@code network}, with {@code metadata} in its {@code metadata_props}
   * (in key order).
   *
   * @throws IllegalArgumentException if the initializers would exceed
   *     {@link #MAX_INITIALIZER_BYTES}
   */
  public static ModelProto toModel(Network network, Map<String, String> metadata) {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(metadata, "metadata");
    long bytes = 4 * network.parameterCount();
    if (bytes > MAX_INITIALIZER_BYTES) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "%s has %d bytes of weights and biases (%.2f GiB), over the %.1f GiB that one ONNX"
              + " protobuf can hold; write it to a file, which puts them in external data",
          network, bytes, bytes / (double) (1L << 30),
          MAX_INITIALIZER_BYTES / (double) (1L << 30)));
    }
    return build(network, metadata, OnnxWriter::floats);
  }

  /** Makes the float initializers of weights and biases: inline or in external data. */
  @FunctionalInterface
  private interface Initializers {
    TensorProto floats(String name, float[] values, long... dims);
  }

  private static ModelProto build(Network network, Map<String, String> metadata,
      Initializers initializers) {
    GraphProto.Builder graph = GraphProto.newBuilder().setName("sparsenn");
    List<DenseLayer> layers = network.layers();
    String x = INPUT;
    if (network.isRecurrent()) {
      graph.addInput(sequenceInfo(INPUT, network.inputs()));
      x = recurrentFrontEnd(graph, network, initializers);
    } else {
      graph.addInput(floatInfo(INPUT, network.originalInputs()));
    }
    if (network.hasInputSelection()) {
      // Pruned input features: the model still takes every original feature and keeps its own.
      graph.addInitializer(longs(SELECTED_FEATURES, network.inputFeatures()));
      graph.addNode(node(SELECT, "Gather", SELECT, INPUT, SELECTED_FEATURES)
          .addAttribute(intAttr("axis", 1)));
      x = SELECT;
    }
    for (int i = 0; i < layers.size(); i++) {
      DenseLayer layer = layers.get(i);
      boolean last = i == layers.size() - 1;
      boolean identity = layer.activation().kind() == Activation.Kind.IDENTITY;
      String fc = "fc" + i;
      graph.addInitializer(initializers.floats(fc + ".weight", layer.weights(),
          layer.outputs(), layer.inputs()));
      graph.addInitializer(initializers.floats(fc + ".bias", layer.bias(), layer.outputs()));
      String y = last && identity && !network.softmaxOutput() ? OUTPUT : fc;
      graph.addNode(NodeProto.newBuilder().setName(fc).setOpType("Gemm")
          .addInput(x).addInput(fc + ".weight").addInput(fc + ".bias").addOutput(y)
          .addAttribute(intAttr("transB", 1)));
      x = y;
      if (!identity) {
        String a = "act" + i;
        String z = last && !network.softmaxOutput() ? OUTPUT : a;
        activation(graph, layer.activation(), a, x, z);
        x = z;
      }
    }
    if (network.softmaxOutput()) {
      graph.addNode(NodeProto.newBuilder().setName("softmax").setOpType("Softmax")
          .addInput(x).addOutput(OUTPUT).addAttribute(intAttr("axis", -1)));
    }
    graph.addOutput(floatInfo(OUTPUT, network.outputs()));
    String version = OnnxWriter.class.getPackage().getImplementationVersion();
    ModelProto.Builder model = ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setProducerName("sparsenn")
        .setProducerVersion(version == null ? "0.1.0" : version)
        .setGraph(graph);
    new TreeMap<>(metadata).forEach((key, value) -> model.addMetadataProps(
        StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
    return model.build();
  }

  /**
   * The recurrent front end as {@code torch.onnx.export} writes a {@code batch_first} model
   * (what {@link OnnxRecurrentReader} reads): {@code Transpose} of the input to
   * {@code [steps, batch, features]}, one {@code LSTM}/{@code GRU}/{@code RNN} node per layer
   * ({@code rnn<i>}, initializers {@code rnn<i>.W}, {@code .R}, {@code .B} and the non-zero
   * initial states, expanded over the batch), the Squeeze (one direction) or Transpose and
   * Reshape (two) that make each layer's {@code Y} the next one's {@code X}, then the vector
   * the dense layers read: the last step {@code y[:, -1, :]} ({@code Transpose} back to
   * batch-first and {@code Gather} of index -1 on axis 1), or the final states {@code Y_h}
   * ({@code Gather} of index -1 on axis 0 for one direction; {@code Transpose} to
   * {@code [batch, 2, hidden]} and {@code Reshape} to {@code [batch, 2 * hidden]} for two).
   *
   * @return the name of the {@code [batch, width]} value the dense layers read
   */
  private static String recurrentFrontEnd(GraphProto.Builder graph, Network network,
      Initializers initializers) {
    List<RecurrentLayer> recurrent = network.recurrentLayers();
    String stateShape = null;
    graph.addNode(node("input_to_steps", "Transpose", "input_to_steps", INPUT)
        .addAttribute(intsAttr("perm", 1, 0, 2)));
    String x = "input_to_steps";
    for (int i = 0; i < recurrent.size(); i++) {
      RecurrentLayer layer = recurrent.get(i);
      String name = "rnn" + i;
      int dirs = layer.direction().count();
      int gateRows = layer.gateRows();
      graph.addInitializer(initializers.floats(name + ".W", layer.inputWeights(), dirs,
          gateRows, layer.inputs()));
      graph.addInitializer(initializers.floats(name + ".R", layer.recurrentWeights(), dirs,
          gateRows, layer.hidden()));
      float[] bias = new float[2 * dirs * gateRows];
      for (int d = 0; d < dirs; d++) {
        System.arraycopy(layer.inputBias(d), 0, bias, 2 * d * gateRows, gateRows);
        System.arraycopy(layer.recurrentBias(d), 0, bias, (2 * d + 1) * gateRows, gateRows);
      }
      graph.addInitializer(initializers.floats(name + ".B", bias, dirs, 2L * gateRows));
      float[] h0 = states(layer, false);
      float[] c0 = layer.cell() == Cell.LSTM ? states(layer, true) : null;
      if ((h0 != null || c0 != null) && stateShape == null) {
        stateShape = stateShape(graph);
      }
      boolean last = i == recurrent.size() - 1;
      boolean finalState = last && network.sequenceOutput() == SequenceOutput.FINAL_STATE;
      NodeProto.Builder node = NodeProto.newBuilder().setName(name)
          .setOpType(layer.cell().name())
          .addInput(x).addInput(name + ".W").addInput(name + ".R").addInput(name + ".B")
          .addOutput(name + ".Y")
          .addAttribute(intAttr("hidden_size", layer.hidden()))
          .addAttribute(stringAttr("direction",
              layer.direction().name().toLowerCase(Locale.ROOT)));
      if (h0 != null || c0 != null) {
        node.addInput(""); // sequence_lens: sequences are read whole
        node.addInput(h0 == null ? "" : expandedState(graph, initializers,
            name + ".initial_h", h0, dirs, layer.hidden(), stateShape));
      }
      if (c0 != null) {
        node.addInput(expandedState(graph, initializers, name + ".initial_c", c0, dirs,
            layer.hidden(), stateShape));
      }
      if (finalState) {
        node.addOutput(name + ".Y_h");
      }
      if (layer.linearBeforeReset()) {
        node.addAttribute(intAttr("linear_before_reset", 1));
      }
      if (layer.cell() == Cell.RNN && layer.activation().equals(Activation.RELU)) {
        AttributeProto.Builder activations = AttributeProto.newBuilder().setName("activations")
            .setType(AttributeProto.AttributeType.STRINGS);
        for (int d = 0; d < dirs; d++) {
          activations.addStrings(ByteString.copyFromUtf8("Relu"));
        }
        node.addAttribute(activations);
      }
      graph.addNode(node);
      if (finalState) {
        return finalStates(graph, name, dirs);
      }
      x = sequenceOf(graph, name, dirs);
    }
    graph.addNode(node("steps_to_batch", "Transpose", "steps_to_batch", x)
        .addAttribute(intsAttr("perm", 1, 0, 2)));
    graph.addInitializer(longScalar("last_step.index", -1));
    graph.addNode(node("last_step", "Gather", "last_step", "steps_to_batch", "last_step.index")
        .addAttribute(intAttr("axis", 1)));
    return "last_step";
  }

  /** A layer's initial hidden (or cell) states, every direction, or null if all are zero. */
  private static float[] states(RecurrentLayer layer, boolean cell) {
    int dirs = layer.direction().count();
    float[] all = new float[dirs * layer.hidden()];
    boolean nonzero = false;
    for (int d = 0; d < dirs; d++) {
      float[] s = cell ? layer.initialCell(d) : layer.initialHidden(d);
      System.arraycopy(s, 0, all, d * layer.hidden(), s.length);
      for (float v : s) {
        nonzero |= v != 0f;
      }
    }
    return nonzero ? all : null;
  }

  /** {@code [1, batch, 1]} from the input's shape, to expand the initial states over. */
  private static String stateShape(GraphProto.Builder graph) {
    graph.addNode(node("batch_size", "Shape", "batch_size", INPUT)
        .addAttribute(intAttr("start", 0)).addAttribute(intAttr("end", 1)));
    graph.addInitializer(longs("state_shape.one", new int[] {1}));
    graph.addNode(node("state_shape", "Concat", "state_shape", "state_shape.one", "batch_size",
        "state_shape.one").addAttribute(intAttr("axis", 0)));
    return "state_shape";
  }

  /** A state {@code [dirs, 1, hidden]} expanded to {@code [dirs, batch, hidden]}. */
  private static String expandedState(GraphProto.Builder graph, Initializers initializers,
      String name, float[] values, int dirs, int hidden, String stateShape) {
    graph.addInitializer(initializers.floats(name + ".value", values, dirs, 1, hidden));
    graph.addNode(node(name, "Expand", name, name + ".value", stateShape));
    return name;
  }

  /** A layer's {@code Y [steps, dirs, batch, hidden]} as {@code [steps, batch, dirs * hidden]}. */
  private static String sequenceOf(GraphProto.Builder graph, String name, int dirs) {
    String y = name + ".Y";
    if (dirs == 1) {
      graph.addInitializer(longs(name + ".squeeze_axes", new int[] {1}));
      graph.addNode(node(name + ".squeeze", "Squeeze", name + ".sequence", y,
          name + ".squeeze_axes"));
    } else {
      graph.addNode(node(name + ".transpose", "Transpose", name + ".transposed", y)
          .addAttribute(intsAttr("perm", 0, 2, 1, 3)));
      graph.addInitializer(longs(name + ".join_shape", new int[] {0, 0, -1}));
      graph.addNode(node(name + ".join", "Reshape", name + ".sequence", name + ".transposed",
          name + ".join_shape"));
    }
    return name + ".sequence";
  }

  /** The last layer's final states {@code Y_h} as {@code [batch, dirs * hidden]}. */
  private static String finalStates(GraphProto.Builder graph, String name, int dirs) {
    String yh = name + ".Y_h";
    if (dirs == 1) {
      graph.addInitializer(longScalar("final_state.index", -1));
      graph.addNode(node("final_state", "Gather", "final_state", yh, "final_state.index")
          .addAttribute(intAttr("axis", 0)));
    } else {
      graph.addNode(node("final_state.transpose", "Transpose", "final_state.transposed", yh)
          .addAttribute(intsAttr("perm", 1, 0, 2)));
      graph.addInitializer(longs("final_state.shape", new int[] {0, -1}));
      graph.addNode(node("final_state", "Reshape", "final_state", "final_state.transposed",
          "final_state.shape"));
    }
    return "final_state";
  }

  /** The node(s) for one activation, named {@code name} (GELU: {@code name/div} ...). */
  private static void activation(GraphProto.Builder graph, Activation activation, String name,
      String in, String out) {
    switch (activation.kind()) {
      case RELU -> graph.addNode(node(name, "Relu", out, in));
      case LEAKY_RELU -> graph.addNode(node(name, "LeakyRelu", out, in)
          .addAttribute(AttributeProto.newBuilder().setName("alpha")
              .setType(AttributeProto.AttributeType.FLOAT).setF(activation.alpha())));
      case SIGMOID -> graph.addNode(node(name, "Sigmoid", out, in));
      case TANH -> graph.addNode(node(name, "Tanh", out, in));
      case GELU -> {
        // 0.5 x (1 + erf(x / sqrt 2)), the pattern torch.onnx.export writes for nn.GELU()
        String sqrt2 = name + ".sqrt2";
        String one = name + ".one";
        String half = name + ".half";
        graph.addInitializer(scalar(sqrt2, (float) Math.sqrt(2)));
        graph.addInitializer(scalar(one, 1f));
        graph.addInitializer(scalar(half, 0.5f));
        graph.addNode(node(name + "/div", "Div", name + "/div", in, sqrt2));
        graph.addNode(node(name + "/erf", "Erf", name + "/erf", name + "/div"));
        graph.addNode(node(name + "/add", "Add", name + "/add", name + "/erf", one));
        graph.addNode(node(name + "/mul", "Mul", name + "/mul", in, name + "/add"));
        graph.addNode(node(name + "/half", "Mul", out, name + "/mul", half));
      }
      case IDENTITY -> throw new AssertionError("identity needs no node");
    }
  }

  private static NodeProto.Builder node(String name, String op, String out, String... in) {
    NodeProto.Builder node = NodeProto.newBuilder().setName(name).setOpType(op).addOutput(out);
    for (String i : in) {
      node.addInput(i);
    }
    return node;
  }

  private static AttributeProto intAttr(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT)
        .setI(value).build();
  }

  private static AttributeProto intsAttr(String name, long... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
        .setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  private static AttributeProto stringAttr(String name, String value) {
    return AttributeProto.newBuilder().setName(name)
        .setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(value))
        .build();
  }

  /** {@code [batch, steps, features]} with symbolic batch and steps. */
  private static ValueInfoProto sequenceInfo(String name, int features) {
    TensorShapeProto shape = TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH))
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("steps"))
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(features))
        .build();
    return ValueInfoProto.newBuilder().setName(name)
        .setType(TypeProto.newBuilder().setTensorType(
            TypeProto.Tensor.newBuilder().setElemType(FLOAT).setShape(shape)))
        .build();
  }

  private static ValueInfoProto floatInfo(String name, int features) {
    TensorShapeProto shape = TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH))
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(features))
        .build();
    return ValueInfoProto.newBuilder().setName(name)
        .setType(TypeProto.newBuilder().setTensorType(
            TypeProto.Tensor.newBuilder().setElemType(FLOAT).setShape(shape)))
        .build();
  }

  private static TensorProto floats(String name, float[] values, long... dims) {
    ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(FLOAT)
        .setRawData(ByteString.copyFrom(raw));
    for (long d : dims) {
      tensor.addDims(d);
    }
    return tensor.build();
  }

  /** Appends each tensor's little-endian floats to the data file, 64-byte aligned. */
  private static final class ExternalData implements Initializers {
    private static final int ALIGNMENT = 64;
    private final FileChannel channel;
    private final String location;
    private long offset;

    ExternalData(FileChannel channel, String location) {
      this.channel = channel;
      this.location = location;
    }

    @Override
    public TensorProto floats(String name, float[] values, long... dims) {
      try {
        long start = (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        chunk.position((int) (start - offset));
        for (float v : values) {
          if (!chunk.hasRemaining()) {
            flush(chunk);
          }
          chunk.putFloat(v);
        }
        flush(chunk);
        offset = start + 4L * values.length;
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(FLOAT)
            .setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(entry("location", location))
            .addExternalData(entry("offset", Long.toString(start)))
            .addExternalData(entry("length", Long.toString(4L * values.length)));
        for (long d : dims) {
          tensor.addDims(d);
        }
        return tensor.build();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write external data " + location + ": "
            + e.getMessage(), e);
      }
    }

    private void flush(ByteBuffer chunk) throws IOException {
      chunk.flip();
      while (chunk.hasRemaining()) {
        channel.write(chunk);
      }
      chunk.clear();
    }

    private static StringStringEntryProto entry(String key, String value) {
      return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
  }

  private static TensorProto longs(String name, int[] values) {
    TensorProto.Builder tensor = TensorProto.newBuilder().setName(name)
        .setDataType(TensorProto.DataType.INT64_VALUE).addDims(values.length);
    for (int v : values) {
      tensor.addInt64Data(v);
    }
    return tensor.build();
  }

  private static TensorProto longScalar(String name, long value) {
    return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
        .addInt64Data(value).build();
  }

  private static TensorProto scalar(String name, float value) {
    return floats(name, new float[] {value});
  }
}
