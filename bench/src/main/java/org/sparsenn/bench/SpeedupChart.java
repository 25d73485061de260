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
 * Draws the README's chart from a {@link ModelBenchmark} JSON result: sparsenn's speedup over
 * ONNX Runtime against sparsity, a line per model and batch size, each point the ratio of the
 * two engines' medians in the same run.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar org.sparsenn.bench.SpeedupChart IN.json OUT.png}
 */
public final class SpeedupChart {
  private SpeedupChart() {}

  /** Reads the JSON named first and writes the PNG named second. */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: SpeedupChart RESULTS.json OUT.png");
      System.exit(2);
    }
    JsonNode results = new ObjectMapper().readTree(Path.of(args[0]).toFile());
    // (model, threads, batch) -> sparsity -> engine -> median µs
    Map<String, Map<Double, Map<String, Double>>> medians = new TreeMap<>();
    for (JsonNode run : results) {
      JsonNode p = run.get("params");
      String series = p.get("model").asText() + ", batch " + p.get("batch").asText()
          + (p.get("threads").asInt() > 1 ? ", " + p.get("threads").asText() + " threads" : "");
      List<Double> raw = new ArrayList<>();
      for (JsonNode fork : run.get("primaryMetric").get("rawData")) {
        fork.forEach(v -> raw.add(v.asDouble()));
      }
      medians.computeIfAbsent(series, k -> new TreeMap<>())
          .computeIfAbsent(p.get("sparsity").asDouble(), k -> new TreeMap<>())
          .put(p.get("engine").asText(), median(raw));
    }
    XYChart chart = new XYChartBuilder().width(900).height(540)
        .title("sparsenn over ONNX Runtime, same network, same run (JMH medians)")
        .xAxisTitle("sparsity (global magnitude)").yAxisTitle("speedup over ONNX Runtime")
        .build();
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    medians.forEach((series, bySparsity) -> {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      bySparsity.forEach((sparsity, engines) -> {
        Double ours = engines.get("sparsenn");
        Double ort = engines.get("onnxruntime");
        if (ours != null && ort != null) {
          x.add(sparsity);
          y.add(ort / ours);
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

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
