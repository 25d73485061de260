package org.sparsenn.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The check every reader makes before opening a model or input: it must be a regular file.
 * Opening a FIFO for reading blocks until a writer appears, and a device such as
 * {@code /dev/zero} reports no size; both are refused by name instead.
 */
public final class RegularFiles {
  private RegularFiles() {}

  /**
   * Checks that {@code file} exists and is a regular file (following symbolic links).
   *
   * @throws UncheckedIOException naming the file if it does not exist, cannot be examined or is
   *     a directory, FIFO, device or socket
   */
  public static void require(Path file) {
    BasicFileAttributes attributes = attributesOrNull(file);
    if (attributes == null) {
      throw new UncheckedIOException(file + ": no such file",
          new NoSuchFileException(file.toString()));
    }
    if (!attributes.isRegularFile()) {
      throw new UncheckedIOException(file + ": not a regular file (" + kind(attributes)
          + "); sparsenn reads models and inputs only from regular files",
          new IOException(file + ": not a regular file"));
    }
  }

  /**
   * Whether {@code file} exists and is neither a regular file nor a directory: a device, FIFO
   * or socket, which a writer must write into directly rather than replace.
   */
  public static boolean isSpecial(Path file) {
    BasicFileAttributes attributes = attributesOrNull(file);
    return attributes != null && attributes.isOther();
  }

  private static BasicFileAttributes attributesOrNull(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static String kind(BasicFileAttributes attributes) {
    return attributes.isDirectory() ? "a directory"
        : attributes.isSymbolicLink() ? "a symbolic link" : "a FIFO, device or socket";
  }
}
