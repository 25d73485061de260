package org.sparsenn.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparsenn.io.ModelReader;
import org.sparsenn.model.Network;

/**
 * A model file's bytes, read once on the driver through Hadoop's file systems (so {@code hdfs:},
 * {@code s3a:} and local paths all work), with the format its name says and its digest.
 */
record ModelBytes(String path, byte[] bytes, String extension, String sha256)
    implements Serializable {
  // Java arrays hold at most about 2 GiB.
  private static final long MAX_BYTES = Integer.MAX_VALUE - 8;

  /**
   * Reads {@code path}.
   *
   * @throws IllegalArgumentException if the path has no extension, is missing or is a directory
   * @throws UncheckedIOException if it cannot be read
   */
  static ModelBytes read(String path, Configuration hadoopConf) {
    String extension = extensionOf(path);
    Path file = new Path(path);
    try {
      FileSystem fs = file.getFileSystem(hadoopConf);
      FileStatus status = fs.getFileStatus(file);
      if (status.isDirectory()) {
        throw new IllegalArgumentException("modelPath " + path + " is a directory, not a model");
      }
      if (status.getLen() > MAX_BYTES) {
        throw new IllegalArgumentException("modelPath " + path + " holds " + status.getLen()
            + " bytes; models over 2 GiB cannot be broadcast as one array");
      }
      byte[] bytes;
      try (InputStream in = fs.open(file)) {
        bytes = in.readAllBytes();
      }
      return new ModelBytes(path, bytes, extension, ModelReader.sha256(bytes));
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("modelPath " + path + ": no such file", e);
    } catch (IOException e) {
      throw new UncheckedIOException("modelPath " + path + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Parses the bytes.
   *
   * @throws org.sparsenn.io.ModelFormatException if they are not a valid model of that format
   */
  Network network() {
    return ModelReader.read(bytes, extension);
  }

  private static String extensionOf(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    int dot = name.lastIndexOf('.');
    if (dot < 0) {
      throw new IllegalArgumentException("modelPath " + path + " has no extension; sparsenn"
          + " picks the reader by extension (formats: "
          + String.join(", ", ModelReader.formats()) + ")");
    }
    return name.substring(dot);
  }
}
