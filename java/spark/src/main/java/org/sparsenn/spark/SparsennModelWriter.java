package org.sparsenn.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLWriter;

/**
 * Saves a {@link SparsennModel}: its parameters as Spark's {@code metadata/} (what every Spark ML
 * stage writes) and a copy of the model file as {@code data/model.<extension>}, so a saved
 * pipeline holds everything it needs to score.
 */
final class SparsennModelWriter extends MLWriter {
  /** The folder under a saved transformer that holds the model file's copy. */
  static final String DATA = "data";
  /** The copy's name, before the extension that picks its reader. */
  static final String MODEL_FILE = "model";

  private final SparsennModel instance;

  SparsennModelWriter(SparsennModel instance) {
    this.instance = instance;
  }

  @Override
  public void saveImpl(String path) {
    String modelPath = instance.getModelPath();
    if (modelPath == null) {
      throw new IllegalArgumentException("modelPath is not set: nothing to save");
    }
    ModelBytes bytes = ModelBytes.read(modelPath, sc().hadoopConfiguration());
    DefaultParamsWriter.saveMetadata(instance, path, sparkSession());
    Path copy = new Path(new Path(path, DATA), MODEL_FILE + bytes.extension());
    try {
      FileSystem fs = copy.getFileSystem(sc().hadoopConfiguration());
      try (OutputStream out = fs.create(copy, true)) {
        out.write(bytes.bytes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(copy + ": cannot write the model's copy: " + e.getMessage(),
          e);
    }
  }
}
