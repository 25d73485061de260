package org.sparsenn.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparsenn.io.onnx.proto.OnnxProtos.ModelProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.NodeProto;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

/**
 * Writes random networks (dense and 90 % pruned, every activation, with and without softmax)
 * as ONNX, reads them back bit for bit with {@link OnnxReader}, and runs the written files in
 * ONNX Runtime against a plain double-precision forward pass.
 */
class OnnxWriterTest {
  private static OrtEnvironment ort;

  @TempDir Path dir;

  /** A network to export, named for the edge it exercises. */
  record Case(String name, Network network) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  static void startOrt() {
    ort = OrtEnvironment.getEnvironment();
  }

  @AfterAll
  static void stopOrt() {
    ort.close();
  }

  private static Network random(long seed, int[] sizes, double sparsity, boolean softmax,
      Activation... activations) {
    Random random = new Random(seed);
    List<DenseLayer> layers = new ArrayList<>();
    for (int l = 0; l + 1 < sizes.length; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      float[] w = new float[in * out];
      for (int i = 0; i < w.length; i++) {
        w[i] = random.nextDouble() < sparsity ? 0f
            : (float) (random.nextGaussian() / Math.sqrt(in * (1 - sparsity)));
      }
      float[] b = new float[out];
      for (int i = 0; i < out; i++) {
        b[i] = (float) (0.1 * random.nextGaussian());
      }
      layers.add(new DenseLayer(in, out, w, b, activations[l % activations.length]));
    }
    return new Network(layers, softmax);
  }

