package org.sparsenn.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparsenn.io.LoadedModel;
import org.sparsenn.io.ModelFormatException;
import org.sparsenn.io.ReadOptions;
import org.sparsenn.model.Activation;
import org.sparsenn.model.Network;
import org.sparsenn.model.ReferenceForward;

/**
 * Reads the fixtures written by {@code src/test/resources/onnx/make_fixtures.py} (listed in its
 * {@code manifest.tsv}) and checks each valid one against numpy's expected output and against
 * ONNX Runtime running the same file; each invalid one, and every corruption of a valid one,
 * must end in a {@link ModelFormatException}.
 */
class OnnxReaderTest {
  private static final Path DIR = fixtureDir();
  private static OrtEnvironment ort;

  /** One manifest line. */
  record Fixture(boolean valid, String name, String[] fields) {
    Path file() {
      return DIR.resolve(name + ".onnx");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A reference input and numpy's output for it. */
  record Reference(long[] inputShape, float[] input, int batch, float[] expected) {}

  @BeforeAll
  static void startOrt() {
    ort = OrtEnvironment.getEnvironment();
  }

  @AfterAll
  static void stopOrt() {
    ort.close();
  }

  private static Path fixtureDir() {
    try {
      return Path.of(OnnxReaderTest.class.getResource("/onnx/manifest.tsv").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The fixtures of make_fixtures.py ({@code manifest.tsv}) and of torch.onnx.export
   * ({@code torch-manifest.tsv}, make_torch_fixtures.py).
   */
  static List<Fixture> fixtures() throws IOException {
    List<Fixture> all = new ArrayList<>();
    for (String manifest : List.of("manifest.tsv", "torch-manifest.tsv")) {
      for (String line : Files.readAllLines(DIR.resolve(manifest))) {
        if (!line.isBlank()) {
          String[] f = line.split("\t");
          all.add(new Fixture(f[0].equals("valid"), f[1], Arrays.copyOfRange(f, 2, f.length)));
        }
      }
    }
    return all;
  }

  static Stream<Fixture> validFixtures() throws IOException {
    return fixtures().stream().filter(Fixture::valid);
  }

  static Stream<Fixture> invalidFixtures() throws IOException {
    return fixtures().stream().filter(f -> !f.valid());
  }

  @Test
  void manifestCoversTheSupportedOpsAndTheFailures() throws IOException {
    assertTrue(validFixtures().count() >= 13, "valid fixtures");
    assertTrue(invalidFixtures().count() >= 17, "invalid fixtures");
  }

  @ParameterizedTest
  @MethodSource("validFixtures")
  void readsShapesActivationsAndConversions(Fixture fixture) {
    OnnxModel model = OnnxReader.load(fixture.file());
    Network net = model.network();
    String shape = net.inputs() + net.layers().stream().map(l -> "-" + l.outputs())
        .collect(Collectors.joining());
    assertEquals(fixture.fields()[0], shape);
    List<String> acts = net.layers().stream().map(l -> l.activation().toString()).toList();
    List<String> expected = Arrays.stream(fixture.fields()[1].split(","))
        .map(a -> Activation.parse(a).toString()).toList();
    assertEquals(expected, acts);
    assertEquals(Boolean.parseBoolean(fixture.fields()[2]), net.softmaxOutput());
    String converted = fixture.fields()[3];
    if (converted.equals("-")) {
      assertEquals(List.of(), model.conversions());
    } else {
      assertEquals(4, model.conversions().size(), model.conversions().toString());
      assertTrue(model.conversions().stream().allMatch(c -> c.contains(converted + " converted")),
          model.conversions().toString());
    }
    assertEquals("input", model.inputName());
    assertEquals("output", model.outputName());
  }

  @ParameterizedTest
  @MethodSource("validFixtures")
  void matchesNumpy(Fixture fixture) throws IOException {
    Reference ref = reference(fixture.name());
    float[] actual = forward(OnnxReader.read(fixture.file()), ref.input(), ref.batch());
    assertClose(ref.expected(), actual, fixture.name() + " vs numpy");
  }

  @ParameterizedTest
  @MethodSource("validFixtures")
  void matchesOnnxRuntime(Fixture fixture) throws IOException, OrtException {
    Reference ref = reference(fixture.name());
    float[] expected;
    try (OrtSession session = ort.createSession(fixture.file().toString(),
            new OrtSession.SessionOptions());
        OnnxTensor input = OnnxTensor.createTensor(ort, FloatBuffer.wrap(ref.input()),
            ref.inputShape());
        OrtSession.Result result = session.run(Map.of("input", input))) {
      FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
      expected = new float[out.remaining()];
      out.get(expected);
    }
    float[] actual = forward(OnnxReader.read(fixture.file()), ref.input(), ref.batch());
    assertClose(expected, actual, fixture.name() + " vs ONNX Runtime");
  }

  @ParameterizedTest
  @MethodSource("invalidFixtures")
  void rejectsNamingTheNodeAndWhatIsWrong(Fixture fixture) {
    ModelFormatException e =
        assertThrows(ModelFormatException.class, () -> OnnxReader.read(fixture.file()));
    for (String fragment : fixture.fields()[0].split("\\|")) {
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

  @Test
  void randomByteFlipsGiveAModelOrAModelFormatException() throws IOException {
    List<byte[]> originals = new ArrayList<>();
    for (Fixture f : validFixtures().toList()) {
      originals.add(Files.readAllBytes(f.file()));
    }
    Random random = new Random(20261123);
    int read = 0;
    int rejected = 0;
    long start = System.nanoTime();
    for (int iteration = 0; iteration < 4000; iteration++) {
      byte[] bytes = originals.get(random.nextInt(originals.size())).clone();
      int flips = 1 + random.nextInt(4);
      for (int k = 0; k < flips; k++) {
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      }
      try {
        OnnxReader.load(bytes, DIR);
        read++;
      } catch (ModelFormatException e) {
        rejected++;
      } catch (RuntimeException | Error e) {
        throw new AssertionError("iteration " + iteration + " threw " + e, e);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(rejected > 0 && read > 0, "read " + read + ", rejected " + rejected);
    // A guard against a pathological parse (a hang or quadratic blow-up), not a speed target:
    // about 2-4 s alone, over 9 s seen on a loaded shared machine.
    assertTrue(seconds < 60, "4000 corrupted models took " + seconds + " s");
  }

  @Test
  void streamAndBytesReadTheSameAsTheFile() throws IOException {
    Path file = DIR.resolve("external_data_opset13.onnx");
    byte[] bytes = Files.readAllBytes(file);
    Network fromFile = OnnxReader.read(file);
    assertSameNetwork(fromFile, OnnxReader.read(bytes, DIR));
    assertSameNetwork(fromFile, OnnxReader.read(new ByteArrayInputStream(bytes), DIR));
  }

  @Test
  void formatReaderAdaptsToModelReader() {
    OnnxFormatReader reader = new OnnxFormatReader();
    Path file = DIR.resolve("float16_initializers_opset13.onnx");
    assertTrue(reader.accepts(file));
    LoadedModel loaded = reader.read(file, ReadOptions.defaults());
    assertEquals("onnx", loaded.format());
    assertEquals(64, loaded.sha256().length());
    assertEquals("13", loaded.metadata().get("opset"));
    assertEquals("sparsenn-fixtures", loaded.metadata().get("producer"));
    assertEquals(OnnxReader.load(file).conversions(), loaded.conversions());
    assertSameNetwork(OnnxReader.read(file), loaded.network());
  }

  @Test
  void tensorDataBeyondTheCapIsRejectedBeforeDecoding() {
    Path file = DIR.resolve("external_data_opset13.onnx");
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> new OnnxFormatReader().read(file, ReadOptions.defaults().withMaxTensorBytes(100)));
    assertTrue(e.getMessage().contains("more than the 100 allowed"), e.getMessage());
    assertEquals(4, OnnxReader.load(file, 24 * 4 + 6 * 4 + 18 * 4 + 3 * 4).network()
        .layers().get(0).inputs());
  }

  @Test
  void externalDataNeedsADirectory() throws IOException {
    byte[] bytes = Files.readAllBytes(DIR.resolve("external_data_opset13.onnx"));
    ModelFormatException e =
        assertThrows(ModelFormatException.class, () -> OnnxReader.read(bytes, null));
    assertTrue(e.getMessage().contains("fc1.weight"), e.getMessage());
    assertTrue(e.getMessage().contains("external_data.weights"), e.getMessage());
  }

  @Test
  void truncatedExternalDataFileIsAModelFormatException(@TempDir Path tmp) throws IOException {
    Files.copy(DIR.resolve("external_data_opset13.onnx"), tmp.resolve("m.onnx"));
    byte[] weights = Files.readAllBytes(DIR.resolve("external_data.weights"));
    Files.write(tmp.resolve("external_data.weights"),
        Arrays.copyOf(weights, weights.length - 1));
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> OnnxReader.read(tmp.resolve("m.onnx")));
    assertTrue(e.getMessage().contains("past the end"), e.getMessage());
  }

  @Test
  void externalDataLinkedOutsideTheDirectoryIsRejected(@TempDir Path tmp) throws IOException {
    Path modelDir = Files.createDirectory(tmp.resolve("model"));
    Files.copy(DIR.resolve("external_data_opset13.onnx"), modelDir.resolve("m.onnx"));
    Path outside = Files.copy(DIR.resolve("external_data.weights"), tmp.resolve("w"));
    Files.createSymbolicLink(modelDir.resolve("external_data.weights"), outside);
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> OnnxReader.read(modelDir.resolve("m.onnx")));
    assertTrue(e.getMessage().contains("links outside"), e.getMessage());
  }

  @Test
  void halfPrecisionConvertsExactly() {
    assertEquals(1.0f, OnnxTensors.halfToFloat((short) 0x3c00));
    assertEquals(-2.0f, OnnxTensors.halfToFloat((short) 0xc000));
    assertEquals(65504f, OnnxTensors.halfToFloat((short) 0x7bff));
    assertEquals(0x1p-24f, OnnxTensors.halfToFloat((short) 0x0001));
    assertEquals(-0.0f, OnnxTensors.halfToFloat((short) 0x8000));
    assertEquals(Float.POSITIVE_INFINITY, OnnxTensors.halfToFloat((short) 0x7c00));
    assertTrue(Float.isNaN(OnnxTensors.halfToFloat((short) 0x7e00)));
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static Reference reference(String name) throws IOException {
    List<String> lines = Files.readAllLines(DIR.resolve(name + ".ref.txt"));
    long[] inputShape = Arrays.stream(lines.get(0).split(" ")).skip(1)
        .mapToLong(Long::parseLong).toArray();
    return new Reference(inputShape, floats(lines.get(1)), (int) inputShape[0],
        floats(lines.get(3)));
  }

  private static float[] floats(String line) {
    String[] parts = line.trim().split(" ");
    float[] v = new float[parts.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = Float.parseFloat(parts[i]);
    }
    return v;
  }

  /** The network's outputs for {@code batch} rows of inputs, in plain double arithmetic. */
  static float[] forward(Network net, float[] input, int batch) {
    return ReferenceForward.forward(net, input, batch);
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
      assertArrayEquals(a.layers().get(i).weights(), b.layers().get(i).weights());
      assertArrayEquals(a.layers().get(i).bias(), b.layers().get(i).bias());
      assertEquals(a.layers().get(i).activation(), b.layers().get(i).activation());
    }
  }
}
