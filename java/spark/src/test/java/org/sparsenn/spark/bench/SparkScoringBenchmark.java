package org.sparsenn.spark.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparsenn.io.onnx.OnnxWriter;
import org.sparsenn.io.snn.SnnWriteOptions;
import org.sparsenn.io.snn.SnnWriter;
import org.sparsenn.model.Activation;
import org.sparsenn.model.Network;
import org.sparsenn.prune.Pruners;
import org.sparsenn.spark.SparsennModel;
import org.sparsenn.train.Initializers;

/**
 * Rows per second scoring a DataFrame of Fashion-MNIST-sized rows (784-wide dense ML vectors)
 * in local mode with a 784-300-100-10 MLP: sparsenn at 0% and 90% (magnitude-pruned), Spark
 * MLlib's {@code MultilayerPerceptronClassificationModel} with the same layer sizes (what a
 * Spark user has today: row by row, double precision, sigmoid hidden layers, so speed only),
 * and the 90% model exported to ONNX (as {@code sparsenn convert} does) run by ONNX Runtime Java
 * in a plain per-batch {@code mapPartitions} UDF. Not a test: run it alone on a quiet machine.
 *
 * <p>Every contender reads the same generated rows and writes its ids and predictions to
 * Spark's {@code noop} sink; {@code generate-only} writes the rows unscored (generated and
 * encoded as Spark rows), the harness's own ceiling. Each contender is warmed on a tenth of the
 * rows, then timed {@code --repeats} times on all of them; the JSON keeps every time and the
 * best rows/s. MLlib's model scores about a thousand rows a second on two cores, so it is timed
 * once on its first {@code --mllib-rows} rows (rows/s is a rate; a million would take a quarter
 * of an hour).
 *
 * <pre>
 * --rows N (1000000) --repeats R (2) --batch B (64) --partitions P (cores)
 * --mllib-rows M (50000) --out FILE (bench/results/spark-scoring.json)
 * </pre>
 */
public final class SparkScoringBenchmark {
  private static final int WIDTH = 784;
  private static final int[] SIZES = {WIDTH, 300, 100, 10};
  // Distinct images the rows cycle through: generating a row is then a copy, not 784 draws.
  private static final int POOL = 4096;

  private SparkScoringBenchmark() {}

