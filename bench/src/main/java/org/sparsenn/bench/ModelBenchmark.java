package org.sparsenn.bench;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
import org.sparsenn.engine.LayerMethod;
import org.sparsenn.engine.Plan;
import org.sparsenn.engine.PlanningMode;
import org.sparsenn.engine.Session;
import org.sparsenn.engine.SessionOptions;
import org.sparsenn.io.onnx.OnnxWriter;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;

/**
 * A whole network, end to end from row-major inputs to row-major outputs, on each engine:
 * {@code sparsenn} (a {@link Session} planned by {@link PlanningMode#MEASURE}),
 * {@code sparsenn_estimate} (planned by {@link PlanningMode#ESTIMATE}), {@code sparsenn_dense}
 * (MEASURE among the dense methods only), each layer method forced on every layer (its label,
 * e.g. {@code dense_blas}; {@code Formats methods} lists them: the yardsticks for the planner),
 * and {@code onnxruntime} (ONNX Runtime's Java API on the same network exported by
 * {@link OnnxWriter}, with the same intra-op thread count and preallocated outputs). Every
 * engine runs the same weights, so ratios within one run are like for like.
 *
 * <p>{@code pruning} picks how the model is pruned to {@code sparsity} ({@link BenchPruning}:
 * global magnitude, blocks, N:M); {@code data} what it is fed ({@link BenchInputs}: by default
 * the Fashion-MNIST test sample for the models trained on it, cycling through up to
 * {@value BenchInputs#MAX_BATCHES} batches, random values for the others).
 *
 * <p>With {@code -jvmArgsAppend -Dsparsenn.bench.record=FILE} each trial appends a line to FILE
 * ({@link BenchRecord}): its fork's plan (each layer's shape, nonzeros and method) and each
 * layer timed on its own ({@link LayerProfile}), for per-layer nonzeros per second and for
 * seeing plans that differ between forks. The plan is printed in the log either way.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
public class ModelBenchmark {
  @Param({"mlp", "mlp1024", "wide4096"})
  public String model;

  @Param({"0", "0.5", "0.7", "0.8", "0.9", "0.95", "0.98"})
  public double sparsity;

  @Param({"1", "8", "64"})
  public int batch;

  @Param({"1"})
  public int threads;

  @Param({"sparsenn", "sparsenn_dense", "onnxruntime"})
  public String engine;

  @Param({BenchPruning.MAGNITUDE})
  public String pruning;

  @Param({"default"})
  public String data;

  private Network network;
  private Session session;
  private List<float[]> inputs;
  private float[] output;
  private int next;
  private OrtRunner ort;
  private ObjectNode record;

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) throws IOException, OrtException {
    network = ModelFixture.network(model, sparsity, pruning);
    inputs = BenchInputs.batches(data, model, network.inputs(), batch);
    output = new float[batch * network.outputs()];
    Map<String, Object> values = new TreeMap<>();
    params.getParamsKeys().forEach(k -> values.put(k, params.getParam(k)));
    record = BenchRecord.start("ModelBenchmark", values);
    record.put("batches", inputs.size());
    if (engine.equals("onnxruntime")) {
      ort = new OrtRunner(network, threads, inputs, new long[] {batch, network.inputs()},
          new long[] {batch, network.outputs()});
    } else {
      session = Session.create(network, options(engine, threads, batch)
          .calibrationInputs(calibrationRows(inputs, network.inputs())).build());
      System.out.println();
      System.out.print(session.plan().describe());
    }
  }

  /**
   * The planner's calibration inputs: the first rows the benchmark feeds, so that formats whose
   * speed depends on the inputs' zeros are planned on the data they are timed on.
   */
  static float[][] calibrationRows(List<float[]> batches, int features) {
    List<float[]> rows = new ArrayList<>();
    for (float[] batch : batches) {
      for (int r = 0; r * features < batch.length && rows.size() < CALIBRATION_ROWS; r++) {
        rows.add(Arrays.copyOfRange(batch, r * features, (r + 1) * features));
      }
    }
    return rows.toArray(new float[0][]);
  }

  private static final int CALIBRATION_ROWS = 64;

  /** The session options an engine name stands for (without calibration inputs). */
  static SessionOptions.Builder options(String engine, int threads, int batch) {
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
    return options;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException, OrtException {
    if (BenchRecord.enabled()) {
      recordLayers();
      BenchRecord.write(record);
    }
    if (session != null) {
      session.close();
    }
    if (ort != null) {
      ort.close();
    }
  }

  /**
   * Each layer's shape and nonzeros; for a sparsenn engine also the method this fork's plan
   * chose for the benchmark's batch size, its weight bytes, and (1 thread) its time alone.
   */
  private void recordLayers() {
    ArrayNode layers = record.putArray("layers");
    List<LayerMethod> methods = new ArrayList<>();
    for (int i = 0; i < network.layers().size(); i++) {
      DenseLayer layer = network.layers().get(i);
      ObjectNode node = layers.addObject();
      node.put("rows", layer.outputs());
      node.put("cols", layer.inputs());
      node.put("nonzeros", layer.nonzeroWeights());
      if (session != null) {
        Plan.LayerPlan plan = session.plan().layers().get(i);
        LayerMethod method = batch == 1 ? plan.single() : plan.batched();
        methods.add(method);
        node.put("method", method.label());
        node.put("weightBytes",
            method.storageBytes(layer.outputs(), layer.inputs(), layer.nonzeroWeights()));
        // what the planner saw, so that forks that chose differently can be told apart
        ArrayNode candidates = node.putArray("candidates");
        for (Plan.Candidate c : batch == 1 ? plan.singleCandidates() : plan.batchedCandidates()) {
          ObjectNode candidate = candidates.addObject().put("method", c.method().label())
              .put("predicted", c.predictedMicros());
          if (c.measured()) {
            candidate.put("measured", c.measuredMicros());
          }
        }
      }
    }
    if (session != null && threads == 1) {
      double[] micros = LayerProfile.micros(network, methods, inputs, batch);
      for (int i = 0; i < micros.length; i++) {
        ((ObjectNode) layers.get(i)).put("micros", micros[i]);
      }
    }
  }

  @Benchmark
  public Object run() throws OrtException {
    int k = next;
    next = k + 1 == inputs.size() ? 0 : k + 1;
    if (ort != null) {
      return ort.run(k);
    }
    session.run(inputs.get(k), batch, output);
    return output;
  }
}
