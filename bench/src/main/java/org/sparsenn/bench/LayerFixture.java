package org.sparsenn.bench;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.sparsenn.engine.LayerMethod;
import org.sparsenn.engine.LinearOp;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.Epilogue;
import org.sparsenn.kernel.JavaKernels;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.sparse.RandomWeights;

/**
 * One random layer built for one benchmark kernel, with its input and output buffers: the same
 * seed gives the same matrix for every kernel, so sparse and dense are measured on the same
 * weights in the same run.
 */
final class LayerFixture implements AutoCloseable {
  static final long WEIGHT_SEED = 42;
  static final long INPUT_SEED = 7;

  final LinearOp op;
  final AlignedBuffer x;
  final AlignedBuffer y;
  final int batch;
  private final ExecutorService pool;

  LayerFixture(String kernel, int rows, int cols, double sparsity, int batch, int threads) {
    this.batch = batch;
    this.pool = threads > 1 ? Executors.newFixedThreadPool(threads - 1) : null;
    float[] weights = RandomWeights.dense(rows, cols, sparsity, WEIGHT_SEED);
    this.op = LinearOp.create(weights, rows, cols, null, Epilogue.IDENTITY, method(kernel),
        kernels(kernel), threads, pool);
    this.x = AlignedBuffer.copyOf(RandomWeights.vector(cols * batch, INPUT_SEED));
    this.y = AlignedBuffer.allocateFloats((long) rows * batch);
  }

  /** Maps a benchmark {@code kernel} parameter to the layer method. */
  static LayerMethod method(String kernel) {
    switch (kernel) {
      case "dense_blas":
        return LayerMethod.DENSE_BLAS;
      case "dense_simd":
        return LayerMethod.DENSE_SIMD;
      case "dense_packed":
        return LayerMethod.DENSE_PACKED;
      case "csr":
      case "java_csr":
        return LayerMethod.CSR;
      case "csr16":
        return LayerMethod.CSR16;
      default:
        throw new IllegalArgumentException("unknown kernel '" + kernel
            + "': expected dense_blas, dense_simd, dense_packed, csr, csr16 or java_csr");
    }
  }

  /** {@code java_csr} runs the pure-Java fallback; everything else the best native kernels. */
  static Kernels kernels(String kernel) {
    return kernel.startsWith("java_") ? JavaKernels.instance() : Kernels.best();
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
