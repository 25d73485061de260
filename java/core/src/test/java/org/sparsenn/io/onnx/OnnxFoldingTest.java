package org.sparsenn.io.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparsenn.io.ModelFormatException;
import org.sparsenn.io.NpyArray;
import org.sparsenn.io.NpyReader;
import org.sparsenn.model.Network;
import org.sparsenn.model.ReferenceForward;

/**
 * Reads the fixtures of {@code src/test/resources/onnx/make_fold_fixtures.py} (listed in its
 * {@code fold-manifest.tsv}): MLPs exported by {@code torch.onnx.export} with BatchNorm1d and
 * input normalisation, whose constants the reader folds into the weights. Each valid one must
 * match numpy's output (computed from the PyTorch parameters, not from the graph) and ONNX
 * Runtime's within 1e-4; each invalid one must be a {@link ModelFormatException} naming the
 * node and op.
 */
class OnnxFoldingTest {
  private static final Path DIR = fixtureDir();
  private static final double TOLERANCE = 1e-4;

  /** One manifest line: valid NAME SHAPE, or invalid NAME FRAGMENTS. */
  record Fixture(boolean valid, String name, String detail) {
    Path file() {
      return DIR.resolve(name + ".onnx");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static Path fixtureDir() {
    try {
      return Path.of(OnnxFoldingTest.class.getResource("/onnx/fold-manifest.tsv").toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<Fixture> fixtures() throws IOException {
    return Files.readAllLines(DIR.resolve("fold-manifest.tsv")).stream()
        .filter(line -> !line.isBlank())
        .map(line -> line.split("\t"))
        .map(f -> new Fixture(f[0].equals("valid"), f[1], f[2]))
        .toList();
  }

  static Stream<Fixture> validFixtures() throws IOException {
    return fixtures().stream().filter(Fixture::valid);
  }

  static Stream<Fixture> invalidFixtures() throws IOException {
    return fixtures().stream().filter(f -> !f.valid());
  }

  @Test
  void manifestCoversBatchNormNormalisationAndFailures() throws IOException {
    List<String> names = fixtures().stream().map(Fixture::name).toList();
    assertTrue(names.contains("torch_normalized_batchnorm_mlp_opset17"), names.toString());
    assertTrue(names.contains("torch_scaled_batchnorm_after_relu_opset13"), names.toString());
    assertTrue(names.contains("invalid_torch_layernorm_opset17"), names.toString());
    assertTrue(validFixtures().count() >= 10, "valid fixtures");
    assertTrue(invalidFixtures().count() >= 6, "invalid fixtures");
  }

  @ParameterizedTest
  @MethodSource("validFixtures")
  void foldsIntoPlainLayers(Fixture fixture) {
    Network net = OnnxReader.read(fixture.file());
    String shape = net.inputs() + net.layers().stream().map(l -> "-" + l.outputs())
        .collect(Collectors.joining());
    assertEquals(fixture.detail(), shape);
  }

  @ParameterizedTest
  @MethodSource("validFixtures")
  void matchesNumpyWithin1e4(Fixture fixture) {
    NpyArray input = NpyReader.read(DIR.resolve(fixture.name() + ".input.npy"));
    NpyArray expected = NpyReader.read(DIR.resolve(fixture.name() + ".expected.npy"));
    float[] actual = ReferenceForward.forward(OnnxReader.read(fixture.file()), input.data(),
        input.shape()[0]);
    assertClose(expected.data(), actual, fixture.name() + " vs numpy");
  }

  @ParameterizedTest
  @MethodSource("validFixtures")
  void matchesOnnxRuntimeWithin1e4(Fixture fixture) throws OrtException {
    NpyArray input = NpyReader.read(DIR.resolve(fixture.name() + ".input.npy"));
    long[] shape = Arrays.stream(input.shape()).mapToLong(d -> d).toArray();
    OrtEnvironment ort = OrtEnvironment.getEnvironment();
    float[] expected;
    try (OrtSession session = ort.createSession(fixture.file().toString(),
            new OrtSession.SessionOptions());
        OnnxTensor tensor = OnnxTensor.createTensor(ort, FloatBuffer.wrap(input.data()), shape);
        OrtSession.Result result = session.run(Map.of("input", tensor))) {
      FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
      expected = new float[out.remaining()];
      out.get(expected);
    }
    float[] actual = ReferenceForward.forward(OnnxReader.read(fixture.file()), input.data(),
        input.shape()[0]);
    assertClose(expected, actual, fixture.name() + " vs ONNX Runtime");
  }

  @ParameterizedTest
  @MethodSource("invalidFixtures")
  void rejectsNamingTheNodeAndOp(Fixture fixture) {
    ModelFormatException e =
        assertThrows(ModelFormatException.class, () -> OnnxReader.read(fixture.file()));
    for (String fragment : fixture.detail().split("\\|")) {
      assertTrue(e.getMessage().contains(fragment),
          "message lacks '" + fragment + "': " + e.getMessage());
    }
  }

  @ParameterizedTest
  @MethodSource("validFixtures")
  void everyTruncationIsAModelFormatException(Fixture fixture) throws IOException {
    byte[] bytes = Files.readAllBytes(fixture.file());
    for (int length = 0; length < bytes.length; length++) {
      byte[] cut = Arrays.copyOf(bytes, length);
      try {
        OnnxReader.load(cut, DIR);
        fail("truncation to " + length + " of " + bytes.length + " bytes was read as a model");
      } catch (ModelFormatException expected) {
        // the only acceptable outcome
      } catch (RuntimeException | Error e) {
        throw new AssertionError("truncation to " + length + " bytes threw " + e, e);
      }
    }
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double tolerance = TOLERANCE * Math.max(1, Math.abs(expected[i]));
      if (!(Math.abs(expected[i] - actual[i]) <= tolerance)) {
        fail(what + ": element " + i + " expected " + expected[i] + " but was " + actual[i]);
      }
    }
  }
}
