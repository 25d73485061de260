package org.sparsenn.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparsenn.io.NpyArray;
import org.sparsenn.io.NpyReader;
import org.sparsenn.io.data.Dataset;
import org.sparsenn.io.data.IdxDatasets;
import org.sparsenn.sparse.RandomWeights;

/**
 * The input batches {@link ModelBenchmark} feeds, from its {@code data} parameter:
 * <ul>
 *   <li>{@code default}: {@code builtin} for the models trained on Fashion-MNIST, {@code random}
 *       for the others;
 *   <li>{@code builtin}: the sweep's built-in Fashion-MNIST test sample (2,000 images, read from
 *       the sparsenn jar), pixels scaled to [0, 1] as in training;
 *   <li>{@code random}: one batch of uniform random values (fixed seed), as before real inputs;
 *   <li>anything else: an IDX folder (its {@code t10k-*} test images) or a {@code .npy} file of
 *       shape {@code [n, inputs]}.
 * </ul>
 * Real data gives up to {@link #MAX_BATCHES} distinct consecutive batches, which the benchmark
 * runs in turn: a kernel that skips zero activations is timed over many images, not one.
 */
final class BenchInputs {
  static final int MAX_BATCHES = 32;
  private static final String SAMPLE = "/org/sparsenn/cli/sweep/";
  private static final String SAMPLE_IMAGES = "t10k-images-idx3-ubyte.gz";
  private static final String SAMPLE_LABELS = "t10k-labels-idx1-ubyte.gz";

  private BenchInputs() {}

  /**
   * Row-major batches of {@code batch} inputs of width {@code inputs} each.
   *
   * @throws IllegalArgumentException if the data has another width than the model, fewer
   *     examples than one batch, or is not a folder or {@code .npy} file
   */
  static List<float[]> batches(String data, String model, int inputs, int batch) {
    String source = data.equals("default")
        ? (ModelFixture.trainedOnFashionMnist(model) ? "builtin" : "random") : data;
    if (source.equals("random")) {
      return List.of(RandomWeights.vector(batch * inputs, LayerFixture.INPUT_SEED));
    }
    float[][] rows = source.equals("builtin") ? builtinSample() : read(Path.of(source));
    if (rows[0].length != inputs) {
      throw new IllegalArgumentException("data " + source + " has " + rows[0].length
          + " values per example, the model " + model + " takes " + inputs);
    }
    if (rows.length < batch) {
      throw new IllegalArgumentException("data " + source + " has " + rows.length
          + " examples, fewer than one batch of " + batch);
    }
    List<float[]> batches = new ArrayList<>();
    for (int first = 0; first + batch <= rows.length && batches.size() < MAX_BATCHES;
        first += batch) {
      float[] values = new float[batch * inputs];
      for (int b = 0; b < batch; b++) {
        System.arraycopy(rows[first + b], 0, values, b * inputs, inputs);
      }
      batches.add(values);
    }
    return batches;
  }

  private static float[][] read(Path path) {
    if (Files.isDirectory(path)) {
      return rows(IdxDatasets.loadTest(path));
    }
    if (path.getFileName().toString().endsWith(".npy")) {
      NpyArray array = NpyReader.read(path);
      if (array.rank() != 2) {
        throw new IllegalArgumentException(path + " has shape " + Arrays.toString(array.shape())
            + ": expected [examples, inputs]");
      }
      int columns = array.shape()[1];
      float[][] rows = new float[array.shape()[0]][columns];
      for (int r = 0; r < rows.length; r++) {
        System.arraycopy(array.data(), r * columns, rows[r], 0, columns);
      }
      if (rows.length == 0) {
        throw new IllegalArgumentException(path + " has no examples");
      }
      return rows;
    }
    throw new IllegalArgumentException("data " + path
        + ": expected default, builtin, random, an IDX folder or a .npy file");
  }

  private static float[][] builtinSample() {
    try {
      Path dir = Files.createTempDirectory("sparsenn-bench-data-");
      try {
        return rows(IdxDatasets.load(extract(dir, SAMPLE_IMAGES), extract(dir, SAMPLE_LABELS)));
      } finally {
        try (var files = Files.list(dir)) {
          for (Path file : files.toList()) {
            Files.delete(file);
          }
        }
        Files.delete(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path extract(Path dir, String name) throws IOException {
    try (InputStream in = BenchInputs.class.getResourceAsStream(SAMPLE + name)) {
      if (in == null) {
        throw new IllegalStateException(SAMPLE + name + " is not on the class path");
      }
      Path file = dir.resolve(name);
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    }
  }

  private static float[][] rows(Dataset dataset) {
    float[][] rows = new float[dataset.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = dataset.features(i);
    }
    return rows;
  }
}
