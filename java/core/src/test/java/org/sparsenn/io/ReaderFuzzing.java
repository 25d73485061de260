package org.sparsenn.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What every reader fuzz test asserts, and the scratch files they read: an input ends in a
 * result or a {@link ModelFormatException} within {@link #MAX_SECONDS_PER_INPUT}; any other
 * exception, error or out-of-memory propagates and is a finding (Jazzer saves the input).
 */
public final class ReaderFuzzing {
  /** Per input; far above what a file of a few kilobytes needs, far below a hang. */
  public static final double MAX_SECONDS_PER_INPUT = 5.0;
  private static Path scratch;

  private ReaderFuzzing() {}

  /**
   * Runs one read and checks how it ended.
   *
   * @throws AssertionError if the read took longer than {@link #MAX_SECONDS_PER_INPUT}
   * @throws RuntimeException whatever the read threw other than a {@link ModelFormatException}
   */
  public static void expectResultOrModelFormatException(Runnable read) {
    long start = System.nanoTime();
    try {
      read.run();
    } catch (ModelFormatException expected) {
      // A clean rejection is the other correct outcome.
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (seconds > MAX_SECONDS_PER_INPUT) {
      throw new AssertionError("the read took " + seconds + " s, more than the "
          + MAX_SECONDS_PER_INPUT + " s allowed per input");
    }
  }

  /**
   * Writes the input to a file of this name in a scratch directory that lives as long as the
   * JVM (fuzzing calls this millions of times, so one file is overwritten each time).
   *
   * @throws UncheckedIOException if the file cannot be written
   */
  public static synchronized Path file(String name, byte[] data) {
    try {
      if (scratch == null) {
        scratch = Files.createTempDirectory("sparsenn-fuzz");
        Path dir = scratch;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
      }
      return Files.write(scratch.resolve(name), data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An empty directory beside the scratch files, for readers that resolve relative paths.
   *
   * @throws UncheckedIOException if it cannot be created
   */
  public static synchronized Path emptyDirectory() {
    file(".keep", new byte[0]);
    try {
      return Files.createDirectories(scratch.resolve("empty"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Best effort at exit: a leftover temp directory is harmless.
    }
  }
}