  /** Runs the benchmark; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException {
    Map<String, String> options = new LinkedHashMap<>(Map.of("--rows", "1000000",
        "--repeats", "2", "--mllib-rows", "50000", "--batch", "64",
        "--out", "bench/results/spark-scoring.json",
        "--partitions", String.valueOf(Runtime.getRuntime().availableProcessors())));
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
      }
      options.put(args[i], args[i + 1]);
    }
    long rows = Long.parseLong(options.get("--rows"));
    long mllibRows = Math.min(rows, Long.parseLong(options.get("--mllib-rows")));
    int repeats = Integer.parseInt(options.get("--repeats"));
    int batch = Integer.parseInt(options.get("--batch"));
    int partitions = Integer.parseInt(options.get("--partitions"));
    Path out = Path.of(options.get("--out"));

    Path work = Files.createTempDirectory("sparsenn-spark-bench");
    Network dense = Initializers.pytorchLinear(SIZES, Activation.RELU, Activation.IDENTITY,
        false, 42);
    Network pruned = Pruners.magnitude().sparsity(0.9).build().prune(dense).network();
    Path dense0 = work.resolve("mlp-0.snn");
    Path pruned90 = work.resolve("mlp-90.snn");
    Path onnx90 = work.resolve("mlp-90.onnx");
    SnnWriter.write(dense, dense0, SnnWriteOptions.defaults());
    SnnWriter.write(pruned, pruned90, SnnWriteOptions.defaults());
    OnnxWriter.write(pruned, onnx90);

    SparkSession spark = SparkSession.builder().master("local[*]")
        .appName("sparsenn-spark-bench").config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");

    MultilayerPerceptronClassificationModel mlp = new MultilayerPerceptronClassifier()
        .setLayers(SIZES).setMaxIter(1).setSeed(42).fit(labelled(spark, 256))
        .setRawPredictionCol("").setProbabilityCol("").setPredictionCol("prediction");

    Map<String, Function<Dataset<Row>, Dataset<Row>>> contenders = new LinkedHashMap<>();
    contenders.put("generate-only", frame -> frame);
    contenders.put("sparsenn-0", sparsenn(dense0, batch));
    contenders.put("sparsenn-90", sparsenn(pruned90, batch));
    contenders.put("onnxruntime-udf-90", frame -> frame.mapPartitions(
        new OrtScorer(onnx90.toString(), batch), Encoders.row(withPrediction(frame.schema()))));
    contenders.put("mllib-mlp", mlp::transform);

    List<Map<String, Object>> results = new ArrayList<>();
    Map<String, Double> best = new LinkedHashMap<>();
    for (Map.Entry<String, Function<Dataset<Row>, Dataset<Row>>> c : contenders.entrySet()) {
      long n = c.getKey().equals("mllib-mlp") ? mllibRows : rows;
      time(c.getValue(), images(spark, Math.max(1, n / 10), partitions));
      List<Double> seconds = new ArrayList<>();
      // MLlib scores a row in milliseconds: one long run of its smaller share is stable enough.
      int runs = c.getKey().equals("mllib-mlp") ? 1 : repeats;
      for (int r = 0; r < runs; r++) {
        seconds.add(time(c.getValue(), images(spark, n, partitions)));
      }
      double fastest = seconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
      best.put(c.getKey(), n / fastest);
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("name", c.getKey());
      result.put("rows", n);
      result.put("seconds", seconds);
      result.put("bestRowsPerSecond", Math.round(n / fastest));
      results.add(result);
      System.out.printf("%-20s %,12.0f rows/s  (best of %s s)%n", c.getKey(), n / fastest,
          seconds);
    }
    String sparkVersion = spark.version();
    spark.stop();

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("benchmark", "Spark local-mode scoring, " + rows + " rows of " + WIDTH
        + " floats (ML dense vectors), model 784-300-100-10");
    report.put("spark", sparkVersion);
    report.put("java", System.getProperty("java.version"));
    report.put("cores", Runtime.getRuntime().availableProcessors());
    report.put("partitions", partitions);
    report.put("batchSize", batch);
    report.put("threadsPerTask", 1);
    report.put("results", results);
    Map<String, Double> speedups = new LinkedHashMap<>();
    double s90 = best.get("sparsenn-90");
    speedups.put("sparsenn-90 over sparsenn-0", s90 / best.get("sparsenn-0"));
    speedups.put("sparsenn-90 over mllib-mlp", s90 / best.get("mllib-mlp"));
    speedups.put("sparsenn-90 over onnxruntime-udf-90", s90 / best.get("onnxruntime-udf-90"));
    speedups.put("sparsenn-0 over mllib-mlp", best.get("sparsenn-0") / best.get("mllib-mlp"));
    report.put("speedups", speedups);
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), report);
    System.out.println("wrote " + out.toAbsolutePath());
  }

  private static Function<Dataset<Row>, Dataset<Row>> sparsenn(Path model, int batch) {
    SparsennModel scorer = new SparsennModel().setModelPath(model.toString()).setOutputCol("")
        .setPredictionCol("prediction").setBatchSize(batch).setThreads(1);
    return scorer::transform;
  }

  /** Seconds to score {@code frame} and write its ids and predictions to the noop sink. */
  private static double time(Function<Dataset<Row>, Dataset<Row>> score, Dataset<Row> frame) {
    Dataset<Row> scored = score.apply(frame);
    List<String> columns = List.of(scored.columns());
    Dataset<Row> written = columns.contains("prediction")
        ? scored.select("id", "prediction") : scored;
    long start = System.nanoTime();
    written.write().format("noop").mode("overwrite").save();
    return (System.nanoTime() - start) / 1e9;
  }

  private static StructType withPrediction(StructType schema) {
    return schema.add("prediction", DataTypes.DoubleType, true);
  }

  /** {@code rows} rows of (id, features), features cycling through a pool of images. */
  private static Dataset<Row> images(SparkSession spark, long rows, int partitions) {
    StructType schema = new StructType().add("id", DataTypes.LongType)
        .add("features", SQLDataTypes.VectorType());
    // The filter keeps Spark from handing the generated Row objects straight to a scorer's
    // mapPartitions: every contender then decodes its input from Spark's rows, as it would
    // reading a table.
    return spark.range(0, rows, 1, partitions).toDF()
        .mapPartitions(new ImageRows(), Encoders.row(schema))
        .filter(functions.col("id").geq(0));
  }

