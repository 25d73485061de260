package org.sparsenn.io.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparsenn.io.ModelFormatException;
import org.sparsenn.io.onnx.proto.OnnxProtos.AttributeProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.GraphProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.ModelProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.NodeProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.OperatorSetIdProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.TensorProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.TensorShapeProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.TypeProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.ValueInfoProto;
import org.sparsenn.model.Network;

/**
 * Graph shapes the fixtures do not cover, built in memory with the generated protobuf
 * classes: each must be read exactly or rejected with a message naming the node.
 */
class OnnxGraphReaderTest {

  @Test
  void inputWithoutDeclaredShapeTakesItsWidthFromTheFirstLayer() {
    GraphProto.Builder g = graph(List.of(gemm("fc", "input", "output", "w")), "input", "output")
        .addInitializer(floats("w", 3, 2));
    g.setInput(0, ValueInfoProto.newBuilder().setName("input"));
    Network net = read(g, 13);
    assertEquals(2, net.inputs());
    assertEquals(3, net.outputs());
  }

  @Test
  void nodeOffThePathIsRejected() {
    GraphProto.Builder g = graph(List.of(gemm("fc", "input", "output", "w"),
        node("Relu", "side", List.of("w"), "unused")), "input", "output")
        .addInitializer(floats("w", 3, 2));
    assertRejected(g, 13, "node 1 'side' (Relu)", "not on the path");
  }

  @Test
  void cycleIsRejected() {
    GraphProto.Builder g = graph(List.of(gemm("fc", "input", "h", "w"),
        node("Relu", "loop", List.of("h"), "h")), "input", "output")
        .addInitializer(floats("w", 3, 2));
    assertRejected(g, 13, "node 1 'loop' (Relu)", "cycle");
  }

  @Test
  void addOfTwoComputedValuesIsRejected() {
    GraphProto.Builder g = graph(List.of(gemm("fc", "input", "h", "w"),
        node("Add", "double", List.of("h", "h"), "output")), "input", "output")
        .addInitializer(floats("w", 3, 2));
    assertRejected(g, 13, "node 1 'double' (Add)", "two computed values");
  }

  @Test
  void constantOnTheLeftOfMatMulIsRejected() {
    GraphProto.Builder g = graph(List.of(
        node("MatMul", "mm", List.of("w", "input"), "output")), "input", "output")
        .addInitializer(floats("w", 2, 2));
    assertRejected(g, 13, "node 0 'mm' (MatMul)", "from the left");
  }

  @Test
  void geluBeforeOpset20IsRejected() {
    GraphProto.Builder g = graph(List.of(gemm("fc", "input", "h", "w"),
        node("Gelu", "act", List.of("h"), "output")), "input", "output")
        .addInitializer(floats("w", 3, 2));
    assertRejected(g, 17, "node 1 'act' (Gelu)", "opset 20");
  }

  @Test
  void activationWithoutALayerIsRejected() {
    GraphProto.Builder g = graph(List.of(node("Relu", "first", List.of("input"), "h"),
        gemm("fc", "h", "output", "w")), "input", "output")
        .addInitializer(floats("w", 3, 2));
    assertRejected(g, 13, "node 0 'first' (Relu)", "no Gemm or MatMul precedes");
  }

  @Test
  void activationBetweenFoldedConstantsAndTheNextLayerIsRejected() {
    GraphProto.Builder g = graph(List.of(gemm("fc1", "input", "h", "w"),
        node("Relu", "relu", List.of("h"), "a"),
        node("Mul", "scale", List.of("a", "half"), "s"),
        node("Sigmoid", "squash", List.of("s"), "q"),
        gemm("fc2", "q", "output", "w2")), "input", "output")
        .addInitializer(floats("w", 3, 2)).addInitializer(floats("w2", 2, 3))
        .addInitializer(floats("half", 1, 1));
    assertRejected(g, 13, "node 3 'squash' (Sigmoid)", "node 2 'scale' (Mul)");
  }

