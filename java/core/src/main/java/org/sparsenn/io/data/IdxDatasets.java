package org.sparsenn.io.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * MNIST-style data sets from a folder of IDX files: {@code train-images-idx3-ubyte},
 * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte} and
 * {@code t10k-labels-idx1-ubyte}, each optionally gzipped ({@code .gz}). Images become flat
 * feature rows ({@code rows * cols} pixels, row-major) scaled to {@code [0, 1]} by dividing by
 * 255, as PyTorch's {@code ToTensor} does; labels are class indices.
 */
public final class IdxDatasets {
  /** The training images' file name, without {@code .gz}. */
  public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
  /** The training labels' file name, without {@code .gz}. */
  public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
  /** The test images' file name, without {@code .gz}. */
  public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
  /** The test labels' file name, without {@code .gz}. */
  public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

  private IdxDatasets() {}

  /**
   * Both parts of the folder's data set.
   *
   * @return the training set as {@code first}, the test set as {@code second}
   * @throws DatasetFormatException if a file is missing, malformed, or images and labels
   *     disagree
   * @throws java.io.UncheckedIOException if a file cannot be read
   */
  public static Dataset.Split load(Path dir) {
    return new Dataset.Split(loadTrain(dir), loadTest(dir));
  }

  /**
   * The training part ({@code train-*} files).
   *
   * @throws DatasetFormatException if a file is missing, malformed, or images and labels
   *     disagree
   * @throws java.io.UncheckedIOException if a file cannot be read
   */
  public static Dataset loadTrain(Path dir) {
    return load(find(dir, TRAIN_IMAGES), find(dir, TRAIN_LABELS));
  }

  /**
   * The test part ({@code t10k-*} files).
   *
   * @throws DatasetFormatException if a file is missing, malformed, or images and labels
   *     disagree
   * @throws java.io.UncheckedIOException if a file cannot be read
   */
  public static Dataset loadTest(Path dir) {
    return load(find(dir, TEST_IMAGES), find(dir, TEST_LABELS));
  }

  /** Whether {@code dir} holds the four IDX files (each plain or gzipped). */
  public static boolean isIdxFolder(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    for (String name : new String[] {TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS}) {
      if (!Files.isRegularFile(dir.resolve(name))
          && !Files.isRegularFile(dir.resolve(name + ".gz"))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Images (rank 3, {@code [n, rows, cols]}, or rank 2, {@code [n, features]}) and their labels
   * (rank 1, {@code [n]}) as a classification set.
   *
   * @throws DatasetFormatException if either file is malformed or the counts disagree
   * @throws java.io.UncheckedIOException if a file cannot be read
   */
  public static Dataset load(Path imagesFile, Path labelsFile) {
    IdxReader.IdxArray images = IdxReader.read(imagesFile);
    IdxReader.IdxArray labels = IdxReader.read(labelsFile);
    if (images.rank() != 2 && images.rank() != 3) {
      throw new DatasetFormatException(imagesFile + ": images must have 2 or 3 dimensions, got "
          + images.rank());
    }
    if (labels.rank() != 1) {
      throw new DatasetFormatException(labelsFile + ": labels must have 1 dimension, got "
          + labels.rank());
    }
    int count = images.dimension(0);
    if (labels.dimension(0) != count) {
      throw new DatasetFormatException(imagesFile + " has " + count + " images but "
          + labelsFile + " has " + labels.dimension(0) + " labels");
    }
    int features = images.dimension(1) * (images.rank() == 3 ? images.dimension(2) : 1);
    if (features < 1) {
      throw new DatasetFormatException(imagesFile + ": images have no pixels");
    }
    byte[] pixels = images.data();
    float[] values = new float[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      values[i] = (pixels[i] & 0xff) / 255f;
    }
    int[] classes = new int[count];
    for (int i = 0; i < count; i++) {
      classes[i] = labels.unsigned(i);
    }
    return Dataset.classification(values, features, classes);
  }

  private static Path find(Path dir, String name) {
    Path plain = dir.resolve(name);
    if (Files.isRegularFile(plain)) {
      return plain;
    }
    Path gz = dir.resolve(name + ".gz");
    if (Files.isRegularFile(gz)) {
      return gz;
    }
    throw new DatasetFormatException(dir + ": no " + name + " or " + name + ".gz");
  }
}
