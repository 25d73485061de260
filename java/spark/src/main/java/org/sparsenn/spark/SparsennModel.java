package org.sparsenn.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparsenn.model.Network;

/**
 * Scores a DataFrame with a sparsenn model: a Spark ML {@link Transformer}, so it fits in a
 * {@code Pipeline} and saves and loads with it.
 *
 * <pre>{@code
 * SparsennModel model = new SparsennModel()
 *     .setModelPath("hdfs:///models/mlp-90.snn")
 *     .setInputCol("features")          // Vector, array<float> or array<double>
 *     .setOutputCol("outputs")          // array<float>: the last layer's raw outputs
 *     .setPredictionCol("prediction");  // double: the index of the largest output
 * Dataset<Row> scored = model.transform(df);
 * }</pre>
 *
 * <p>The driver reads the model file once (any path Hadoop reads; any format the library reads,
 * {@code .snn} preferred) and broadcasts its bytes, so each executor fetches them once. Each
 * executor JVM builds one thread-safe session per model and options, shared by all its tasks and
 * closed when the JVM exits. A partition is scored in batches of {@link #setBatchSize batchSize}
 * rows through the batched kernels; a row with a null input gets null outputs.
 *
 * <p>The outputs equal those of {@code Session.run} on the same rows (as a batch of two or more)
 * up to rounding, bit for bit when the batch is the same (the batched kernels' summation order
 * is fixed per batch size, and a row is scored in the batch its partition makes) with a session
 * built as {@code
 * SessionOptions.builder().threads(threads).softmax(false).plannedBatch(max(2, batchSize))}:
 * raw last-layer outputs, as {@code sparsenn infer} writes them without {@code --softmax}.
 *
 * <p>Saving writes the parameters and a copy of the model file under the saved folder (as
 * Spark's fitted models keep their weights under {@code data/}); a loaded transformer reads
 * that copy, so a saved pipeline keeps scoring the same model after the original file moves
 * or changes.
 */
