package org.sparsenn.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.sparsenn.engine.LayerMethod;
import org.sparsenn.engine.LinearOp;
import org.sparsenn.engine.Session;
import org.sparsenn.engine.SessionOptions;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import java.util.List;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.Epilogue;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.sparse.CsrMatrix;
import org.sparsenn.sparse.RandomWeights;
import org.sparsenn.kernel.IndexWidth;
import org.sparsenn.kernel.Isa;
import org.sparsenn.kernel.NativeKernels;
import org.sparsenn.kernel.internal.RawKernels;

/**
 * What a call costs beyond the arithmetic: an empty JNI call ({@code jniCall}, the floor), a
 * 16 x 16 CSR layer (half the weights zero) called through the kernel interface directly
 * ({@code kernelDirect}: JNI plus the kernel), and through
 * {@link LinearOp} with each input form: off-heap buffers (zero copy), {@code float[]} and a
 * direct {@link FloatBuffer} (both copied through per-thread scratch), and through a one-layer
 * {@link Session} ({@code sessionFloatArray}: what the engine adds to the kernel).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(1)
public class CallOverheadBenchmark {
  private static final int SIZE = 16;

  private Kernels kernels;
  // the internal, unchecked door: kernelDirect measures what the facade adds over it
  private RawKernels raw;
  private CsrMatrix matrix;
  private LinearOp op;
  private Session session;
  private AlignedBuffer x;
  private AlignedBuffer y;
  private float[] xArray;
  private float[] yArray;
  private FloatBuffer xDirect;
  private FloatBuffer yDirect;

  @Setup(Level.Trial)
  public void setUp() {
    kernels = Kernels.best();
    raw = RawKernels.of(kernels);
    float[] weights = RandomWeights.dense(SIZE, SIZE, 0.5, LayerFixture.WEIGHT_SEED);
    matrix = CsrMatrix.fromDense(weights, SIZE, SIZE, 0f, IndexWidth.INT32);
    op = LinearOp.create(weights, SIZE, SIZE, null, Epilogue.IDENTITY, LayerMethod.CSR, kernels,
        1, null);
    Network network = new Network(List.of(new DenseLayer(SIZE, SIZE, weights, null,
        Activation.IDENTITY)), false);
    session = Session.create(network, SessionOptions.builder()
        .override(0, LayerMethod.CSR).build(), kernels);
    xArray = RandomWeights.vector(SIZE, LayerFixture.INPUT_SEED);
    yArray = new float[SIZE];
    x = AlignedBuffer.copyOf(xArray);
    y = AlignedBuffer.allocateFloats(SIZE);
    xDirect = ByteBuffer.allocateDirect(SIZE * Float.BYTES).order(ByteOrder.nativeOrder())
        .asFloatBuffer().put(xArray);
    yDirect = ByteBuffer.allocateDirect(SIZE * Float.BYTES).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    op.close();
    session.close();
    matrix.close();
    x.close();
    y.close();
  }

  /** The floor: one JNI call that does no work ({@code snn_isa_best}). */
  @Benchmark
  public Isa jniCall() {
    return NativeKernels.bestIsa();
  }

  @Benchmark
  public AlignedBuffer kernelDirect() {
    raw.spmv(matrix, 0, SIZE, x, null, y, Epilogue.IDENTITY);
    return y;
  }

  @Benchmark
  public AlignedBuffer opOffHeap() {
    op.run(x, y);
    return y;
  }

  @Benchmark
  public float[] opFloatArray() {
    op.run(xArray, yArray);
    return yArray;
  }

  @Benchmark
  public FloatBuffer opDirectFloatBuffer() {
    op.run(xDirect, yDirect);
    return yDirect;
  }

  /** The whole engine: a one-layer {@link Session} (CSR), {@code float[]} to {@code float[]}. */
  @Benchmark
  public float[] sessionFloatArray() {
    session.run(xArray, yArray);
    return yArray;
  }
}
