package org.sparsenn.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.sparsenn.engine.LayerMethod;
import org.sparsenn.engine.LinearOp;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.Epilogue;
import org.sparsenn.kernel.JavaKernels;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.sparse.NmPattern;
import org.sparsenn.sparse.RandomWeights;

/**
 * One random layer built for one benchmark kernel, with its input and output buffers: the same
 * seed gives the same matrix for every kernel, so sparse and dense are measured on the same
 * weights in the same run.
 */
final class LayerFixture implements AutoCloseable {
  static final long WEIGHT_SEED = 42;
  static final long INPUT_SEED = 7;
  private static final String JAVA_PREFIX = "java_";
  /** The {@code pruning} of a layer with uniformly random zeros. */
  static final String RANDOM = "random";

  final LinearOp op;
  final AlignedBuffer x;
  final AlignedBuffer y;
  final int batch;
  final long nonzeros;
  private final ExecutorService pool;

  /**
   * A layer pruned by {@code pruning} and its input: {@value #RANDOM} (uniformly random zeros at
   * {@code sparsity}) or an N:M pattern such as {@code 2:4} (in every row each group of M inputs
   * keeps N weights at random places, the last group in proportion; {@code sparsity} is then
   * ignored). The input's features are zero with probability {@code inputZeros}, in every sample
   * of the batch (as ReLU zeros tend to be; 0 leaves the input dense).
   *
   * @throws IllegalArgumentException if {@code inputZeros} is outside [0, 1]
   */
  LayerFixture(String kernel, int rows, int cols, double sparsity, String pruning,
      double inputZeros, int batch, int threads) {
    if (!(inputZeros >= 0 && inputZeros <= 1)) {
      throw new IllegalArgumentException("inputZeros must be in [0, 1], got " + inputZeros);
    }
    this.batch = batch;
    this.pool = threads > 1 ? Executors.newFixedThreadPool(threads - 1) : null;
    float[] weights = pruning.equals(RANDOM)
        ? RandomWeights.dense(rows, cols, sparsity, WEIGHT_SEED)
        : nmWeights(rows, cols, NmPattern.parse(pruning), WEIGHT_SEED);
    long count = 0;
    for (float w : weights) {
      count += w != 0 ? 1 : 0;
    }
    this.nonzeros = count;
    this.op = LinearOp.create(weights, rows, cols, null, Epilogue.IDENTITY, method(kernel),
        kernels(kernel), threads, pool);
    this.x = AlignedBuffer.copyOf(input(cols, batch, inputZeros));
    this.y = AlignedBuffer.allocateFloats((long) rows * batch);
  }

  /**
   * The benchmark names of the layer kernels, from the list of layer methods: each method's
   * label (the best native kernels), then {@code java_} and the label of the first sparse
   * method: the pure-Java fallback, the yardstick for where the native library cannot load.
   */
  static List<String> kernelNames() {
    List<String> names = new ArrayList<>();
    LayerMethod javaYardstick = null;
    for (LayerMethod method : LayerMethod.values()) {
      names.add(method.label());
      if (javaYardstick == null && method.isSparse()) {
        javaYardstick = method;
      }
    }
    names.add(JAVA_PREFIX + javaYardstick.label());
    return names;
  }

  /**
   * Maps a benchmark {@code kernel} parameter to the layer method: a method's label, with
   * {@code java_} in front for the pure-Java kernels.
   *
   * @throws IllegalArgumentException if no method has that label
   */
  static LayerMethod method(String kernel) {
    return LayerMethod.ofLabel(kernel.startsWith(JAVA_PREFIX)
        ? kernel.substring(JAVA_PREFIX.length()) : kernel);
  }

  /** {@code java_...} runs the pure-Java fallback; everything else the best native kernels. */
  static Kernels kernels(String kernel) {
    return kernel.startsWith(JAVA_PREFIX) ? JavaKernels.instance() : Kernels.best();
  }

  /**
   * Appends this layer's figures to the benchmark record ({@link BenchRecord}): nonzeros and
   * the bytes one call reads and writes (weights in the method's storage, inputs, outputs),
   * from which the summarizer reckons nonzeros per second and the fraction of the roofline.
   */
  void record(String benchmark, BenchmarkParams params) {
    if (!BenchRecord.enabled()) {
      return;
    }
    Map<String, Object> values = new TreeMap<>();
    params.getParamsKeys().forEach(k -> values.put(k, params.getParam(k)));
    ObjectNode record = BenchRecord.start(benchmark, values);
    record.put("rows", op.rows());
    record.put("cols", op.cols());
    record.put("batch", batch);
    record.put("nonzeros", nonzeros);
    record.put("weightBytes", op.weightBytes());
    record.put("inputBytes", x.byteSize());
    record.put("outputBytes", y.byteSize());
    BenchRecord.write(record);
  }

  /** The random input of {@code INPUT_SEED} with a fraction of its features zeroed. */
  static float[] input(int cols, int batch, double inputZeros) {
    float[] x = RandomWeights.vector(cols * batch, INPUT_SEED);
    if (inputZeros > 0) {
      SplittableRandom random = new SplittableRandom(INPUT_SEED);
      for (int c = 0; c < cols; c++) {
        if (random.nextDouble() < inputZeros) {
          Arrays.fill(x, c * batch, (c + 1) * batch, 0f);
        }
      }
    }
    return x;
  }

  /** Random weights pruned to {@code pattern} along the inputs (the last group in proportion). */
  static float[] nmWeights(int rows, int cols, NmPattern pattern, long seed) {
    float[] w = RandomWeights.dense(rows, cols, 0, seed);
    SplittableRandom random = new SplittableRandom(seed);
    int m = pattern.m();
    int[] order = new int[m];
    for (int r = 0; r < rows; r++) {
      for (int g = 0; g < cols; g += m) {
        int width = Math.min(m, cols - g);
        int keep = (pattern.n() * width + m - 1) / m;
        for (int i = 0; i < width; i++) {
          order[i] = i;
        }
        for (int i = width - 1; i > 0; i--) { // Fisher-Yates: the first `keep` stay
          int j = random.nextInt(i + 1);
          int t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
        for (int i = keep; i < width; i++) {
          w[r * cols + g + order[i]] = 0f;
        }
      }
    }
    return w;
  }

  AlignedBuffer run() {
    op.run(x, batch, y);
    return y;
  }

  @Override
  public void close() {
    op.close();
    x.close();
    y.close();
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
