package org.sparsenn.spark;

import java.nio.FloatBuffer;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.sparsenn.engine.Session;
import org.sparsenn.engine.SessionOptions;

/**
 * Scores one partition: takes this JVM's shared session for the model, reads rows in batches of
 * {@code batchSize}, runs each batch through the batched kernels and appends the output columns.
 * A row whose input is null gets nulls and takes no place in a batch.
 *
 * <p>A batch of one row is run as two copies of it, so every row goes through the batched plan
 * and its outputs do not depend on how rows fell into partitions (the single-input plan may
 * differ in the last bits).
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final Broadcast<ModelBytes> model;
  private final String sessionKey;
  private final int threads;
  private final int batchSize;
  private final String inputCol;
  private final int inputIndex;
  private final InputKind inputKind;
  private final boolean writeOutputs;
  private final boolean writePrediction;
  private final boolean writeProbability;

  PartitionScorer(Broadcast<ModelBytes> model, String sessionKey, int threads, int batchSize,
      String inputCol, int inputIndex, InputKind inputKind, boolean writeOutputs,
      boolean writePrediction, boolean writeProbability) {
    this.model = model;
    this.sessionKey = sessionKey;
    this.threads = threads;
    this.batchSize = batchSize;
    this.inputCol = inputCol;
    this.inputIndex = inputIndex;
    this.inputKind = inputKind;
    this.writeOutputs = writeOutputs;
    this.writePrediction = writePrediction;
    this.writeProbability = writeProbability;
  }

  /** The options every session of the transformer is built with (outputs are raw). */
  static SessionOptions sessionOptions(int threads, int batchSize) {
    return SessionOptions.builder().threads(threads).softmax(false)
        .plannedBatch(Math.max(2, batchSize)).build();
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    if (!rows.hasNext()) {
      return rows;
    }
    Session session = ExecutorSessions.get(sessionKey,
        () -> Session.create(model.value().network(), sessionOptions(threads, batchSize)));
    return new Batches(rows, session);
  }

  /** Pulls a batch of input rows whenever the scored ones are used up. */
  private final class Batches implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final Session session;
    private final int width;
    private final int outputs;
    private final Row[] batch;
    // Which slot of the kernel batch each row took, or -1 for a null input.
    private final int[] slot;
    private final float[] in;
    private final float[] out;
    private int size;
    private int next;

    Batches(Iterator<Row> rows, Session session) {
      this.rows = rows;
      this.session = session;
      this.width = session.inputs();
      this.outputs = session.outputs();
      int capacity = Math.max(2, batchSize);
      this.batch = new Row[batchSize];
      this.slot = new int[batchSize];
      this.in = new float[Math.multiplyExact(capacity, width)];
      this.out = new float[Math.multiplyExact(capacity, outputs)];
    }

    @Override
    public boolean hasNext() {
      if (next < size) {
        return true;
      }
      if (!rows.hasNext()) {
        return false;
      }
      score();
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Row row = batch[next];
      int s = slot[next];
      batch[next++] = null;
      return withOutputs(row, s);
    }

    private void score() {
      size = 0;
      next = 0;
      int slots = 0;
      while (size < batchSize && rows.hasNext()) {
        Row row = rows.next();
        Object value = row.get(inputIndex);
        if (value == null) {
          slot[size] = -1;
        } else {
          inputKind.copy(value, in, slots * width, width, inputCol);
          slot[size] = slots++;
        }
        batch[size++] = row;
      }
      if (slots == 0) {
        return;
      }
      int run = slots;
      if (slots == 1) {
        System.arraycopy(in, 0, in, width, width);
        run = 2;
      }
      session.run(FloatBuffer.wrap(in), run, FloatBuffer.wrap(out));
    }

    private Row withOutputs(Row row, int s) {
      int columns = row.length();
      Object[] values = new Object[columns + (writeOutputs ? 1 : 0) + (writePrediction ? 1 : 0)
          + (writeProbability ? 1 : 0)];
      for (int c = 0; c < columns; c++) {
        values[c] = row.get(c);
      }
      if (s >= 0) {
        int from = s * outputs;
        int c = columns;
        if (writeOutputs) {
          float[] result = new float[outputs];
          System.arraycopy(out, from, result, 0, outputs);
          // A Seq, as Spark itself gives array cells to typed operations that follow.
          values[c++] = new scala.collection.immutable.ArraySeq.ofFloat(result);
        }
        if (writePrediction) {
          values[c++] = (double) argMax(out, from, outputs);
        }
        if (writeProbability) {
          values[c] = Vectors.dense(softmax(out, from, outputs));
        }
      }
      return RowFactory.create(values);
    }
  }

  /** The index of the largest value (the first of equal ones). */
  static int argMax(float[] values, int from, int count) {
    int best = 0;
    for (int i = 1; i < count; i++) {
      if (values[from + i] > values[from + best]) {
        best = i;
      }
    }
    return best;
  }

  /** Softmax in double precision, shifted by the maximum so large logits do not overflow. */
  static double[] softmax(float[] values, int from, int count) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < count; i++) {
      max = Math.max(max, values[from + i]);
    }
    double[] p = new double[count];
    double sum = 0;
    for (int i = 0; i < count; i++) {
      p[i] = Math.exp(values[from + i] - max);
      sum += p[i];
    }
    for (int i = 0; i < count; i++) {
      p[i] /= sum;
    }
    return p;
  }
}
