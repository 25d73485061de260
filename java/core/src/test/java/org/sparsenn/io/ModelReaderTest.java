package org.sparsenn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.io.snn.SnnWriteOptions;
import org.sparsenn.io.snn.SnnWriter;
import org.sparsenn.model.Activation;
import org.sparsenn.model.Network;

class ModelReaderTest {
  @TempDir Path dir;

  @Test
  void readerIsChosenByExtensionIgnoringCase() {
    Path st = Fixtures.write(dir, "m.SafeTensors", Fixtures.twoLayerSafetensors());
    assertEquals("safetensors", ModelReader.load(st, ReadOptions.defaults()).format());
    Path npz = Fixtures.write(dir, "m.npz", Fixtures.zip(Fixtures.twoLayerNpyEntries(), true));
    Network net = ModelReader.read(npz);
    assertEquals(2, net.layers().size());
    assertEquals(List.of("onnx", "npz", "safetensors", "snn"),
        ModelReader.readers().stream().map(ModelFormatReader::format).toList());
  }

  @Test
  void bothFormatsGiveTheSameNetwork() {
    Network a = ModelReader.read(Fixtures.write(dir, "a.safetensors",
        Fixtures.twoLayerSafetensors()));
    Network b = ModelReader.read(Fixtures.write(dir, "b.npz",
        Fixtures.zip(Fixtures.twoLayerNpyEntries(), false)));
    for (int i = 0; i < 2; i++) {
      assertArrayEquals(a.layers().get(i).weights(), b.layers().get(i).weights());
      assertArrayEquals(a.layers().get(i).bias(), b.layers().get(i).bias());
    }
  }

  @Test
  void optionsSetTheActivations() {
    Path st = Fixtures.write(dir, "m.safetensors", Fixtures.twoLayerSafetensors());
    LoadedModel m = ModelReader.load(st, ReadOptions.defaults()
        .withHiddenActivation(Activation.GELU).withOutputActivation(Activation.SIGMOID));
    assertEquals(Activation.GELU, m.network().layers().get(0).activation());
    assertEquals(Activation.SIGMOID, m.network().layers().get(1).activation());
  }

