package org.sparsenn.io.data;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sparsenn.io.ModelFormatException;
import org.sparsenn.io.NpyArray;
import org.sparsenn.io.NpyReader;

/**
 * A data set from a pair of NumPy arrays, read by {@link NpyReader} (so float32 or float64):
 * {@code X.npy} of shape {@code [n, features]} and {@code y.npy} of shape {@code [n]} holding
 * class labels (integral values) or {@code [n, targets]} holding float targets. Integer-typed
 * label arrays must be saved as floats ({@code y.astype(np.float32)}).
 */
public final class NpyDataset {
  /** The features file's name in a folder. */
  public static final String FEATURES = "X.npy";
  /** The labels or targets file's name in a folder. */
  public static final String LABELS = "y.npy";

  private NpyDataset() {}

  /** Whether {@code dir} holds {@code X.npy} and {@code y.npy}. */
  public static boolean isNpyFolder(Path dir) {
    return Files.isRegularFile(dir.resolve(FEATURES)) && Files.isRegularFile(dir.resolve(LABELS));
  }

  /**
   * Reads {@code dir/X.npy} and {@code dir/y.npy}.
   *
   * @throws DatasetFormatException if an array is malformed or they disagree
   * @throws UncheckedIOException if a file cannot be read
   */
  public static Dataset read(Path dir) {
    return read(dir.resolve(FEATURES), dir.resolve(LABELS));
  }

  /**
   * Reads a features array and a labels (rank 1) or targets (rank 2) array.
   *
   * @throws DatasetFormatException if an array is malformed, the ranks are wrong, the counts
   *     disagree, or a rank-1 label is not a non-negative integer
   * @throws UncheckedIOException if a file cannot be read
   */
  public static Dataset read(Path featuresFile, Path labelsFile) {
    NpyArray x = readArray(featuresFile, "");
    NpyArray y = readArray(labelsFile, " (integer labels: save them as float32, e.g."
        + " np.save('y.npy', y.astype(np.float32)))");
    if (x.rank() != 2 || x.columns() < 1) {
      throw new DatasetFormatException(featuresFile + ": features must be a [n, features] array,"
          + " got shape " + java.util.Arrays.toString(x.shape()));
    }
    int n = x.rows();
    if (y.rank() < 1 || y.rank() > 2 || y.shape()[0] != n) {
      throw new DatasetFormatException(labelsFile + ": expected [" + n + "] labels or [" + n
          + ", targets] targets for " + n + " examples, got shape "
          + java.util.Arrays.toString(y.shape()));
    }
    if (y.rank() == 2) {
      return Dataset.regression(x.data(), x.columns(), y.data(), Math.max(1, y.shape()[1]));
    }
    float[] values = y.data();
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      float v = values[i];
      if (!(v >= 0 && v == Math.rint(v) && v <= Integer.MAX_VALUE)) {
        throw new DatasetFormatException(labelsFile + ": label " + i
            + " is not a non-negative integer: " + v);
      }
      labels[i] = (int) v;
    }
    return Dataset.classification(x.data(), x.columns(), labels);
  }

  private static NpyArray readArray(Path file, String hint) {
    try {
      return NpyReader.read(file);
    } catch (ModelFormatException e) {
      throw new DatasetFormatException(e.getMessage() + hint, e);
    }
  }
}
