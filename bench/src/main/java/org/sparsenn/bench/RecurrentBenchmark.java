package org.sparsenn.bench;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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
import org.sparsenn.engine.RecurrentMatrixPlan;
import org.sparsenn.engine.Session;
import org.sparsenn.io.onnx.OnnxWriter;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.model.RecurrentLayer;
import org.sparsenn.model.RecurrentLayer.Cell;
import org.sparsenn.model.RecurrentLayer.Direction;
import org.sparsenn.model.SequenceOutput;

/**
 * A recurrent classifier end to end, sequences in, scores out: one forward LSTM or GRU
 * ({@code hidden} units, {@code steps} steps of {@value #FEATURES} features) whose last step
 * feeds a dense layer of {@value #CLASSES} outputs, as a PyTorch sequence classifier is built.
 * Engines as in {@link ModelBenchmark}: {@code sparsenn} (planned by MEASURE, each of W and R
 * on its own), {@code sparsenn_dense} (MEASURE among the dense methods only: our own dense
 * path), a layer method's label (forced on every matrix), and {@code onnxruntime} (ONNX
 * Runtime's Java API running the dense LSTM/GRU graph that {@link OnnxWriter} exports from the
 * same weights; one intra-op thread per {@code threads}, preallocated output).
 *
 * <p>Weights: uniform in {@code [-1/sqrt(hidden), 1/sqrt(hidden))} as PyTorch initialises its
 * recurrent layers (seeded), then pruned to {@code sparsity} by global magnitude over W and R
 * together: one threshold for both matrices, biases and the dense head kept. Inputs: the
 * Fashion-MNIST test sample read row by row (28 steps of 28 pixels) when {@code steps} is 28,
 * random values otherwise, cycling through up to {@value BenchInputs#MAX_BATCHES} batches.
 *
 * <p>With {@code -jvmArgsAppend -Dsparsenn.bench.record=FILE} each trial appends a line
 * ({@link BenchRecord}): every matrix's shape, nonzeros and the methods the plan chose.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 400, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 3, time = 400, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
public class RecurrentBenchmark {
  static final int FEATURES = 28;
  static final int CLASSES = 10;
  private static final long WEIGHT_SEED = 2114;

  @Param({"lstm", "gru"})
  public String cell;

  @Param({"256", "1024"})
  public int hidden;

  @Param({"28"})
  public int steps;

  @Param({"0", "0.5", "0.9", "0.95"})
  public double sparsity;

  @Param({"1", "8"})
  public int batch;

  @Param({"1"})
  public int threads;

  @Param({"sparsenn", "sparsenn_dense", "onnxruntime"})
  public String engine;

  /**
   * {@code magnitude} (W and R together, below) or a structured method of
   * {@link BenchPruning}, e.g. {@code block16x1}: the library's pruner on the whole network.
   */
  @Param({"magnitude"})
  public String pruning;

  private Network network;
  private Session session;
  private List<float[]> inputs;
  private float[] output;
  private int next;
  private OrtRunner ort;
  private ObjectNode record;

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) throws IOException, OrtException {
    BenchPruning method = BenchPruning.parse(pruning);
    Cell kind = Cell.valueOf(cell.toUpperCase(java.util.Locale.ROOT));
    network = method.isMagnitude() ? network(kind, hidden, sparsity)
        : method.apply(network(kind, hidden, 0), sparsity);
    inputs = steps == 28
        ? BenchInputs.batches("builtin", "mlp", steps * FEATURES, batch)
        : List.of(org.sparsenn.sparse.RandomWeights.vector(batch * steps * FEATURES, 7));
    output = new float[batch * CLASSES];
    Map<String, Object> values = new TreeMap<>();
    if (params != null) { // null outside JMH (a smoke run from a main)
      params.getParamsKeys().forEach(k -> values.put(k, params.getParam(k)));
    }
    record = BenchRecord.start("RecurrentBenchmark", values);
    record.put("batches", inputs.size());
    if (engine.equals("onnxruntime")) {
      ort = new OrtRunner(network, threads, inputs, new long[] {batch, steps, FEATURES},
          new long[] {batch, CLASSES});
    } else {
      session = Session.create(network, ModelBenchmark.options(engine, threads, batch).build());
      System.out.println();
      for (RecurrentMatrixPlan plan : session.recurrentPlans()) {
        System.out.println(plan.describe());
      }
      System.out.print(session.plan().describe());
    }
  }

  /**
   * One recurrent layer and its dense head; W and R pruned together by global magnitude.
   */
  static Network network(Cell cell, int hidden, double sparsity) {
    int rows = cell.gates() * hidden;
    SplittableRandom random = new SplittableRandom(WEIGHT_SEED + hidden);
    float bound = (float) (1 / Math.sqrt(hidden));
    float[] w = uniform(random, rows * FEATURES, bound);
    float[] r = uniform(random, rows * hidden, bound);
    pruneTogether(w, r, sparsity);
    RecurrentLayer layer = new RecurrentLayer(cell, Direction.FORWARD, FEATURES, hidden,
        Activation.TANH, cell == Cell.GRU, w, r, uniform(random, rows, bound),
        uniform(random, rows, bound));
    DenseLayer head = new DenseLayer(hidden, CLASSES, uniform(random, CLASSES * hidden, bound),
        uniform(random, CLASSES, bound), Activation.IDENTITY);
    return Network.sequence(List.of(layer), SequenceOutput.LAST_STEP, List.of(head), false);
  }

  private static float[] uniform(SplittableRandom random, int n, float bound) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((2 * random.nextDouble() - 1) * bound);
    }
    return v;
  }

  /** Zeros the {@code sparsity} fraction of smallest magnitudes across both arrays. */
  static void pruneTogether(float[] w, float[] r, double sparsity) {
    int total = w.length + r.length;
    int zeros = (int) Math.round(sparsity * total);
    if (zeros == 0) {
      return;
    }
    float[] magnitudes = new float[total];
    for (int i = 0; i < w.length; i++) {
      magnitudes[i] = Math.abs(w[i]);
    }
    for (int i = 0; i < r.length; i++) {
      magnitudes[w.length + i] = Math.abs(r[i]);
    }
    Arrays.sort(magnitudes);
    float threshold = magnitudes[zeros - 1];
    // exactly `zeros` zeros: below the threshold all, at it as many as are left
    int atThreshold = zeros;
    for (float m : magnitudes) {
      if (m < threshold) {
        atThreshold--;
      }
    }
    atThreshold = pruneArray(w, threshold, atThreshold);
    pruneArray(r, threshold, atThreshold);
  }

  private static int pruneArray(float[] a, float threshold, int atThreshold) {
    for (int i = 0; i < a.length; i++) {
      float m = Math.abs(a[i]);
      if (m < threshold || (m == threshold && atThreshold-- > 0)) {
        a[i] = 0f;
      }
    }
    return atThreshold;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException, OrtException {
    if (BenchRecord.enabled()) {
      recordMatrices();
      BenchRecord.write(record);
    }
    if (session != null) {
      session.close();
    }
    if (ort != null) {
      ort.close();
    }
  }

  /** Each recurrent matrix's shape, nonzeros and (sparsenn engines) the chosen methods. */
  private void recordMatrices() {
    RecurrentLayer layer = network.recurrentLayers().get(0);
    record.put("nonzerosW", nonzeros(layer.inputWeights(0)));
    record.put("nonzerosR", nonzeros(layer.recurrentWeights(0)));
    if (session != null) {
      ArrayNode matrices = record.putArray("matrices");
      for (RecurrentMatrixPlan plan : session.recurrentPlans()) {
        matrices.addObject().put("matrix", plan.matrix()).put("rows", plan.plan().rows())
            .put("cols", plan.plan().cols()).put("nonzeros", plan.plan().nonzeros())
            .put("single", plan.plan().single().label())
            .put("batched", plan.plan().batched().label())
            .put("reason", plan.plan().reason());
      }
    }
  }

  private static long nonzeros(float[] values) {
    long n = 0;
    for (float v : values) {
      if (v != 0f) {
        n++;
      }
    }
    return n;
  }

  @Benchmark
  public Object run() throws OrtException {
    int k = next;
    next = k + 1 == inputs.size() ? 0 : k + 1;
    if (ort != null) {
      return ort.run(k);
    }
    session.runSequences(inputs.get(k), batch, steps, output);
    return output;
  }
}
