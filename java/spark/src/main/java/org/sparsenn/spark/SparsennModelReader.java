package org.sparsenn.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;

/**
 * Loads what {@link SparsennModelWriter} saved: the parameters, with {@code modelPath} pointing
 * at the saved copy of the model file.
 */
final class SparsennModelReader extends MLReader<SparsennModel> {
  @Override
  public SparsennModel load(String path) {
    DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path,
        sparkSession(), SparsennModel.class.getName());
    SparsennModel model = new SparsennModel(metadata.uid());
    metadata.getAndSetParams(model, scala.Option.empty());
    return model.setModelPath(savedCopy(path).toString());
  }

  private Path savedCopy(String path) {
    Path data = new Path(path, SparsennModelWriter.DATA);
    try {
      FileSystem fs = data.getFileSystem(sc().hadoopConfiguration());
      for (FileStatus file : fs.listStatus(data)) {
        if (file.getPath().getName().startsWith(SparsennModelWriter.MODEL_FILE + ".")) {
          return file.getPath();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": cannot list the saved model's "
          + SparsennModelWriter.DATA + " folder: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException(path + ": no saved model file under "
        + SparsennModelWriter.DATA + "/ (was it saved by SparsennModel.write?)");
  }
}