  static Stream<Case> cases() {
    List<Case> cases = new ArrayList<>();
    Activation[] all = {Activation.RELU, Activation.leakyRelu(0.2f), Activation.SIGMOID,
        Activation.TANH, Activation.GELU, Activation.IDENTITY};
    long seed = 1;
    for (Activation a : all) {
      cases.add(new Case("dense_" + a, random(seed++, new int[] {7, 16, 5}, 0, false, a,
          Activation.IDENTITY)));
      cases.add(new Case("pruned90_" + a + "_last", random(seed++, new int[] {33, 64, 10}, 0.9,
          false, a)));
    }
    cases.add(new Case("single_layer", random(seed++, new int[] {3, 2}, 0, false,
        Activation.IDENTITY)));
    cases.add(new Case("softmax_every_activation", random(seed++,
        new int[] {20, 40, 30, 25, 24, 18, 12, 6}, 0.5, true, all)));
    cases.add(new Case("pruned90_softmax_leaky_relu_small_alpha", random(seed++,
        new int[] {50, 128, 64, 10}, 0.9, true, Activation.leakyRelu(0.01f))));
    return cases.stream();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void roundTripsBitForBit(Case c) throws IOException {
    Path file = dir.resolve(c.name() + ".onnx");
    OnnxWriter.write(c.network(), file);
    assertSameNetwork(c.network(), OnnxReader.read(file));
    assertSameNetwork(c.network(), OnnxReader.read(OnnxWriter.toBytes(c.network()), dir));
    assertEquals(List.of(file), files());
  }

  @ParameterizedTest
  @MethodSource("cases")
  void onnxRuntimeMatchesADoublePrecisionForwardPass(Case c) throws OrtException {
    byte[] model = OnnxWriter.toBytes(c.network());
    try (OrtSession session = ort.createSession(model, new OrtSession.SessionOptions())) {
      for (int batch : new int[] {1, 3}) {
        float[] input = new float[batch * c.network().inputs()];
        Random random = new Random(batch);
        for (int i = 0; i < input.length; i++) {
          input[i] = (float) (2 * random.nextGaussian());
        }
        float[] expected = OnnxReaderTest.forward(c.network(), input, batch);
        float[] actual;
        try (OnnxTensor x = OnnxTensor.createTensor(ort, FloatBuffer.wrap(input),
                new long[] {batch, c.network().inputs()});
            OrtSession.Result result = session.run(Map.of("input", x))) {
          OnnxTensor y = (OnnxTensor) result.get("output").orElseThrow();
          assertArrayEquals(new long[] {batch, c.network().outputs()},
              y.getInfo().getShape());
          FloatBuffer out = y.getFloatBuffer();
          actual = new float[out.remaining()];
          out.get(actual);
        }
        assertClose(expected, actual, c.name() + " batch " + batch);
      }
    }
  }

  @Test
  void declaresADynamicBatchAndReadableNames() throws OrtException {
    Network net = random(99, new int[] {4, 8, 3}, 0.5, true, Activation.GELU,
        Activation.leakyRelu(0.3f));
    ModelProto model = OnnxWriter.toModel(net);
    assertEquals(8, model.getIrVersion());
    assertEquals(17, model.getOpsetImport(0).getVersion());
    assertEquals("", model.getOpsetImport(0).getDomain());
    assertEquals("sparsenn", model.getProducerName());
    assertTrue(!model.getProducerVersion().isEmpty());
    assertEquals(List.of("fc0/Gemm", "act0/div/Div", "act0/erf/Erf", "act0/add/Add",
        "act0/mul/Mul", "act0/half/Mul", "fc1/Gemm", "act1/LeakyRelu", "softmax/Softmax"),
        model.getGraph().getNodeList().stream().map(n -> n.getName() + "/" + n.getOpType())
            .toList());
    NodeProto gemm = model.getGraph().getNode(0);
    assertEquals(List.of("input", "fc0.weight", "fc0.bias"), gemm.getInputList());
    assertEquals("transB", gemm.getAttribute(0).getName());
    assertEquals(1, gemm.getAttribute(0).getI());
    assertEquals(List.of(8L, 4L), model.getGraph().getInitializer(0).getDimsList());
    assertEquals(List.of(8L), model.getGraph().getInitializer(1).getDimsList());
    assertEquals(4 * 8 * 4, model.getGraph().getInitializer(0).getRawData().size());
    try (OrtSession session = ort.createSession(model.toByteArray(),
        new OrtSession.SessionOptions())) {
      NodeInfo in = session.getInputInfo().get("input");
      NodeInfo out = session.getOutputInfo().get("output");
      assertArrayEquals(new long[] {-1, 4}, ((TensorInfo) in.getInfo()).getShape());
      assertArrayEquals(new String[] {"batch", ""},
          ((TensorInfo) in.getInfo()).getDimensionNames());
      assertArrayEquals(new long[] {-1, 3}, ((TensorInfo) out.getInfo()).getShape());
      assertEquals(1, session.getInputInfo().size());
    }
  }

  @Test
  void prunedInputFeaturesAreGatheredSoTheModelTakesFullInputs() throws OrtException {
    Network small = random(17, new int[] {3, 5, 2}, 0, false, Activation.RELU);
    int[] kept = {0, 4, 6};
    Network net = small.withInputSelection(7, kept);
    ModelProto model = OnnxWriter.toModel(net);
    assertEquals("Gather", model.getGraph().getNode(0).getOpType());
    Network back = OnnxReader.read(model.toByteArray(), dir);
    assertSameNetwork(small, back.withoutInputSelection());
    assertEquals(7, back.originalInputs());
    assertArrayEquals(kept, back.inputFeatures());
    float[] input = {0.5f, 9, 9, 9, -1.25f, 9, 2};
    float[] expected = OnnxReaderTest.forward(small, new float[] {0.5f, -1.25f, 2}, 1);
    try (OrtSession session = ort.createSession(model.toByteArray(),
            new OrtSession.SessionOptions());
        OnnxTensor x = OnnxTensor.createTensor(ort, FloatBuffer.wrap(input), new long[] {1, 7});
        OrtSession.Result result = session.run(Map.of("input", x))) {
      FloatBuffer out = ((OnnxTensor) result.get("output").orElseThrow()).getFloatBuffer();
      float[] actual = new float[out.remaining()];
      out.get(actual);
      assertClose(expected, actual, "gathered inputs");
    }
  }

  @Test
  void metadataGoesIntoMetadataPropsInKeyOrder() {
    Network net = random(5, new int[] {2, 2}, 0, false, Activation.RELU);
    ModelProto model = OnnxWriter.toModel(net,
        Map.of("sparsity", "0.9", "pruningMethod", "magnitude-global"));
    assertEquals(List.of("pruningMethod=magnitude-global", "sparsity=0.9"),
        model.getMetadataPropsList().stream().map(e -> e.getKey() + "=" + e.getValue())
            .toList());
  }

  @Test
  void streamBytesAndFileAreTheSame() throws IOException {
    Network net = random(5, new int[] {6, 9, 4}, 0.9, false, Activation.TANH);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OnnxWriter.write(net, out);
    Path file = dir.resolve("m.onnx");
    OnnxWriter.write(net, file);
    assertArrayEquals(OnnxWriter.toBytes(net), out.toByteArray());
    assertArrayEquals(out.toByteArray(), Files.readAllBytes(file));
  }

  @Test
  void replacesAnExistingFileWhole() throws IOException {
    Path file = Files.write(dir.resolve("m.onnx"), new byte[] {1, 2, 3});
    Network net = random(6, new int[] {2, 2}, 0, false, Activation.RELU);
    OnnxWriter.write(net, file);
    assertSameNetwork(net, OnnxReader.read(file));
    assertEquals(List.of(file), files());
  }

  @Test
  void missingDirectoryFailsNamingTheFileAndLeavesNothing() throws IOException {
    Path file = dir.resolve("no/such/m.onnx");
    Network net = random(7, new int[] {2, 2}, 0, false, Activation.RELU);
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> OnnxWriter.write(net, file));
    assertTrue(e.getMessage().contains("m.onnx"), e.getMessage());
    assertEquals(List.of(), files());
  }

