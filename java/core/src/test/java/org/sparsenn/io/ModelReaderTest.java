package org.sparsenn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
  void optionsRejectNonPositiveCap() {
    assertThrows(IllegalArgumentException.class,
        () -> ReadOptions.defaults().withMaxTensorBytes(0));
    assertTrue(Files.exists(dir));
  }
}
