package org.sparsenn.spark;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * The {@code spark-submit} entry point: scores a table with a model and writes the result.
 *
 * <pre>
 * spark-submit --class org.sparsenn.spark.Score sparsenn-spark-0.1.0-all.jar \
 *     score --model M --input IN --output OUT [--format parquet|csv|json] [--input-col features]
 * </pre>
 *
 * <p>The output holds the input's other columns, {@code prediction} (the arg-max) and
 * {@code outputs} (the raw last-layer outputs); CSV, which has no arrays, gets them as
 * {@code output_0 .. output_<n-1>}. A CSV input (with a header) whose columns do not include the
 * input column uses all its numeric columns, in order, as the features.
 */
public final class Score {
  private static final String USAGE = "usage: score --model M --input IN --output OUT"
      + " [--format parquet|csv|json] [--input-col features] [--batch-size 64] [--threads 1]";

  private Score() {}

  /** The parsed command line. */
  record Arguments(String model, String input, String output, String format, String inputCol,
      int batchSize, int threads) {}

  /**
   * Runs {@code score} with the arguments; prints usage and exits with 2 if they are wrong.
   *
   * @throws IllegalArgumentException if the model or the input cannot be scored
   */
  public static void main(String[] args) {
    Arguments arguments;
    try {
      arguments = parse(args);
    } catch (IllegalArgumentException e) {
      PrintStream err = System.err;
      err.println("score: " + e.getMessage());
      err.println(USAGE);
      System.exit(2);
      return;
    }
    SparkSession spark = SparkSession.builder().appName("sparsenn score").getOrCreate();
    try {
      run(spark, arguments);
    } finally {
      spark.stop();
    }
  }

  /**
   * Parses {@code [score] --model M --input IN --output OUT [options]}.
   *
   * @throws IllegalArgumentException naming the argument that is missing, unknown or invalid
   */
  static Arguments parse(String[] args) {
    String model = null;
    String input = null;
    String output = null;
    String format = "parquet";
    String inputCol = "features";
    int batchSize = 64;
    int threads = 1;
    int i = args.length > 0 && args[0].equals("score") ? 1 : 0;
    for (; i < args.length; i++) {
      String name = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      String value = args[++i];
      switch (name) {
        case "--model" -> model = value;
        case "--input" -> input = value;
        case "--output" -> output = value;
        case "--format" -> format = value.toLowerCase(Locale.ROOT);
        case "--input-col" -> inputCol = value;
        case "--batch-size" -> batchSize = positive(name, value);
        case "--threads" -> threads = positive(name, value);
        default -> throw new IllegalArgumentException("unknown option " + name);
      }
    }
    if (model == null || input == null || output == null) {
      throw new IllegalArgumentException("--model, --input and --output are required");
    }
    if (!List.of("parquet", "csv", "json").contains(format)) {
      throw new IllegalArgumentException("--format must be parquet, csv or json, got " + format);
    }
    return new Arguments(model, input, output, format, inputCol, batchSize, threads);
  }

  private static int positive(String name, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Said below.
    }
    throw new IllegalArgumentException(name + " must be a whole number >= 1, got " + value);
  }

  /**
   * Reads the input, scores it and writes the output (which must not exist yet).
   *
   * @throws IllegalArgumentException if the model or the input column cannot be used
   */
  static void run(SparkSession spark, Arguments a) {
    Dataset<Row> table = features(read(spark, a), a);
    SparsennModel model = new SparsennModel().setModelPath(a.model()).setInputCol(a.inputCol())
        .setOutputCol("outputs").setPredictionCol("prediction").setBatchSize(a.batchSize())
        .setThreads(a.threads());
    Dataset<Row> scored = model.transform(table).drop(a.inputCol());
    if (a.format().equals("csv")) {
      int outputs = ModelBytes.read(a.model(), spark.sparkContext().hadoopConfiguration())
          .network().outputs();
      List<Column> columns = new ArrayList<>();
      for (String name : scored.columns()) {
        if (!name.equals("outputs")) {
          columns.add(functions.col(name));
        }
      }
      for (int o = 0; o < outputs; o++) {
        columns.add(functions.col("outputs").getItem(o).as("output_" + o));
      }
      scored = scored.select(columns.toArray(new Column[0]));
    }
    scored.write().format(a.format()).option("header", "true").save(a.output());
  }

  private static Dataset<Row> read(SparkSession spark, Arguments a) {
    if (a.format().equals("csv")) {
      return spark.read().option("header", "true").option("inferSchema", "true").csv(a.input());
    }
    return spark.read().format(a.format()).load(a.input());
  }

  /**
   * The table with its input column as the model reads it: a CSV's numeric columns gathered
   * into one array, and arrays of other numbers (JSON's integers) cast to double.
   */
  private static Dataset<Row> features(Dataset<Row> table, Arguments a) {
    List<String> names = List.of(table.columns());
    if (!names.contains(a.inputCol())) {
      if (!a.format().equals("csv")) {
        return table; // the transformer names the missing column
      }
      List<Column> numeric = new ArrayList<>();
      for (StructField field : table.schema().fields()) {
        if (field.dataType() instanceof NumericType) {
          numeric.add(functions.col(field.name()).cast(DataTypes.DoubleType));
        }
      }
      if (numeric.isEmpty()) {
        throw new IllegalArgumentException(a.input() + " has neither a column '" + a.inputCol()
            + "' nor numeric columns to use as features");
      }
      Dataset<Row> gathered = table.withColumn(a.inputCol(),
          functions.array(numeric.toArray(new Column[0])));
      for (StructField field : table.schema().fields()) {
        if (field.dataType() instanceof NumericType) {
          gathered = gathered.drop(field.name());
        }
      }
      return gathered;
    }
    if (table.schema().apply(a.inputCol()).dataType() instanceof ArrayType array
        && array.elementType() instanceof NumericType
        && !array.elementType().equals(DataTypes.FloatType)
        && !array.elementType().equals(DataTypes.DoubleType)) {
      return table.withColumn(a.inputCol(), functions.col(a.inputCol())
          .cast(DataTypes.createArrayType(DataTypes.DoubleType)));
    }
    return table;
  }
}
