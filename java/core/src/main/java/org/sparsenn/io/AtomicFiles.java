package org.sparsenn.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
   * <p>An existing {@code file} that is a device, FIFO or socket (such as {@code /dev/null} or
   * a shell's process substitution) is written directly instead, never replaced: it has no
   * contents to keep whole, and replacing it would destroy the node.
   *
   * @throws UncheckedIOException naming the file if it cannot be written, or is a directory
   */
  public static void write(Path file, Content content) {
    Objects.requireNonNull(content, "content");
    if (Files.isDirectory(file)) {
      throw new UncheckedIOException("cannot write " + file + ": it is a directory",
          new IOException(file + " is a directory"));
    }
    if (RegularFiles.isSpecial(file)) {
      writeInPlace(file, content);
      return;
    }
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
      throw new UncheckedIOException("cannot write " + file + ": " + reason(e), e);
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

  private static void writeInPlace(Path file, Content content) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      content.writeTo(channel);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + reason(e), e);
    }
  }

  /** What went wrong, in words: the file system's exceptions carry only a path. */
  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "its directory does not exist";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage();
  }
}