  /** A small labelled set, only so that MLlib builds its model with the right layer sizes. */
  private static Dataset<Row> labelled(SparkSession spark, int rows) {
    List<Row> list = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      list.add(RowFactory.create((double) (i % 10), Vectors.dense(ImageRows.image(i))));
    }
    StructType schema = new StructType().add("label", DataTypes.DoubleType)
        .add("features", SQLDataTypes.VectorType());
    return spark.createDataFrame(list, schema);
  }

  /** Turns ids into rows (id, features): pixel-like values, about half of them zero. */
  private static final class ImageRows implements MapPartitionsFunction<Row, Row> {
    private static final double[][] POOL_IMAGES = new double[POOL][];

    static {
      for (int i = 0; i < POOL; i++) {
        SplittableRandom random = new SplittableRandom(1000 + i);
        double[] x = new double[WIDTH];
        for (int f = 0; f < WIDTH; f++) {
          x[f] = random.nextDouble() < 0.5 ? 0.0 : (float) random.nextDouble();
        }
        POOL_IMAGES[i] = x;
      }
    }

    static double[] image(long id) {
      return POOL_IMAGES[(int) (id % POOL)];
    }

    @Override
    public Iterator<Row> call(Iterator<Row> ids) {
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return ids.hasNext();
        }

        @Override
        public Row next() {
          long id = ids.next().getLong(0);
          return RowFactory.create(id, Vectors.dense(image(id).clone()));
        }
      };
    }
  }

  /**
   * The ONNX Runtime contender: a plain per-batch UDF, one ONNX Runtime session per JVM (one
   * intra-op thread, as sparsenn's one thread per task), rows appended with their prediction.
   */
  private static final class OrtScorer implements MapPartitionsFunction<Row, Row> {
    private static final Map<String, OrtSession> SESSIONS = new ConcurrentHashMap<>();
    private final String model;
    private final int batch;

    OrtScorer(String model, int batch) {
      this.model = model;
      this.batch = batch;
    }

    private static OrtSession session(String model) {
      return SESSIONS.computeIfAbsent(model, m -> {
        try {
          OrtSession.SessionOptions options = new OrtSession.SessionOptions();
          options.setIntraOpNumThreads(1);
          options.setInterOpNumThreads(1);
          return OrtEnvironment.getEnvironment().createSession(m, options);
        } catch (OrtException e) {
          throw new IllegalStateException("cannot load " + m + ": " + e.getMessage(), e);
        }
      });
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      OrtSession session = session(model);
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      float[] in = new float[batch * WIDTH];
      List<Row> pending = new ArrayList<>(batch);
      return new Iterator<>() {
        private final List<Row> scored = new ArrayList<>(batch);
        private int next;

        @Override
        public boolean hasNext() {
          if (next < scored.size()) {
            return true;
          }
          scored.clear();
          next = 0;
          pending.clear();
          while (pending.size() < batch && rows.hasNext()) {
            Row row = rows.next();
            double[] x = ((Vector) row.get(1)).toArray();
            int base = pending.size() * WIDTH;
            for (int f = 0; f < WIDTH; f++) {
              in[base + f] = (float) x[f];
            }
            pending.add(row);
          }
          if (pending.isEmpty()) {
            return false;
          }
          int n = pending.size();
          try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(in, 0, n * WIDTH),
              new long[] {n, WIDTH});
              OrtSession.Result result = session.run(Map.of("input", input))) {
            float[][] y = (float[][]) result.get(0).getValue();
            for (int r = 0; r < n; r++) {
              int arg = 0;
              for (int o = 1; o < y[r].length; o++) {
                arg = y[r][o] > y[r][arg] ? o : arg;
              }
              Row row = pending.get(r);
              scored.add(RowFactory.create(row.get(0), row.get(1), (double) arg));
            }
          } catch (OrtException e) {
            throw new UncheckedIOException(new IOException("onnxruntime: " + e.getMessage(), e));
          }
          return true;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          return scored.get(next++);
        }
      };
    }
  }
}