  @Test
  void inputNormalisationFollowsTheInputFeatureSelection() {
    // (x - [0.1 .. 0.4]) then Gather [1, 3]: the fold must subtract 0.2 and 0.4
    GraphProto.Builder g = graph(List.of(node("Sub", "center", List.of("input", "mean"), "c"),
        node("Gather", "keep", List.of("c", "idx"), "k").toBuilder()
            .addAttribute(AttributeProto.newBuilder().setName("axis")
                .setType(AttributeProto.AttributeType.INT).setI(1)).build(),
        gemm("fc", "k", "output", "w")), "input", "output")
        .addInitializer(floats("mean", 1, 4)).addInitializer(floats("w", 1, 2))
        .addInitializer(TensorProto.newBuilder().setName("idx")
            .setDataType(TensorProto.DataType.INT64_VALUE).addDims(2).addInt64Data(1)
            .addInt64Data(3));
    g.setInput(0, g.getInput(0).toBuilder().setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE)
            .setShape(TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(4))))));
    Network net = read(g, 13);
    // w = [0.1, 0.2]: bias = -(0.1 * 0.2 + 0.2 * 0.4)
    assertEquals(-0.1f, net.layers().get(0).bias()[0], 1e-6f);
  }

  @Test
  void graphOutputConsumedMidChainIsRejected() {
    GraphProto.Builder g = graph(List.of(gemm("fc", "input", "output", "w"),
        node("Relu", "after", List.of("output"), "r")), "input", "output")
        .addInitializer(floats("w", 3, 2));
    assertRejected(g, 13, "graph output 'output'", "node 1 'after' (Relu)");
  }

  @Test
  void castToAnIntegerTypeIsRejected() {
    NodeProto cast = node("Cast", "to_int", List.of("w_stored"), "w").toBuilder()
        .addAttribute(AttributeProto.newBuilder().setName("to")
            .setType(AttributeProto.AttributeType.INT).setI(TensorProto.DataType.INT32_VALUE))
        .build();
    GraphProto.Builder g = graph(List.of(cast, gemm("fc", "input", "output", "w")),
        "input", "output").addInitializer(floats("w_stored", 3, 2));
    assertRejected(g, 13, "node 0 'to_int' (Cast)", "int32");
  }

  @Test
  void attributeOfTheWrongTypeIsRejected() {
    NodeProto leaky = node("LeakyRelu", "leaky", List.of("h"), "output").toBuilder()
        .addAttribute(AttributeProto.newBuilder().setName("alpha")
            .setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8("x")))
        .build();
    GraphProto.Builder g = graph(List.of(gemm("fc", "input", "h", "w"), leaky), "input", "output")
        .addInitializer(floats("w", 3, 2));
    assertRejected(g, 13, "node 1 'leaky' (LeakyRelu)", "alpha");
  }

  @Test
  void missingOpsetIsRejected() {
    GraphProto.Builder g = graph(List.of(gemm("fc", "input", "output", "w")), "input", "output")
        .addInitializer(floats("w", 3, 2));
    byte[] bytes = ModelProto.newBuilder().setIrVersion(8).setGraph(g).build().toByteArray();
    ModelFormatException e =
        assertThrows(ModelFormatException.class, () -> OnnxReader.read(bytes, null));
    assertTrue(e.getMessage().contains("operator set"), e.getMessage());
  }

  // ---- builders ------------------------------------------------------------------------------

  private static Network read(GraphProto.Builder g, int opset) {
    return OnnxReader.read(model(g, opset), null);
  }

  private static void assertRejected(GraphProto.Builder g, int opset, String... fragments) {
    byte[] bytes = model(g, opset);
    ModelFormatException e =
        assertThrows(ModelFormatException.class, () -> OnnxReader.read(bytes, null));
    for (String fragment : fragments) {
      assertTrue(e.getMessage().contains(fragment),
          "message lacks '" + fragment + "': " + e.getMessage());
    }
  }

  private static byte[] model(GraphProto.Builder g, int opset) {
    return ModelProto.newBuilder().setIrVersion(8).setGraph(g)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .build().toByteArray();
  }

  private static GraphProto.Builder graph(List<NodeProto> nodes, String input, String output) {
    return GraphProto.newBuilder().setName("g").addAllNode(nodes)
        .addInput(value(input)).addOutput(value(output));
  }

  private static ValueInfoProto value(String name) {
    TensorShapeProto shape = TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch")).build();
    return ValueInfoProto.newBuilder().setName(name)
        .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
            .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape.toBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("features")))))
        .build();
  }

  private static NodeProto node(String op, String name, List<String> inputs, String output) {
    return NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs)
        .addOutput(output).build();
  }

  private static NodeProto gemm(String name, String input, String output, String weights) {
    return node("Gemm", name, List.of(input, weights), output).toBuilder()
        .addAttribute(AttributeProto.newBuilder().setName("transB")
            .setType(AttributeProto.AttributeType.INT).setI(1))
        .build();
  }

  /** A float32 tensor [rows, cols] in raw_data with values 0.1, 0.2, ... */
  private static TensorProto floats(String name, int rows, int cols) {
    ByteBuffer raw = ByteBuffer.allocate(4 * rows * cols).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < rows * cols; i++) {
      raw.putFloat(0.1f * (i + 1));
    }
    return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
        .addDims(rows).addDims(cols).setRawData(ByteString.copyFrom(raw.array())).build();
  }
}
