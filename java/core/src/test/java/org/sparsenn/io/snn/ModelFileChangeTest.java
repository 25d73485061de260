package org.sparsenn.io.snn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.engine.Session;
import org.sparsenn.engine.SessionOptions;
import org.sparsenn.io.ModelFormatException;
import org.sparsenn.io.ReadOptions;
import org.sparsenn.io.snn.SnnWriteOptions.StorageChoice;
import org.sparsenn.model.Activation;
import org.sparsenn.model.Network;
import org.sparsenn.sparse.CsrMatrix;

/**
 * A model file changed on disk while a session runs on it, as an operator would: replaced by a
 * rename, overwritten in place ({@code cp new.snn model.snn}) or truncated. The session must
 * keep giving the results of the model it opened, and the JVM must live (a crash here shows as
 * a forked VM that died).
 */
class ModelFileChangeTest {
  private static final int BATCH = 16;
  @TempDir Path dir;

  private enum Change { RENAME, OVERWRITE_IN_PLACE, TRUNCATE }

  private static Network network(long seed) {
    return SnnTestSupport.randomNetwork(seed, 0.9, Activation.RELU, false, 300, 256, 128, 10);
  }

  private Path write(Network network, String name) {
    Path file = dir.resolve(name);
    SnnWriter.write(network, file, SnnWriteOptions.defaults().withStorage(StorageChoice.CSR));
    return file;
  }

  @Test
  void ownedCopiesSurviveEveryChange() throws Exception {
    for (Change change : Change.values()) {
      runWhileChanging(ReadOptions.defaults(), change);
    }
  }

  @Test
  void mappedValuesSurviveReplacementByRename() throws Exception {
    runWhileChanging(ReadOptions.defaults().withMemoryMapped(true), Change.RENAME);
  }

  /**
   * Opens a copy of a model, runs it in a loop on one and on {@value #BATCH} inputs, changes
   * the file from another thread meanwhile, and checks every result against the first.
   */
  private void runWhileChanging(ReadOptions options, Change change) throws Exception {
    Path file = write(network(1), "model-" + change + ".snn");
    byte[] replacement = SnnTestSupport.bytes(write(network(2), "new-" + change + ".snn"));
    try (MappedSnnFile model = MappedSnnFile.open(file, options, true);
        Session session = Session.create(model.file().network(), matrices(model),
            SessionOptions.builder().build())) {
      float[] one = inputs(1, session.inputs());
      float[] many = inputs(BATCH, session.inputs());
      float[] expectedOne = session.run(one);
      float[] expectedMany = new float[BATCH * session.outputs()];
      session.run(many, BATCH, expectedMany);
      CountDownLatch running = new CountDownLatch(1);
      AtomicReference<Throwable> changeFailed = new AtomicReference<>();
      Thread changer = new Thread(() -> {
        try {
          running.await();
          change(file, replacement, change);
        } catch (Throwable t) {
          changeFailed.set(t);
        }
      });
      changer.start();
      float[] actualMany = new float[expectedMany.length];
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
      int runs = 0;
      while (System.nanoTime() < end || changer.isAlive()) {
        assertArrayEquals(expectedOne, session.run(one), change + " after " + runs + " runs");
        session.run(many, BATCH, actualMany);
        assertArrayEquals(expectedMany, actualMany, change + " after " + runs + " runs");
        if (runs++ == 10) {
          running.countDown();
        }
      }
      changer.join();
      if (changeFailed.get() != null) {
        throw new AssertionError("the change itself failed", changeFailed.get());
      }
      assertTrue(runs > 10, "ran " + runs + " times");
    }
  }

  /** Opening while another thread rewrites and truncates gives the model or a clean error. */
  @Test
  void openRacingWithChangesGivesTheModelOrACleanError() throws Exception {
    Network original = network(1);
    Path file = write(original, "racing.snn");
    byte[] bytes = SnnTestSupport.bytes(file);
    Thread changer = new Thread(() -> {
      for (int i = 0; i < 200; i++) {
        try {
          change(file, bytes, i % 2 == 0 ? Change.TRUNCATE : Change.OVERWRITE_IN_PLACE);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    });
    changer.start();
    int opened = 0;
    int refused = 0;
    while (changer.isAlive()) {
      try (MappedSnnFile model = MappedSnnFile.open(file)) {
        SnnTestSupport.assertSameNetwork(original, model.file().network());
        opened++;
      } catch (ModelFormatException | UncheckedIOException e) {
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        refused++;
      }
    }
    changer.join();
    assertTrue(opened + refused > 0);
  }

  private static void change(Path file, byte[] replacement, Change change) throws IOException {
    switch (change) {
      case RENAME -> {
        Path beside = file.resolveSibling(file.getFileName() + ".new");
        Files.write(beside, replacement);
        Files.move(beside, file, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      }
      case OVERWRITE_IN_PLACE -> {
        // What cp does to an existing target: truncate it, then write the new bytes into it.
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
          ByteBuffer b = ByteBuffer.wrap(replacement);
          while (b.hasRemaining()) {
            channel.write(b);
          }
        }
      }
      case TRUNCATE -> {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
          channel.truncate(channel.size() / 3);
        }
      }
    }
  }

  private static List<CsrMatrix> matrices(MappedSnnFile model) {
    List<CsrMatrix> stored = new ArrayList<>();
    for (int i = 0; i < model.file().layerCount(); i++) {
      stored.add(model.file().storage(i).isCsr() ? model.csr(i) : null);
    }
    return stored;
  }

  private static float[] inputs(int batch, int features) {
    float[] x = new float[batch * features];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(0.37 * i);
    }
    return x;
  }
}
