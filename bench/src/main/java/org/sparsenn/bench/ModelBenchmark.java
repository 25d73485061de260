package org.sparsenn.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
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
import org.sparsenn.engine.LayerMethod;
import org.sparsenn.engine.PlanningMode;
import org.sparsenn.engine.Session;
import org.sparsenn.engine.SessionOptions;
import org.sparsenn.io.onnx.OnnxWriter;
import org.sparsenn.model.Network;
import org.sparsenn.sparse.RandomWeights;

/**
 * A whole network, end to end from row-major inputs to row-major outputs, on each engine:
 * {@code sparsenn} (a {@link Session} planned by {@link PlanningMode#MEASURE}),
 * {@code sparsenn_estimate} (planned by {@link PlanningMode#ESTIMATE}), {@code sparsenn_dense}
 * (MEASURE among the dense methods only), each layer method forced on every layer (its label,
 * e.g. {@code dense_blas}; {@code Formats methods} lists them: the yardsticks for the planner),
 * and {@code onnxruntime} (ONNX Runtime's Java API on the same network exported by
 * {@link OnnxWriter}, with the same intra-op thread count and preallocated outputs). Every
 * engine runs the same weights, so ratios within one run are like for like.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
public class ModelBenchmark {
  @Param({"mlp", "wide4096"})
  public String model;

  @Param({"0", "0.5", "0.7", "0.8", "0.9", "0.95", "0.98"})
  public double sparsity;

  @Param({"1", "8", "64"})
  public int batch;

  @Param({"1"})
  public int threads;

  @Param({"sparsenn", "sparsenn_dense", "onnxruntime"})
  public String engine;

  private Session session;
  private float[] input;
  private float[] output;
  private OrtEnvironment ort;
  private OrtSession ortSession;
  private OnnxTensor ortInput;
  private OnnxTensor ortOutput;
  private Map<String, OnnxTensor> ortInputs;
  private Map<String, OnnxValue> ortOutputs;
  private Path onnxFile;

  @Setup(Level.Trial)
  public void setUp() throws IOException, OrtException {
    Network network = ModelFixture.network(model, sparsity);
    input = RandomWeights.vector(batch * network.inputs(), LayerFixture.INPUT_SEED);
    output = new float[batch * network.outputs()];
    if (engine.equals("onnxruntime")) {
      setUpOnnxRuntime(network);
    } else {
      session = Session.create(network, options(engine, threads, batch));
      System.out.println();
      System.out.print(session.plan().describe());
    }
  }

  /** The session options an engine name stands for. */
  static SessionOptions options(String engine, int threads, int batch) {
    SessionOptions.Builder options = SessionOptions.builder().threads(threads)
        .plannedBatch(Math.max(2, batch)).softmax(false).requireNative(true);
    switch (engine) {
      case "sparsenn" -> options.planning(PlanningMode.MEASURE);
      case "sparsenn_estimate" -> options.planning(PlanningMode.ESTIMATE);
      case "sparsenn_dense" -> options.planning(PlanningMode.MEASURE)
          .candidates(LayerMethod.denseMethods());
      // any other name is a layer method's label, forced on every layer (at its precision)
      default -> {
        LayerMethod method = LayerMethod.ofLabel(engine);
        options.candidates(EnumSet.of(method)).precision(method.precision());
      }
    }
    return options.build();
  }

  private void setUpOnnxRuntime(Network network) throws IOException, OrtException {
    onnxFile = Files.createTempFile("sparsenn-bench-", ".onnx");
    OnnxWriter.write(network, onnxFile);
    ort = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      ortSession = ort.createSession(onnxFile.toString(), options);
    }
    FloatBuffer in = direct(input.length).put(input).rewind();
    ortInput = OnnxTensor.createTensor(ort, in, new long[] {batch, network.inputs()});
    ortOutput = OnnxTensor.createTensor(ort, direct(output.length),
        new long[] {batch, network.outputs()});
    String inputName = ortSession.getInputNames().iterator().next();
    String outputName = ortSession.getOutputNames().iterator().next();
    ortInputs = Map.of(inputName, ortInput);
    ortOutputs = Map.of(outputName, ortOutput);
  }

  private static FloatBuffer direct(int floats) {
    return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException, OrtException {
    if (session != null) {
      session.close();
    }
    if (ortSession != null) {
      ortSession.close();
      ortInput.close();
      ortOutput.close();
    }
    if (onnxFile != null) {
      Files.deleteIfExists(onnxFile);
    }
  }

  @Benchmark
  public Object run() throws OrtException {
    if (ortSession != null) {
      // Outputs are written into the preallocated tensor; the returned Result holds no new ones.
      ortSession.run(ortInputs, ortOutputs).close();
      return ortOutput;
    }
    session.run(input, batch, output);
    return output;
  }
}
