package org.sparsenn.cli.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The rows of a sweep as a terminal table, CSV, JSON and a markdown report. */
public final class SweepReport {
  private static final String[] COLUMNS = {
    "method", "level", "sparsity", "one-shot", "Δ pts", "fine-tuned", "Δ pts", "size",
    "b1 µs", "b1 dense µs",
    "b1 ×", "b1 × unpruned", "bN µs", "bN dense µs", "bN ×", "bN × unpruned", "plan b1",
    "plan bN"};

  private final List<SweepRow> rows;
  private final int batch;
  private final String context;

  /**
   * @param batch the batch size of the {@code bN} columns
   * @param context a line naming the model, data and machine, for the report's head
   */
  public SweepReport(List<SweepRow> rows, int batch, String context) {
    this.rows = List.copyOf(rows);
    this.batch = batch;
    this.context = context;
  }

  /** The line that names the unpruned model's accuracy, which the {@code Δ pts} refer to. */
  public String baseline() {
    return rows.isEmpty() ? "" : String.format(Locale.ROOT,
        "dense (unpruned) accuracy %.4f; Δ pts: each accuracy minus it, in percentage points",
        rows.get(0).denseAccuracy());
  }

  /** A fixed-width table for the terminal. */
  public String table() {
    List<String[]> cells = new ArrayList<>();
    cells.add(header());
    for (SweepRow row : rows) {
      cells.add(cells(row));
    }
    int[] widths = new int[header().length];
    for (String[] line : cells) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] line : cells) {
      for (int i = 0; i < line.length; i++) {
        String cell = line[i];
        boolean left = i == 0 || i >= line.length - 2;
        out.append(left ? pad(cell, widths[i], false) : pad(cell, widths[i], true));
        out.append(i + 1 < line.length ? "  " : System.lineSeparator());
      }
    }
    return out.toString();
  }

  /** Comma-separated, one header line then a line per row; plain numbers, µs and bytes. */
  public String csv() {
    StringBuilder out = new StringBuilder("method,level,sparsity,accuracy,fine_tuned_accuracy,"
        + "dense_accuracy,file_bytes,micros_b1,dense_micros_b1,speedup_b1,"
        + "speedup_over_unpruned_b1,micros_b"
        + batch + ",dense_micros_b" + batch + ",speedup_b" + batch + ",speedup_over_unpruned_b"
        + batch + ",plan_b1,plan_b" + batch + ",rounded_accuracy\n");
    for (SweepRow r : rows) {
      out.append(String.join(",", r.method(), num(r.level()), num(r.sparsity()),
          num(r.accuracy()), r.fineTuned() ? num(r.fineTunedAccuracy()) : "",
          num(r.denseAccuracy()), Long.toString(r.fileBytes()), num(r.micros1()),
          num(r.denseMicros1()),
          num(r.speedup1()), num(r.speedupOverUnpruned1()), num(r.microsBatch()),
          num(r.denseMicrosBatch()), num(r.speedupBatch()), num(r.speedupOverUnprunedBatch()),
          r.plan1(), r.planBatch(), r.rounded() ? num(r.roundedAccuracy()) : ""))
          .append('\n');
    }
    return out.toString();
  }

  /** A JSON document: the context, the batch size and every row with its figures. */
  public String json() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("context", context);
    doc.put("batch", batch);
    List<Map<String, Object>> list = new ArrayList<>();
    for (SweepRow r : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("method", r.method());
      m.put("level", r.level());
      m.put("sparsity", r.sparsity());
      m.put("accuracy", r.accuracy());
      m.put("fineTunedAccuracy", r.fineTuned() ? r.fineTunedAccuracy() : null);
      m.put("denseAccuracy", r.denseAccuracy());
      m.put("fileBytes", r.fileBytes());
      m.put("microsBatch1", r.micros1());
      m.put("denseMicrosBatch1", r.denseMicros1());
      m.put("speedupBatch1", r.speedup1());
      m.put("speedupOverUnprunedBatch1", r.speedupOverUnpruned1());
      m.put("microsBatchN", r.microsBatch());
      m.put("denseMicrosBatchN", r.denseMicrosBatch());
      m.put("speedupBatchN", r.speedupBatch());
      m.put("speedupOverUnprunedBatchN", r.speedupOverUnprunedBatch());
      m.put("planBatch1", List.of(r.plan1().split(" ")));
      m.put("planBatchN", List.of(r.planBatch().split(" ")));
      m.put("roundedAccuracy", r.rounded() ? r.roundedAccuracy() : null);
      list.add(m);
    }
    doc.put("rows", list);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(doc) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A markdown report: context, how to read it, the table and the chart. */
  public String markdown(String chartFile) {
    StringBuilder out = new StringBuilder("# sparsenn sweep\n\n").append(context).append("\n\n");
    out.append(baseline()).append(".\n\n");
    out.append("Accuracy on the test data after one-shot pruning and after the fine-tune ")
        .append("(when training data was given), each beside its difference to the unpruned ")
        .append("model in points; size of the pruned model as a `.snn` file; ")
        .append("median latency at batch 1 and batch ").append(batch)
        .append(" of the planned session and of the same model on dense kernels only, the ")
        .append("speedup between them and over the unpruned model run dense (all measured in ")
        .append("the same run); the methods the planner chose per layer. Latencies are quick ")
        .append("medians, not JMH figures.");
    if (rounded()) {
      out.append(" `rounded`: the final accuracy with every weight rounded to the lossy ")
          .append("precision the planned sessions may use (`--precision`), as if every layer ")
          .append("ran a method of that precision.");
    }
    out.append("\n\n");
    out.append("| ").append(String.join(" | ", header())).append(" |\n|");
    out.append("---|".repeat(header().length)).append('\n');
    for (SweepRow row : rows) {
      out.append("| ").append(String.join(" | ", cells(row))).append(" |\n");
    }
    out.append("\n![accuracy against speedup, a line per method](").append(chartFile).append(")\n");
    return out.toString();
  }

  // Whether the rows carry an accuracy at a lossy precision: then a column after the fine-tune's.
  private boolean rounded() {
    return rows.stream().anyMatch(SweepRow::rounded);
  }

  private String[] header() {
    String[] h = COLUMNS.clone();
    for (int i = 0; i < h.length; i++) {
      h[i] = h[i].replace("bN", "b" + batch);
    }
    return rounded() ? withRoundedColumn(h, "rounded") : h;
  }

  private String[] cells(SweepRow r) {
    String[] c = fixedCells(r);
    return rounded() ? withRoundedColumn(c, r.rounded() ? fmt("%.4f", r.roundedAccuracy()) : "-")
        : c;
  }

  private static final int ROUNDED_COLUMN = 7;  // after the fine-tune's Δ pts

  private static String[] withRoundedColumn(String[] cells, String value) {
    String[] out = new String[cells.length + 1];
    System.arraycopy(cells, 0, out, 0, ROUNDED_COLUMN);
    out[ROUNDED_COLUMN] = value;
    System.arraycopy(cells, ROUNDED_COLUMN, out, ROUNDED_COLUMN + 1, cells.length - ROUNDED_COLUMN);
    return out;
  }

  private static String[] fixedCells(SweepRow r) {
    return new String[] {
      r.method(), fmt("%.2f", r.level()), fmt("%.1f%%", 100 * r.sparsity()),
      fmt("%.4f", r.accuracy()), fmt("%+.2f", r.pointsOneShot()),
      r.fineTuned() ? fmt("%.4f", r.fineTunedAccuracy()) : "-",
      r.fineTuned() ? fmt("%+.2f", r.pointsFineTuned()) : "-",
      size(r.fileBytes()), fmt("%.1f", r.micros1()), fmt("%.1f", r.denseMicros1()),
      fmt("%.2f", r.speedup1()), fmt("%.2f", r.speedupOverUnpruned1()),
      fmt("%.1f", r.microsBatch()), fmt("%.1f", r.denseMicrosBatch()),
      fmt("%.2f", r.speedupBatch()), fmt("%.2f", r.speedupOverUnprunedBatch()), r.plan1(),
      r.planBatch()};
  }

  private static String size(long bytes) {
    return bytes >= 1 << 20 ? fmt("%.2f MiB", bytes / 1048576.0) : fmt("%.1f KiB", bytes / 1024.0);
  }

  private static String fmt(String format, double value) {
    return String.format(Locale.ROOT, format, value);
  }

  private static String num(double value) {
    return Double.toString(value);
  }

  private static String pad(String s, int width, boolean right) {
    String fill = " ".repeat(Math.max(0, width - s.length()));
    return right ? fill + s : s + fill;
  }
}
