package org.sparsenn.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.sparsenn.io.data.CsvDataset;
import org.sparsenn.io.data.Dataset;
import org.sparsenn.io.data.DatasetFormatException;
import org.sparsenn.io.data.IdxDatasets;
import org.sparsenn.io.data.NpyDataset;

/**
 * What {@code --data} names: a folder of MNIST-style IDX files (which has a training and a test
 * part), a folder holding {@code X.npy} and {@code y.npy}, or a {@code .csv} file (each of the
 * last two one part, used whole for training and for evaluation).
 */
final class DataSources {
  private DataSources() {}

  /** Which part of an IDX folder to read. */
  enum Part { TRAIN, TEST }

  /**
   * Reads the data.
   *
   * @param labelColumn a CSV file's label column (index or name), or null for the last
   * @throws DatasetFormatException if the path is none of the supported kinds or a file is bad
   */
  static Dataset load(Path data, Part part, String labelColumn) {
    if (Files.isDirectory(data)) {
      if (IdxDatasets.isIdxFolder(data)) {
        return part == Part.TRAIN ? IdxDatasets.loadTrain(data) : IdxDatasets.loadTest(data);
      }
      if (NpyDataset.isNpyFolder(data)) {
        return NpyDataset.read(data);
      }
      throw new DatasetFormatException(data + ": no data set here: expected the IDX files "
          + IdxDatasets.TRAIN_IMAGES + ", " + IdxDatasets.TRAIN_LABELS + ", "
          + IdxDatasets.TEST_IMAGES + " and " + IdxDatasets.TEST_LABELS
          + " (optionally .gz), or X.npy and y.npy");
    }
    if (!Files.exists(data)) {
      throw new DatasetFormatException(data + ": no such file or folder");
    }
    String name = String.valueOf(data.getFileName()).toLowerCase(Locale.ROOT);
    if (name.endsWith(".csv")) {
      return CsvDataset.read(data, labelColumn);
    }
    throw new DatasetFormatException(data + ": not a data set: expected an IDX folder, a folder"
        + " with X.npy and y.npy, or a .csv file");
  }

  /** Whether {@code data} has a separate test part (an IDX folder). */
  static boolean hasTestPart(Path data) {
    return IdxDatasets.isIdxFolder(data);
  }
}