  @Test
  void digestIsTheFilesSha256() throws Exception {
    byte[] bytes = Fixtures.twoLayerSafetensors();
    Path st = Fixtures.write(dir, "m.safetensors", bytes);
    String expected = HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(bytes));
    assertEquals(expected, ModelReader.load(st, ReadOptions.defaults()).sha256());
  }

  @Test
  void singleNpyIsRejectedWithAdvice() {
    Path npy = Fixtures.write(dir, "w.npy", Fixtures.npyF32("(1,)", 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelReader.read(npy));
    assertTrue(e.getMessage().contains("numpy.savez"), e.getMessage());
  }

  @Test
  void unknownExtensionListsWhatIsRead() {
    Path other = Fixtures.write(dir, "m.pt", new byte[] {1});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelReader.read(other));
    assertTrue(e.getMessage().contains(".npz") && e.getMessage().contains(".safetensors"),
        e.getMessage());
  }

  @Test
  void missingFileIsAnIoErrorNamingIt() {
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> ModelReader.read(dir.resolve("nope.safetensors")));
    assertTrue(e.getMessage().contains("nope.safetensors"), e.getMessage());
  }

  @Test
  void registryNamesMatchTheReadersItCreates() {
    List<ModelFormatReader> readers = ModelReader.readers();
    assertEquals(ModelReader.formats(), readers.stream().map(ModelFormatReader::format).toList());
    for (ModelFormatReader reader : readers) {
      Path file = dir.resolve("m" + reader.extensions().get(0));
      assertTrue(reader.accepts(file), file.toString());
      assertEquals(reader.format(),
          ModelReader.inMemorySource(reader.format()).toString().replace("memory.", ""));
    }
  }

  @Test
  void bytesAndStreamsReadLikeTheFile() throws Exception {
    byte[] onnx;
    try (InputStream in = getClass().getResourceAsStream("/onnx/gemm_transb_relu_opset11.onnx")) {
      onnx = in.readAllBytes();
    }
    Path onnxFile = Fixtures.write(dir, "m.onnx", onnx);
    byte[] npz = Fixtures.zip(Fixtures.twoLayerNpyEntries(), true);
    Path npzFile = Fixtures.write(dir, "m.npz", npz);
    for (Object[] c : new Object[][] {{onnx, onnxFile, "onnx"}, {npz, npzFile, ".NPZ"}}) {
      byte[] bytes = (byte[]) c[0];
      Network fromFile = ModelReader.read((Path) c[1]);
      LoadedModel fromBytes = ModelReader.load(bytes, (String) c[2], ReadOptions.defaults());
      Network fromStream = ModelReader.read(new ByteArrayInputStream(bytes), (String) c[2]);
      for (Network net : List.of(fromBytes.network(), fromStream)) {
        assertEquals(fromFile.layers().size(), net.layers().size());
        for (int i = 0; i < net.layers().size(); i++) {
          assertArrayEquals(fromFile.layers().get(i).weights(), net.layers().get(i).weights());
          assertArrayEquals(fromFile.layers().get(i).bias(), net.layers().get(i).bias());
        }
      }
      assertEquals(ModelReader.sha256((Path) c[1]), fromBytes.sha256());
      assertTrue(fromBytes.source().toString().startsWith("memory."), fromBytes.source()
          .toString());
    }
  }

  @Test
  void unknownFormatNameListsTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelReader.read(new byte[] {1}, "pt"));
    assertTrue(e.getMessage().contains("onnx, npz, safetensors, snn"), e.getMessage());
  }

  @Test
  void badBytesAreAModelFormatException() {
    assertThrows(ModelFormatException.class, () -> ModelReader.read(new byte[] {1, 2}, "onnx"));
    assertThrows(ModelFormatException.class, () -> ModelReader.read(new byte[] {1, 2}, "npz"));
  }

  /**
   * Loads ModelReader in a class loader whose class path lacks Jackson (as a consumer with only
   * the library and protobuf would have) and reads ONNX and .npz through it; .snn, whose
   * header is JSON, says what is missing.
   */
  @Test
  void onnxAndNpzNeedNoJackson() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.contains("jackson")) {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    Path onnx = dir.resolve("m.onnx");
    try (InputStream in = getClass().getResourceAsStream("/onnx/gemm_transb_relu_opset11.onnx")) {
      Files.copy(in, onnx);
    }
    Path npz = Fixtures.write(dir, "m.npz", Fixtures.zip(Fixtures.twoLayerNpyEntries(), true));
    try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new),
        ClassLoader.getPlatformClassLoader())) {
      assertThrows(ClassNotFoundException.class,
          () -> loader.loadClass("com.fasterxml.jackson.databind.ObjectMapper"));
      Method read = loader.loadClass(ModelReader.class.getName()).getMethod("read", Path.class);
      for (Path file : List.of(onnx, npz)) {
        Object network = read.invoke(null, file);
        Object layers = network.getClass().getMethod("layers").invoke(network);
        assertEquals(2, ((List<?>) layers).size(), file.toString());
      }
      Path snn = dir.resolve("m.snn");
      SnnWriter.write(ModelReader.read(npz), snn, SnnWriteOptions.defaults());
      InvocationTargetException e =
          assertThrows(InvocationTargetException.class, () -> read.invoke(null, snn));
      assertTrue(e.getCause() instanceof IllegalStateException, e.getCause().toString());
      assertTrue(e.getCause().getMessage().contains("jackson-databind"),
          e.getCause().getMessage());
    }
  }

  @Test
  void optionsRejectNonPositiveCap() {
    assertThrows(IllegalArgumentException.class,
        () -> ReadOptions.defaults().withMaxTensorBytes(0));
    assertTrue(Files.exists(dir));
  }
}
