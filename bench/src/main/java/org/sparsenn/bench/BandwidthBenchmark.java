package org.sparsenn.bench;

import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;
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
import org.sparsenn.kernel.Kernels;

/**
 * The streaming read bandwidth of one thread: OpenBLAS {@code sasum} (a SIMD sum of absolute
 * values, one read per element and no writes) over {@code mib} MiB of floats. At the default
 * 256 MiB (a 16384 x 4096 fp32 matrix) it streams from DRAM: the roofline that
 * {@code bench/summarize.py} divides a DRAM-resident layer's bytes per second by. The bandwidth
 * is {@code mib * 2^20 / time}.
 *
 * <pre>java -jar bench/target/benchmarks.jar BandwidthBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(1)
public class BandwidthBenchmark {
  @Param({"256"})
  int mib;

  private FloatPointer values;
  private int count;

  @Setup(Level.Trial)
  public void setUp() {
    // sparsenn's loading of OpenBLAS sets it to 1 thread; said again here, as this runs alone
    Kernels.best();
    Loader.load(openblas_nolapack.class);
    openblas_nolapack.blas_set_num_threads(1);
    count = Math.toIntExact((long) mib * (1 << 20) / Float.BYTES);
    values = new FloatPointer(count);
    // written, so every page is backed by memory of its own (not the shared zero page)
    for (long i = 0; i < count; i += 1024) {
      values.put(i, 1f);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    values.close();
  }

  @Benchmark
  public float sasum() {
    return openblas_nolapack.cblas_sasum(count, values, 1);
  }
}
