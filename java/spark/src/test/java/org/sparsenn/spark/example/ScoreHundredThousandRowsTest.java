package org.sparsenn.spark.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.engine.Session;
import org.sparsenn.engine.SessionOptions;
import org.sparsenn.io.ModelReader;
import org.sparsenn.io.snn.SnnWriteOptions;
import org.sparsenn.io.snn.SnnWriter;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.sparse.RandomWeights;
import org.sparsenn.spark.SparsennModel;

/**
 * The "done when" program, outside the module's package so it can use only the public
 * API: a {@code Transformer} named {@code org.sparsenn.spark.SparsennModel} and its setters
 * score 100,000 rows of 784 floats in {@code local[2]}; predictions and outputs equal what the
 * library's {@code Session} (the engine of {@code sparsenn infer}) gives on the same rows.
 */
class ScoreHundredThousandRowsTest {
  private static final int ROWS = 100_000;
  private static final int WIDTH = 784;

  @TempDir Path dir;

  @Test
  void scoresAHundredThousandRowsAsTheLibraryDoes() {
    Path model = dir.resolve("mlp-90.snn");
    SnnWriter.write(network(0.9), model, SnnWriteOptions.defaults());
    SparkSession spark = SparkSession.builder().master("local[2]")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();

    StructType schema = new StructType().add("id", DataTypes.LongType)
        .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false));
    Dataset<Row> images = spark.range(0, ROWS, 1, 4).toDF()
        .mapPartitions(new ImageRows(), Encoders.row(schema));

    SparsennModel scorer = new SparsennModel()
        .setModelPath(model.toString())
        .setInputCol("pixels")
        .setOutputCol("logits")
        .setPredictionCol("prediction")
        .setBatchSize(64)
        .setThreads(1);
    List<Row> scored = scorer.transform(images).select("id", "prediction", "logits")
        .collectAsList();
    assertEquals(ROWS, scored.size());

    float[][] logits = new float[ROWS][];
    double[] predictions = new double[ROWS];
    for (Row row : scored) {
      int id = (int) row.getLong(0);
      predictions[id] = row.getDouble(1);
      List<Float> values = row.getList(2);
      logits[id] = new float[values.size()];
      for (int o = 0; o < logits[id].length; o++) {
        logits[id][o] = values.get(o);
      }
    }

    SessionOptions options = SessionOptions.builder().threads(1).softmax(false)
        .plannedBatch(64).build();
    int chunk = 1_000;
    try (Session session = Session.create(ModelReader.read(model), options)) {
      float[] in = new float[chunk * WIDTH];
      float[] out = new float[chunk * session.outputs()];
      int outputs = session.outputs();
      int differentPredictions = 0;
      for (int first = 0; first < ROWS; first += chunk) {
        for (int r = 0; r < chunk; r++) {
          System.arraycopy(pixels(first + r), 0, in, r * WIDTH, WIDTH);
        }
        session.run(in, chunk, out);
        for (int r = 0; r < chunk; r++) {
          int id = first + r;
          int best = 0;
          for (int o = 0; o < outputs; o++) {
            assertEquals(Float.floatToRawIntBits(out[r * outputs + o]),
                Float.floatToRawIntBits(logits[id][o]), "row " + id + " output " + o);
            best = out[r * outputs + o] > out[r * outputs + best] ? o : best;
          }
          differentPredictions += best == (int) predictions[id] ? 0 : 1;
        }
      }
      assertEquals(0, differentPredictions);
    }
  }

  /** Turns each id into the row (id, pixels(id)). */
  private static final class ImageRows implements MapPartitionsFunction<Row, Row> {
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
          return RowFactory.create(id, pixels(id));
        }
      };
    }
  }

  /** A 784-256-128-10 ReLU network with a fraction {@code sparsity} of its weights zero. */
  private static Network network(double sparsity) {
    int[] sizes = {WIDTH, 256, 128, 10};
    List<DenseLayer> layers = new ArrayList<>();
    for (int i = 0; i + 1 < sizes.length; i++) {
      float[] weights = RandomWeights.dense(sizes[i + 1], sizes[i], sparsity, 11 + i);
      float scale = (float) (1.0 / Math.sqrt(sizes[i] * (1.0 - sparsity)));
      for (int k = 0; k < weights.length; k++) {
        weights[k] *= scale;
      }
      layers.add(new DenseLayer(sizes[i], sizes[i + 1], weights,
          RandomWeights.vector(sizes[i + 1], 21 + i),
          i + 2 == sizes.length ? Activation.IDENTITY : Activation.RELU));
    }
    return new Network(layers, false);
  }

  /** Image {@code id}: 784 values in [0, 1), about a third of them zero. */
  private static float[] pixels(long id) {
    SplittableRandom random = new SplittableRandom(id * 0x9E3779B97F4A7C15L);
    float[] x = new float[WIDTH];
    for (int i = 0; i < WIDTH; i++) {
      x[i] = random.nextDouble() < 0.33 ? 0f : (float) random.nextDouble();
    }
    return x;
  }
}
