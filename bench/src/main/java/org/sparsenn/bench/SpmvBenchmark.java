package org.sparsenn.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.sparsenn.kernel.AlignedBuffer;

/**
 * Batch 1: {@code y = W x} for a random {@code rows x cols} layer at a given sparsity, one
 * kernel per run, the same matrix (fixed seed) for every kernel. The weights stay the same
 * between calls, so a matrix that fits in cache is measured warm: compare its bytes with the
 * caches (on the reference machine 1 MiB L2 per core, 32 MiB L3). {@code kernel} is a label from
 * the list of layer methods, or {@code java_} and one (see {@link Formats}).
 *
 * <pre>java -jar bench/target/benchmarks.jar SpmvBenchmark -p rows=4096 -p cols=4096 -p sparsity=0.9</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(1)
public class SpmvBenchmark {
  @Param({"4096"})
  int rows;

  @Param({"4096"})
  int cols;

  @Param({"0", "0.5", "0.7", "0.8", "0.9", "0.95", "0.98", "0.99"})
  double sparsity;

  @Param({"1"})
  int threads;

  // Fraction of input features that are exact zeros (in every sample), as after a ReLU: the
  // formats that skip zero inputs (csc16) depend on it; 0 keeps the dense random input.
  @Param({"0"})
  double inputZeros;

  // "random": uniformly random zeros at `sparsity`; an N:M pattern such as "2:4": every row
  // keeps N of each M inputs (`sparsity` is then ignored), the layer the nm method is for.
  @Param({"random"})
  String pruning;

  // JMH needs constant defaults: the baseline, the general sparse method and the pure-Java
  // fallback. run-benchmarks.sh passes every layer method (Formats), so a new method is
  // measured there without an edit here.
  @Param({"dense_blas", "csr", "java_csr"})
  String kernel;

  private LayerFixture layer;

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) {
    layer = new LayerFixture(kernel, rows, cols, sparsity, pruning, inputZeros, 1, threads);
    layer.record("SpmvBenchmark", params);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    layer.close();
  }

  @Benchmark
  public AlignedBuffer spmv() {
    return layer.run();
  }
}
