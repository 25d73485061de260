package org.sparsenn.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.engine.Session;
import org.sparsenn.engine.SessionOptions;
import org.sparsenn.io.ModelReader;

class ScoreTest {
  private static final int WIDTH = 6;
  private static final int ROWS = 9;

  @TempDir Path dir;

  private float[][] expected(Path model, float[][] x) {
    SessionOptions options = SessionOptions.builder().softmax(false).plannedBatch(64).build();
    try (Session session = Session.create(ModelReader.read(model), options)) {
      return session.run(x);
    }
  }

  private static float[][] rows() {
    float[][] x = new float[ROWS][];
    for (int r = 0; r < ROWS; r++) {
      x[r] = TestModels.features(r, WIDTH);
    }
    return x;
  }

  @Test
  void scoresAJsonTableIntoParquetLikeColumns() throws IOException {
    Path model = TestModels.write(dir, "m.snn", 0.5, 3, WIDTH, 5, 3);
    float[][] x = rows();
    List<String> lines = new ArrayList<>();
    for (int r = 0; r < ROWS; r++) {
      StringBuilder features = new StringBuilder();
      for (int i = 0; i < WIDTH; i++) {
        features.append(i == 0 ? "" : ",").append(x[r][i]);
      }
      lines.add("{\"id\":" + r + ",\"features\":[" + features + "]}");
    }
    Files.write(dir.resolve("in.json"), lines);
    Path out = dir.resolve("out-json");
    // Score.main would stop the test JVM's shared session: run what it runs.
    SparkSession spark = LocalSpark.session();
    Score.run(spark, Score.parse(new String[] {"score", "--model", model.toString(), "--input",
        dir.resolve("in.json").toString(), "--output", out.toString(), "--format", "json"}));
    float[][] y = expected(model, x);
    for (Row row : spark.read().json(out.toString()).collectAsList()) {
      int id = (int) row.getLong(row.fieldIndex("id"));
      List<Double> outputs = row.getList(row.fieldIndex("outputs"));
      for (int o = 0; o < y[id].length; o++) {
        assertEquals(y[id][o], outputs.get(o).floatValue(), "row " + id);
      }
      assertEquals(PartitionScorer.argMax(y[id], 0, y[id].length),
          row.getDouble(row.fieldIndex("prediction")));
      assertTrue(row.schema().getFieldIndex("features").isEmpty());
    }
  }

  @Test
  void scoresACsvOfNumericColumns() throws IOException {
    Path model = TestModels.write(dir, "m.snn", 0.5, 3, WIDTH, 5, 3);
    float[][] x = rows();
    List<String> lines = new ArrayList<>();
    lines.add("name,p0,p1,p2,p3,p4,p5");
    for (int r = 0; r < ROWS; r++) {
      StringBuilder line = new StringBuilder("row" + r);
      for (int i = 0; i < WIDTH; i++) {
        line.append(',').append(x[r][i]);
      }
      lines.add(line.toString());
    }
    Files.write(dir.resolve("in.csv"), lines);
    Path out = dir.resolve("out-csv");
    Score.run(LocalSpark.session(), Score.parse(new String[] {"--model", model.toString(),
        "--input", dir.resolve("in.csv").toString(), "--output", out.toString(),
        "--format", "csv", "--batch-size", "4"}));
    float[][] y = expected(model, x);
    List<Row> scored = LocalSpark.session().read().option("header", "true")
        .option("inferSchema", "true").csv(out.toString()).collectAsList();
    assertEquals(ROWS, scored.size());
    for (Row row : scored) {
      int id = Integer.parseInt(row.getString(0).substring(3));
      float[] outputs = new float[3];
      for (int o = 0; o < 3; o++) {
        outputs[o] = (float) row.getDouble(row.fieldIndex("output_" + o));
      }
      TestModels.assertSameUpToRounding(y[id], outputs, "row " + id);
    }
  }

  @Test
  void badArgumentsAreNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Score.parse(
        new String[] {"score", "--model", "m.snn"})).getMessage().contains("required"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Score.parse(
        new String[] {"--model", "m", "--input", "i", "--output", "o", "--format", "avro"}))
        .getMessage().contains("avro"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Score.parse(
        new String[] {"--threads", "0"})).getMessage().contains("--threads"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Score.parse(
        new String[] {"--bogus", "1"})).getMessage().contains("--bogus"));
  }
}
