package org.sparsenn.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/** Writing a file so that it appears whole or not at all: every model writer goes through here. */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** What fills the file. */
  @FunctionalInterface
  public interface Content {
    /** Writes the whole content into {@code channel}, which starts empty at position 0. */
    void writeTo(FileChannel channel) throws IOException;
  }

  /**
   * Writes {@code content} to a hidden temporary file in {@code file}'s directory, forces it to
   * disk, then moves it over {@code file} (atomically where the file system can). On any
   * failure the temporary file is removed and an existing {@code file} is left untouched.
   *
   * @throws UncheckedIOException naming the file if it cannot be written
   */
  public static void write(Path file, Content content) {
    Objects.requireNonNull(content, "content");
    Path target = file.toAbsolutePath();
    Path temp = target.resolveSibling("." + target.getFileName() + "."
        + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".tmp");
    boolean moved = false;
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE)) {
        content.writeTo(channel);
        channel.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    } finally {
      if (!moved) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // the write already failed; that failure is the one to report
        }
      }
    }
  }
}