public final class SparsennModel extends Transformer implements MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> modelPath;
  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;
  private final IntParam batchSize;
  private final IntParam threads;

  /** A transformer with a random uid and the default parameters. */
  public SparsennModel() {
    this(Identifiable$.MODULE$.randomUID("sparsenn"));
  }

  /** A transformer with the given uid (as Spark's {@code copy} and loading need). */
  public SparsennModel(String uid) {
    this.uid = uid;
    modelPath = new Param<>(this, "modelPath",
        "the model file (.snn, .onnx, .safetensors, .npz): any path Hadoop reads");
    inputCol = new Param<>(this, "inputCol",
        "input column: Vector, array<float> or array<double>, as wide as the model's input");
    outputCol = new Param<>(this, "outputCol",
        "output column, array<float>: the last layer's raw outputs (empty: not written)");
    predictionCol = new Param<>(this, "predictionCol",
        "prediction column, double: the index of the largest output (empty: not written)");
    probabilityCol = new Param<>(this, "probabilityCol",
        "probability column, Vector: the softmax of the outputs (empty: not written)");
    batchSize = new IntParam(this, "batchSize", "rows per kernel call (>= 1)",
        ParamValidators.gtEq(1));
    threads = new IntParam(this, "threads", "threads each task's kernel calls use (>= 1)",
        ParamValidators.gtEq(1));
    setDefault(inputCol, "features");
    setDefault(outputCol, "outputs");
    setDefault(predictionCol, "");
    setDefault(probabilityCol, "");
    setDefault(batchSize, 64);
    setDefault(threads, 1);
  }

  @Override
  public String uid() {
    return uid;
  }

  /** The model file's path. */
  public Param<String> modelPath() {
    return modelPath;
  }

  /** The input column's name (default {@code features}). */
  public Param<String> inputCol() {
    return inputCol;
  }

  /** The raw outputs' column (default {@code outputs}; empty writes none). */
  public Param<String> outputCol() {
    return outputCol;
  }

  /** The arg-max column (default empty: none). */
  public Param<String> predictionCol() {
    return predictionCol;
  }

  /** The softmax column (default empty: none). */
  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  /** Rows per kernel call (default 64). */
  public IntParam batchSize() {
    return batchSize;
  }

  /** Threads per task (default 1). */
  public IntParam threads() {
    return threads;
  }

  /** Sets the model file: a local, {@code hdfs:}, {@code s3a:} or other Hadoop path. */
  public SparsennModel setModelPath(String value) {
    set(modelPath, value);
    return this;
  }

  /** Sets the input column: an ML {@code Vector}, {@code array<float>} or {@code array<double>}. */
  public SparsennModel setInputCol(String value) {
    set(inputCol, value);
    return this;
  }

  /** Sets the column of raw outputs, {@code array<float>}; empty writes none. */
  public SparsennModel setOutputCol(String value) {
    set(outputCol, value);
    return this;
  }

  /** Sets the column of arg-max predictions, {@code double}; empty writes none. */
  public SparsennModel setPredictionCol(String value) {
    set(predictionCol, value);
    return this;
  }

  /** Sets the column of softmax probabilities, an ML {@code Vector}; empty writes none. */
  public SparsennModel setProbabilityCol(String value) {
    set(probabilityCol, value);
    return this;
  }

  /**
   * Sets the rows per kernel call.
   *
   * @throws IllegalArgumentException if {@code value < 1}
   */
  public SparsennModel setBatchSize(int value) {
    set(batchSize, value);
    return this;
  }

  /**
   * Sets the threads each task's kernel calls use.
   *
   * @throws IllegalArgumentException if {@code value < 1}
   */
  public SparsennModel setThreads(int value) {
    set(threads, value);
    return this;
  }

  /** The model file's path, or null if not set. */
  public String getModelPath() {
    return isDefined(modelPath) ? getOrDefault(modelPath) : null;
  }

  /** The input column's name. */
  public String getInputCol() {
    return getOrDefault(inputCol);
  }

  /** The raw outputs' column, or empty. */
  public String getOutputCol() {
    return getOrDefault(outputCol);
  }

  /** The arg-max column, or empty. */
  public String getPredictionCol() {
    return getOrDefault(predictionCol);
  }

  /** The softmax column, or empty. */
  public String getProbabilityCol() {
    return getOrDefault(probabilityCol);
  }

  /** Rows per kernel call. */
  public int getBatchSize() {
    return (Integer) getOrDefault(batchSize);
  }

  /** Threads per task. */
  public int getThreads() {
    return (Integer) getOrDefault(threads);
  }

  /**
   * The input schema with the output columns added.
   *
   * @throws IllegalArgumentException if the input column is missing or of a type the model
   *     cannot read, no output column is set, or an output column already exists
   */
  @Override
  public StructType transformSchema(StructType schema) {
    String input = getInputCol();
    if (!List.of(schema.fieldNames()).contains(input)) {
      throw new IllegalArgumentException("input column '" + input + "' is not in the DataFrame"
          + " (columns: " + String.join(", ", schema.fieldNames()) + ")");
    }
    InputKind.of(input, schema.apply(input).dataType());
    List<StructField> fields = new ArrayList<>(List.of(schema.fields()));
    List<String> added = new ArrayList<>();
    addColumn(fields, added, schema, getOutputCol(),
        DataTypes.createArrayType(DataTypes.FloatType, false));
    addColumn(fields, added, schema, getPredictionCol(), DataTypes.DoubleType);
    addColumn(fields, added, schema, getProbabilityCol(), SQLDataTypes.VectorType());
    if (added.isEmpty()) {
      throw new IllegalArgumentException("outputCol, predictionCol and probabilityCol are all "
          + "empty: set at least one");
    }
    return DataTypes.createStructType(fields);
  }

  private static void addColumn(List<StructField> fields, List<String> added, StructType schema,
      String name, org.apache.spark.sql.types.DataType type) {
    if (name.isEmpty()) {
      return;
    }
    if (List.of(schema.fieldNames()).contains(name) || added.contains(name)) {
      throw new IllegalArgumentException("output column '" + name + "' already exists");
    }
    added.add(name);
    fields.add(DataTypes.createStructField(name, type, true));
  }

  /**
   * Adds the output columns (lazily, as any transformation). The model file is read and parsed
   * here, on the driver, so a missing or malformed model fails now rather than in the tasks.
   *
   * @throws IllegalArgumentException if modelPath is unset, missing, a directory or of an
   *     unknown format; or as {@link #transformSchema}
   * @throws org.sparsenn.io.ModelFormatException if the model file is malformed
   * @throws java.io.UncheckedIOException if the model file cannot be read
   */
  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType outSchema = transformSchema(dataset.schema());
    String path = getModelPath();
    if (path == null) {
      throw new IllegalArgumentException("modelPath is not set: call setModelPath");
    }
    SparkSession spark = dataset.sparkSession();
    ModelBytes bytes = ModelBytes.read(path, spark.sparkContext().hadoopConfiguration());
    Network network = bytes.network();
    String input = getInputCol();
    InputKind kind = InputKind.of(input, dataset.schema().apply(input).dataType());
    // Say a width mismatch now when Spark's metadata knows the vectors' size (VectorAssembler
    // and VectorSizeHint record it); otherwise each partition checks its rows.
    int knownWidth = kind == InputKind.VECTOR ? vectorSize(dataset.schema().apply(input)) : -1;
    if (knownWidth >= 0 && knownWidth != network.originalInputs()) {
      throw new IllegalArgumentException("input column '" + input + "' holds vectors of "
          + knownWidth + " values; the model takes " + network.originalInputs());
    }
    Broadcast<ModelBytes> shipped =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(bytes);
    String key = bytes.sha256() + "/threads=" + getThreads() + "/batch=" + getBatchSize();
    PartitionScorer scorer = new PartitionScorer(shipped, key, getThreads(), getBatchSize(),
        input, dataset.schema().fieldIndex(input), kind, !getOutputCol().isEmpty(),
        !getPredictionCol().isEmpty(), !getProbabilityCol().isEmpty());
    return dataset.toDF().mapPartitions(scorer, Encoders.row(outSchema));
  }

  private static int vectorSize(StructField field) {
    try {
      return org.apache.spark.ml.attribute.AttributeGroup.fromStructField(field).size();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  @Override
  public SparsennModel copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /** Writes the parameters and a copy of the model file. */
  @Override
  public MLWriter write() {
    return new SparsennModelWriter(this);
  }

  /** Reads what {@link #write()} saved. */
  public static MLReader<SparsennModel> read() {
    return new SparsennModelReader();
  }

  /**
   * Loads what {@link #write()} saved at {@code path}.
   *
   * @throws IllegalArgumentException if {@code path} holds no saved SparsennModel
   */
  public static SparsennModel load(String path) {
    return read().load(path);
  }

  @Override
  public String toString() {
    return "SparsennModel: uid=" + uid + ", modelPath=" + getModelPath();
  }
}