  @Test
  void modelsOverTheProtobufLimitAreRefusedNamingTheSize() {
    // eight 8192 x 8192 layers: 2 GiB of float32, past 1.9 GiB; one layer object used eight
    // times, so the test holds 512 MiB
    int n = 8192;
    DenseLayer layer = new DenseLayer(n, n, new float[n * n], null, Activation.IDENTITY);
    Network big = new Network(Collections.nCopies(8, layer), false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OnnxWriter.toModel(big));
    assertTrue(e.getMessage().contains("external data")
        && e.getMessage().contains(Long.toString(4 * big.parameterCount())), e.getMessage());
  }

  @Test
  void largeModelsGoToExternalDataThatReadersAndOnnxRuntimeLoad() throws Exception {
    Network net = random(21, new int[] {30, 40, 5}, 0.5, true, Activation.GELU);
    Path file = dir.resolve("big.onnx");
    // a threshold of 0 bytes puts every weight and bias in external data
    OnnxWriter.write(net, file, Map.of("sparsity", "0.5"), 0);
    assertEquals(List.of(file, dir.resolve("big.onnx.data")), files());
    assertTrue(Files.size(file) < 2000, "weights are not inline: " + Files.size(file));
    assertSameNetwork(net, OnnxReader.read(file));
    float[] input = new float[2 * 30];
    Arrays.fill(input, 0.25f);
    try (OrtSession session = ort.createSession(file.toString(), new OrtSession.SessionOptions());
        OnnxTensor x = OnnxTensor.createTensor(ort, FloatBuffer.wrap(input), new long[] {2, 30});
        OrtSession.Result result = session.run(Map.of("input", x))) {
      FloatBuffer out = ((OnnxTensor) result.get("output").orElseThrow()).getFloatBuffer();
      float[] actual = new float[out.remaining()];
      out.get(actual);
      assertClose(OnnxReaderTest.forward(net, input, 2), actual, "external data in ORT");
    }
  }

  private List<Path> files() throws IOException {
    try (var list = Files.list(dir)) {
      return list.sorted().toList();
    }
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double tolerance = 1e-5 + 1e-5 * Math.abs(expected[i]);
      if (Math.abs(expected[i] - actual[i]) > tolerance) {
        fail(what + ": element " + i + " expected " + expected[i] + " but was " + actual[i]);
      }
    }
  }

  private static void assertSameNetwork(Network a, Network b) {
    assertEquals(a.layers().size(), b.layers().size());
    assertEquals(a.softmaxOutput(), b.softmaxOutput());
    for (int i = 0; i < a.layers().size(); i++) {
      DenseLayer x = a.layers().get(i);
      DenseLayer y = b.layers().get(i);
      assertEquals(x.inputs(), y.inputs());
      assertEquals(x.outputs(), y.outputs());
      float[] wx = x.weights();
      float[] wy = y.weights();
      for (int k = 0; k < wx.length; k++) {
        if (Float.floatToRawIntBits(wx[k]) != Float.floatToRawIntBits(wy[k])) {
          fail("layer " + i + " weight " + k + ": " + wx[k] + " != " + wy[k]);
        }
      }
      assertArrayEquals(x.bias(), y.bias());
      assertEquals(x.activation(), y.activation());
    }
  }
}
