package org.sparsenn.io;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.io.onnx.OnnxReader;

/**
 * Seeded random corruption of valid files (byte flips, random bytes, truncation): every input
 * must end in a result or a {@link ModelFormatException}, never another exception, and each
 * within a time bound.
 */
class ReaderFuzzTest {
  private static final int ITERATIONS = 1000;
  /** Per input; generous because CI machines are shared, yet far below any hang. */
  private static final double MAX_SECONDS_PER_INPUT = 1.0;
  @TempDir Path dir;

  private void fuzz(String name, byte[] valid, long seed, Consumer<Path> reader) {
    Random random = new Random(seed);
    Path file = dir.resolve(name);
    long slowest = 0;
    int rejected = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      byte[] bytes = valid.clone();
      int flips = 1 + random.nextInt(4);
      for (int f = 0; f < flips; f++) {
        int at = random.nextInt(bytes.length);
        bytes[at] = random.nextInt(3) == 0 ? (byte) (bytes[at] ^ (1 << random.nextInt(8)))
            : (byte) random.nextInt(256);
      }
      if (random.nextInt(8) == 0) {
        bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
      }
      Fixtures.write(dir, name, bytes);
      long start = System.nanoTime();
      try {
        reader.accept(file);
      } catch (ModelFormatException e) {
        rejected++;
      } catch (RuntimeException | Error e) {
        fail("iteration " + i + " of seed " + seed + ": " + e, e);
      }
      slowest = Math.max(slowest, System.nanoTime() - start);
    }
    assertTrue(slowest / 1e9 < MAX_SECONDS_PER_INPUT,
        name + ": slowest input took " + slowest / 1e9 + " s");
    assertTrue(rejected > ITERATIONS / 4, "only " + rejected + " rejected: flips not landing?");
  }

  @Test
  void corruptedSafetensorsEndInModelOrModelFormatException() {
    fuzz("f.safetensors", Fixtures.twoLayerSafetensors(), 11,
        p -> new SafetensorsReader().read(p, ReadOptions.defaults()));
  }

  @Test
  void corruptedDeflatedNpzEndsInModelOrModelFormatException() {
    fuzz("f.npz", Fixtures.zip(Fixtures.twoLayerNpyEntries(), true), 12,
        p -> new NpzReader().read(p, ReadOptions.defaults()));
  }

  @Test
  void corruptedStoredNpzEndsInModelOrModelFormatException() {
    fuzz("f.npz", Fixtures.zip(Fixtures.twoLayerNpyEntries(), false), 13,
        p -> new NpzReader().read(p, ReadOptions.defaults()));
  }

  @Test
  void corruptedNpyEndsInArrayOrModelFormatException() {
    fuzz("f.npy", Fixtures.npyF32("(2, 3)", 1, 2, 3, 4, 5, 6), 14, NpyReader::read);
  }

  @Test
  void corruptedRecurrentOnnxEndsInModelOrModelFormatException() {
    // PyTorch exports: a stacked LSTM, and a stacked bidirectional GRU with its glue ops
    fuzz("lstm.onnx", resource("/onnx/torch_lstm_stacked_opset17.onnx"), 15, OnnxReader::read);
    fuzz("gru.onnx", resource("/onnx/torch_gru_bidirectional_stacked_softmax_opset13.onnx"), 16,
        OnnxReader::read);
  }

  private static byte[] resource(String name) {
    try (InputStream in = ReaderFuzzTest.class.getResourceAsStream(name)) {
      assertTrue(in != null, name + " is missing");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
