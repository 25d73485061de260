package org.sparsenn.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws the README's chart from {@link ModelBenchmark} JSON results: sparsenn's speedup over
 * ONNX Runtime against sparsity, a line per model, batch size and pruning method, each point the
 * ratio of the two engines' medians in the same run. A structured method's points divide the
 * ONNX Runtime time of the same model, batch and sparsity under global magnitude pruning (ONNX
 * Runtime runs the weights dense: where the zeros are does not change its work), so the files
 * given after the output may hold sparsenn alone.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar org.sparsenn.bench.SpeedupChart IN.json OUT.png
 * [MORE.json...]}
 */
public final class SpeedupChart {
  private SpeedupChart() {}

  /** Reads the JSON named first (and after the second), writes the PNG named second. */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: SpeedupChart RESULTS.json OUT.png [MORE-RESULTS.json...]");
      System.exit(2);
    }
    List<JsonNode> runs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (i != 1) {
        new ObjectMapper().readTree(Path.of(args[i]).toFile()).forEach(runs::add);
      }
    }
    // ONNX Runtime's medians by (model, threads, batch) and sparsity, magnitude-pruned runs only
    Map<String, Map<Double, Double>> onnxRuntime = new TreeMap<>();
    // series (model, batch, threads, pruning) -> sparsity -> sparsenn's median µs
    Map<String, Map<Double, Double>> ours = new TreeMap<>();
    Map<String, String> referenceOf = new TreeMap<>();
    for (JsonNode run : runs) {
      JsonNode p = run.get("params");
      String reference = p.get("model").asText() + ", batch " + p.get("batch").asText()
          + (p.get("threads").asInt() > 1 ? ", " + p.get("threads").asText() + " threads" : "");
      String pruning = p.has("pruning") ? p.get("pruning").asText() : "magnitude";
      String engine = p.get("engine").asText();
      double sparsity = p.get("sparsity").asDouble();
      if (engine.equals("onnxruntime") && pruning.equals("magnitude")) {
        onnxRuntime.computeIfAbsent(reference, k -> new TreeMap<>())
            .putIfAbsent(sparsity, median(run));
      } else if (engine.equals("sparsenn")) {
        String series = reference + (pruning.equals("magnitude") ? "" : ", " + pruning);
        referenceOf.put(series, reference);
        ours.computeIfAbsent(series, k -> new TreeMap<>()).putIfAbsent(sparsity, median(run));
      }
    }
    XYChart chart = new XYChartBuilder().width(900).height(540)
        .title("sparsenn over ONNX Runtime, same network, same run (JMH medians)")
        .xAxisTitle("sparsity (global magnitude unless the line names a method)").yAxisTitle("speedup over ONNX Runtime")
        .build();
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    ours.forEach((series, bySparsity) -> {
      Map<Double, Double> ort = onnxRuntime.getOrDefault(referenceOf.get(series), Map.of());
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      bySparsity.forEach((sparsity, micros) -> {
        Double reference = ort.get(sparsity);
        if (reference != null) {
          x.add(sparsity);
          y.add(reference / micros);
        }
      });
      if (!x.isEmpty()) {
        chart.addSeries(series, x, y).setMarker(SeriesMarkers.CIRCLE);
      }
    });
    chart.addSeries("ONNX Runtime (1.0)", new double[] {0, 0.98}, new double[] {1, 1})
        .setMarker(SeriesMarkers.NONE).setLineColor(java.awt.Color.GRAY);
    BitmapEncoder.saveBitmap(chart, args[1], BitmapEncoder.BitmapFormat.PNG);
    System.out.println("wrote " + args[1]);
  }

  /** The median over every fork's measurement iterations of one JMH result. */
  private static double median(JsonNode run) {
    List<Double> raw = new ArrayList<>();
    for (JsonNode fork : run.get("primaryMetric").get("rawData")) {
      fork.forEach(v -> raw.add(v.asDouble()));
    }
    double[] sorted = raw.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
