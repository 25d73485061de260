package org.sparsenn.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparsenn.engine.Session;
import org.sparsenn.engine.SessionOptions;
import org.sparsenn.io.ModelReader;

class SparsennModelTest {
  private static final int WIDTH = 50;
  private static final int OUTPUTS = 7;
  // Not a multiple of the batch size nor of the partitions: partitions end in odd, short batches.
  private static final int ROWS = 61;
  private static final int BATCH = 8;

  @TempDir static Path dir;
  private static SparkSession spark;
  private static Path model;
  private static float[][] expected;

  @BeforeAll
  static void setUp() {
    spark = LocalSpark.session();
    model = TestModels.write(dir, "mlp.snn", 0.8, 7, WIDTH, 32, OUTPUTS);
    float[][] rows = new float[ROWS][];
    for (int r = 0; r < ROWS; r++) {
      rows[r] = TestModels.features(r, WIDTH);
    }
    SessionOptions options = SessionOptions.builder().threads(1).softmax(false)
        .plannedBatch(BATCH).build();
    try (Session session = Session.create(ModelReader.read(model), options)) {
      expected = session.run(rows);
    }
  }

  /** The rows as a DataFrame of {@code id} and {@code features} of the given kind. */
  private static Dataset<Row> frame(String kind, int width, boolean withNulls) {
    DataType type = switch (kind) {
      case "float" -> DataTypes.createArrayType(DataTypes.FloatType);
      case "double" -> DataTypes.createArrayType(DataTypes.DoubleType);
      default -> SQLDataTypes.VectorType();
    };
    StructType schema = new StructType().add("id", DataTypes.IntegerType).add("features", type);
    List<Row> rows = new ArrayList<>();
    for (int r = 0; r < ROWS; r++) {
      float[] x = java.util.Arrays.copyOf(TestModels.features(r, WIDTH), width);
      Object value = switch (kind) {
        case "float" -> x;
        case "double" -> doubles(x);
        case "sparse" -> Vectors.dense(doubles(x)).toSparse();
        default -> Vectors.dense(doubles(x));
      };
      rows.add(RowFactory.create(r, withNulls && r % 5 == 2 ? null : value));
    }
    // Three partitions without a shuffle: each ends in a short batch.
    return spark.createDataFrame(
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 3), schema);
  }

  private static double[] doubles(float[] x) {
    double[] d = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      d[i] = x[i];
    }
    return d;
  }

  private static SparsennModel transformer() {
    return new SparsennModel().setModelPath(model.toString()).setBatchSize(BATCH);
  }

  private static float[] outputs(Row row, String column) {
    List<Float> list = row.getList(row.fieldIndex(column));
    float[] y = new float[list.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = list.get(i);
    }
    return y;
  }

  /** The scored rows, indexed by id. */
  private static Row[] byId(Dataset<Row> scored) {
    Row[] result = new Row[ROWS];
    for (Row row : scored.collectAsList()) {
      result[row.getInt(0)] = row;
    }
    return result;
  }

  @ParameterizedTest
  @ValueSource(strings = {"dense", "sparse", "float", "double"})
  void outputsEqualSessionRunUpToRounding(String kind) {
    SparsennModel scorer = transformer().setPredictionCol("prediction")
        .setProbabilityCol("probability");
    Row[] rows = byId(scorer.transform(frame(kind, WIDTH, false)));
    for (int r = 0; r < ROWS; r++) {
      float[] y = outputs(rows[r], "outputs");
      TestModels.assertSameUpToRounding(expected[r], y, "row " + r);
      assertEquals(PartitionScorer.argMax(expected[r], 0, OUTPUTS),
          rows[r].getDouble(rows[r].fieldIndex("prediction")), "row " + r);
      Vector p = rows[r].getAs("probability");
      assertEquals(1.0, java.util.Arrays.stream(p.toArray()).sum(), 1e-12);
      assertEquals(p.argmax(), (int) rows[r].getDouble(rows[r].fieldIndex("prediction")));
    }
  }

  @Test
  void batchSizeOneAndThreadsGiveTheSameOutputs() {
    Row[] rows = byId(transformer().setBatchSize(1).setThreads(2)
        .transform(frame("dense", WIDTH, false)));
    SessionOptions options = SessionOptions.builder().threads(2).softmax(false)
        .plannedBatch(2).build();
    float[][] x = new float[ROWS][];
    for (int r = 0; r < ROWS; r++) {
      x[r] = TestModels.features(r, WIDTH);
    }
    try (Session session = Session.create(ModelReader.read(model), options)) {
      float[][] y = session.run(x);
      for (int r = 0; r < ROWS; r++) {
        TestModels.assertSameUpToRounding(y[r], outputs(rows[r], "outputs"), "row " + r);
      }
    }
  }

  @Test
  void nullInputsGiveNullOutputs() {
    SparsennModel scorer = transformer().setPredictionCol("prediction")
        .setProbabilityCol("probability");
    Row[] rows = byId(scorer.transform(frame("float", WIDTH, true)));
    for (int r = 0; r < ROWS; r++) {
      Row row = rows[r];
      if (r % 5 == 2) {
        assertTrue(row.isNullAt(row.fieldIndex("outputs")), "row " + r);
        assertTrue(row.isNullAt(row.fieldIndex("prediction")), "row " + r);
        assertTrue(row.isNullAt(row.fieldIndex("probability")), "row " + r);
      } else {
        TestModels.assertSameUpToRounding(expected[r], outputs(row, "outputs"), "row " + r);
      }
    }
  }

  @Test
  void wrongColumnTypeNamesTheColumn() {
    Dataset<Row> strings = spark.createDataFrame(List.of(RowFactory.create("a")),
        new StructType().add("features", DataTypes.StringType));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> transformer().transform(strings));
    assertTrue(e.getMessage().contains("'features'") && e.getMessage().contains("string"),
        e.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> transformer().setInputCol("pixels").transform(frame("dense", WIDTH, false)));
    assertTrue(missing.getMessage().contains("'pixels'"), missing.getMessage());
  }

  @Test
  void wrongWidthNamesColumnAndBothWidths() {
    Dataset<Row> scored = transformer().transform(frame("double", WIDTH - 1, false));
    SparkException e = assertThrows(SparkException.class, scored::collectAsList);
    Throwable cause = e;
    while (!(cause instanceof IllegalArgumentException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    assertTrue(cause instanceof IllegalArgumentException, String.valueOf(e));
    assertTrue(message.contains("'features'") && message.contains(" " + (WIDTH - 1) + " ")
        && message.contains("takes " + WIDTH), message);
  }

  @Test
  void missingModelFileFailsOnTheDriver() {
    SparsennModel scorer = new SparsennModel().setModelPath(dir.resolve("none.snn").toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> scorer.transform(frame("dense", WIDTH, false)));
    assertTrue(e.getMessage().contains("none.snn") && e.getMessage().contains("no such file"),
        e.getMessage());
    IllegalArgumentException unset = assertThrows(IllegalArgumentException.class,
        () -> new SparsennModel().transform(frame("dense", WIDTH, false)));
    assertTrue(unset.getMessage().contains("modelPath"), unset.getMessage());
  }

  @Test
  void badParametersAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> transformer().setBatchSize(0));
    assertThrows(IllegalArgumentException.class, () -> transformer().setThreads(0));
    assertThrows(IllegalArgumentException.class, () -> transformer().setOutputCol("")
        .transform(frame("dense", WIDTH, false)));
    assertThrows(IllegalArgumentException.class, () -> transformer().setOutputCol("id")
        .transform(frame("dense", WIDTH, false)));
  }

  @Test
  void pipelineSavesTheModelAndLoadsWithoutTheOriginalFile() throws IOException {
    Path original = TestModels.write(dir, "moved.snn", 0.8, 7, WIDTH, 32, OUTPUTS);
    SparsennModel scorer = new SparsennModel().setModelPath(original.toString())
        .setBatchSize(BATCH).setPredictionCol("prediction");
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {scorer})
        .fit(frame("dense", WIDTH, false));
    String saved = dir.resolve("pipeline").toString();
    fitted.write().overwrite().save(saved);
    scorer.write().overwrite().save(dir.resolve("stage").toString());
    Files.delete(original);

    PipelineModel loaded = PipelineModel.load(saved);
    SparsennModel stage = (SparsennModel) loaded.stages()[0];
    assertEquals(scorer.uid(), stage.uid());
    assertEquals(BATCH, stage.getBatchSize());
    assertEquals("prediction", stage.getPredictionCol());
    Row[] rows = byId(loaded.transform(frame("dense", WIDTH, false)));
    for (int r = 0; r < ROWS; r++) {
      TestModels.assertSameUpToRounding(expected[r], outputs(rows[r], "outputs"), "row " + r);
    }
    SparsennModel alone = SparsennModel.load(dir.resolve("stage").toString());
    TestModels.assertSameUpToRounding(expected[3],
        outputs(byId(alone.transform(frame("float", WIDTH, false)))[3], "outputs"), "row 3");
  }

  @Test
  void tasksShareOneSessionPerModel() {
    Dataset<Row> frame = frame("dense", WIDTH, false);
    SparsennModel scorer = transformer().setBatchSize(5);
    scorer.transform(frame).collectAsList();
    int sessions = ExecutorSessions.size();
    scorer.transform(frame).collectAsList();
    transformer().setBatchSize(5).transform(frame("float", WIDTH, false)).collectAsList();
    assertEquals(sessions, ExecutorSessions.size());
  }

  @Test
  void probabilityIsTheSoftmaxOfTheOutputs() {
    float[] logits = {1000f, 999f, -5f};
    double[] p = PartitionScorer.softmax(logits, 0, 3);
    assertEquals(1.0 / (1.0 + Math.exp(-1.0) + Math.exp(-1005.0)), p[0], 1e-15);
    assertEquals(0, new DenseVector(p).argmax());
  }
}
