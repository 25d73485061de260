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
 * <p>Networks with recurrent layers are not exported yet: every form throws
 * {@link IllegalArgumentException} for them.
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
    network.requireFeedForward("ONNX export");
    GraphProto.Builder graph = GraphProto.newBuilder().setName("sparsenn");
    graph.addInput(floatInfo(INPUT, network.originalInputs()));
    List<DenseLayer> layers = network.layers();
    String x = INPUT;
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

  private static TensorProto scalar(String name, float value) {
    return floats(name, new float[] {value});
  }
}
