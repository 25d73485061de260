package org.sparsenn.io;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.io.onnx.OnnxReader;
import org.sparsenn.io.snn.MappedSnnFile;
import org.sparsenn.io.snn.SnnFile;
import org.sparsenn.io.snn.SnnWriteOptions;
import org.sparsenn.io.snn.SnnWriteOptions.StorageChoice;
import org.sparsenn.io.snn.SnnWriter;
import org.sparsenn.model.Network;
import org.sparsenn.model.RecurrentLayer.Direction;
import org.sparsenn.model.SequenceOutput;
import org.sparsenn.sparse.RandomWeights;

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

  @Test
  void corruptedRecurrentSnnEndsInModelOrModelFormatException() {
    // Stacked bidirectional LSTM with initial states, GRU and ReLU RNN; CSR and dense weights.
    Network net = RecurrentNetworks.network(SequenceOutput.FINAL_STATE, true,
        RecurrentNetworks.layer("lstm", Direction.BIDIRECTIONAL, 3, 4, 0.5, 1)
            .withInitialState(RandomWeights.vector(8, 2), RandomWeights.vector(8, 3)),
        RecurrentNetworks.layer("gru_linear_before_reset", Direction.REVERSE, 8, 3, 0.6, 4),
        RecurrentNetworks.layer("rnn_relu", Direction.FORWARD, 3, 2, 0.0, 5));
    for (StorageChoice storage : List.of(StorageChoice.CSR, StorageChoice.DENSE)) {
      Path valid = dir.resolve("valid.snn");
      SnnWriter.write(net, valid, new SnnWriteOptions(storage, Map.of()));
      byte[] bytes = readAll(valid);
      // as it comes: checksums catch most damage
      fuzz("r.snn", bytes, 17 + storage.ordinal(), SnnFile::read);
      // header resealed and section checksums off, so that damage reaches the structural
      // checks; through the mapped reader, which also builds the kernels' CSR matrices
      fuzz("r.snn", bytes, 19 + storage.ordinal(), p -> {
        Fixtures.write(dir, "r.snn", resealed(readAll(p)));
        try (MappedSnnFile file = MappedSnnFile.open(p,
            ReadOptions.defaults().withMemoryMapped(true), false)) {
          file.file().network();
        }
      });
    }
  }

  /** The bytes with their .snn header CRC32C recomputed (when N and M leave it in range). */
  private static byte[] resealed(byte[] bytes) {
    if (bytes.length < 32) {
      return bytes;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long end = 32 + 40 * Integer.toUnsignedLong(b.getInt(12))
        + Integer.toUnsignedLong(b.getInt(16));
    if (end <= bytes.length) {
      CRC32C crc = new CRC32C();
      crc.update(bytes, 0, 20);
      crc.update(bytes, 24, (int) end - 24);
      b.putInt(20, (int) crc.getValue());
    }
    return bytes;
  }

  private static byte[] readAll(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
