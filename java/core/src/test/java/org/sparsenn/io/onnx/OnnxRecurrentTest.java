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
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparsenn.engine.Session;
import org.sparsenn.engine.SessionOptions;
import org.sparsenn.io.ModelFormatException;
import org.sparsenn.kernel.JavaKernels;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.model.Network;
import org.sparsenn.model.ReferenceSequenceForward;

/**
 * Reads the recurrent fixtures of {@code make_recurrent_fixtures.py} (PyTorch's own exports,
 * listed in {@code recurrent-manifest.tsv}): each valid one must read as the network the
 * manifest names and compute PyTorch's outputs (and ONNX Runtime's, running the same file)
 * within 1e-4; each invalid one must fail naming what sparsenn refuses.
 */
class OnnxRecurrentTest {
  private static final Path DIR = fixtureDir();
  static final double TOLERANCE = 1e-4;

  /** One manifest line: for a valid fixture the expected network, else a word the error names. */
  record Fixture(boolean valid, String name, String detail) {
    Path file() {
      return DIR.resolve(name + ".onnx");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A fixture's input {@code [batch, steps, features]} and PyTorch's output. */
  record Reference(int batch, int steps, float[] input, float[] output) {}

  static Stream<Fixture> fixtures() throws IOException {
    return Files.readAllLines(DIR.resolve("recurrent-manifest.tsv")).stream()
        .filter(line -> !line.isBlank())
        .map(line -> line.split("\t"))
        .map(f -> new Fixture(f[0].equals("valid"), f[1], f[2]));
  }

  static Stream<Fixture> validFixtures() throws IOException {
    return fixtures().filter(Fixture::valid);
  }

  static Stream<Fixture> invalidFixtures() throws IOException {
    return fixtures().filter(f -> !f.valid());
  }

  @ParameterizedTest
  @MethodSource("validFixtures")
  void readsTheExportedNetworkAndItsOutputs(Fixture fixture) throws IOException {
    Network net = OnnxReader.read(fixture.file());
    assertEquals(fixture.detail(), net.toString());
    Reference ref = reference(fixture.name());
    float[] actual = ReferenceSequenceForward.forward(net, ref.input(), ref.batch(),
        ref.steps());
    assertClose(ref.output(), actual, fixture.name());
  }

  @ParameterizedTest
  @MethodSource("validFixtures")
  void matchesOnnxRuntime(Fixture fixture) throws IOException, OrtException {
    Reference ref = reference(fixture.name());
    OrtEnvironment ort = OrtEnvironment.getEnvironment();
    float[] expected;
    try (OrtSession session = ort.createSession(fixture.file().toString(),
            new OrtSession.SessionOptions());
        OnnxTensor input = OnnxTensor.createTensor(ort, FloatBuffer.wrap(ref.input()),
            new long[] {ref.batch(), ref.steps(), ref.input().length / ref.batch() / ref.steps()});
        OrtSession.Result result = session.run(Map.of("input", input))) {
      FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
      expected = new float[out.remaining()];
      out.get(expected);
    }
    Network net = OnnxReader.read(fixture.file());
    assertClose(expected, ReferenceSequenceForward.forward(net, ref.input(), ref.batch(),
        ref.steps()), fixture.name() + " vs ONNX Runtime");
  }

  @ParameterizedTest
  @MethodSource("validFixtures")
  void sessionsOnNativeAndJavaKernelsMatchPyTorch(Fixture fixture) throws IOException {
    Network net = OnnxReader.read(fixture.file());
    Reference ref = reference(fixture.name());
    for (Kernels kernels : List.of(Kernels.best(), JavaKernels.instance())) {
      try (Session session = Session.create(net, SessionOptions.defaults(), kernels)) {
        assertClose(ref.output(), session.runSequences(ref.input(), ref.batch(), ref.steps()),
            fixture.name() + " on " + kernels.name());
        int per = ref.input().length / ref.batch();
        int outputs = ref.output().length / ref.batch();
        for (int b = 0; b < ref.batch(); b++) {
          float[] one = Arrays.copyOfRange(ref.input(), b * per, (b + 1) * per);
          assertClose(Arrays.copyOfRange(ref.output(), b * outputs, (b + 1) * outputs),
              session.runSequences(one, 1, ref.steps()),
              fixture.name() + " sequence " + b + " alone on " + kernels.name());
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("invalidFixtures")
  void refusesNamingWhat(Fixture fixture) {
    ModelFormatException e =
        assertThrows(ModelFormatException.class, () -> OnnxReader.read(fixture.file()));
    assertTrue(e.getMessage().contains(fixture.detail()), e.getMessage());
  }

  @ParameterizedTest
  @MethodSource("validFixtures")
  void everyTruncationIsAModelFormatException(Fixture fixture) throws IOException {
    byte[] bytes = Files.readAllBytes(fixture.file());
    for (int length = 0; length < bytes.length; length += 97) {
      byte[] cut = Arrays.copyOf(bytes, length);
      try {
        OnnxReader.read(cut, null);
      } catch (ModelFormatException expected) {
        // what a cut should give; any other exception fails the test
      }
    }
  }

  static Reference reference(String name) throws IOException {
    List<String> lines = Files.readAllLines(DIR.resolve(name + ".ref.txt"));
    int[] shape = Arrays.stream(lines.get(0).split(" ")).skip(1).mapToInt(Integer::parseInt)
        .toArray();
    return new Reference(shape[0], shape[1], floats(lines.get(1)), floats(lines.get(3)));
  }

  private static float[] floats(String line) {
    String[] parts = line.trim().split(" ");
    float[] v = new float[parts.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = Float.parseFloat(parts[i]);
    }
    return v;
  }

  static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      if (Math.abs(expected[i] - actual[i]) > TOLERANCE) {
        fail(what + ": element " + i + " expected " + expected[i] + " but was " + actual[i]);
      }
    }
  }

  private static Path fixtureDir() {
    try {
      return Path.of(OnnxRecurrentTest.class.getResource("/onnx/recurrent-manifest.tsv")
          .toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
