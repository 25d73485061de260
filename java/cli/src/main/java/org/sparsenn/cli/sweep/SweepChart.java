package org.sparsenn.cli.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The sweep's chart (XChart): test accuracy (left axis) and speedup over the unpruned model
 * run dense, at batch 1 and at the batch size (right axis), against measured sparsity, a line
 * per method, with the unpruned model's point marked.
 */
public final class SweepChart {
  private SweepChart() {}

  /** Builds the chart. */
  public static XYChart build(List<SweepRow> rows, int batch, String title) {
    XYChart chart = new XYChartBuilder().width(900).height(560).title(title)
        .xAxisTitle("sparsity (fraction of weights removed)").yAxisTitle("test accuracy").build();
    chart.setYAxisGroupTitle(1, "speedup over the unpruned model run dense");
    chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setXAxisMin(0.0);
    chart.getStyler().setXAxisMax(1.0);
    for (String method : rows.stream().map(SweepRow::method).distinct().toList()) {
      List<SweepRow> mine = rows.stream().filter(r -> r.method().equals(method)).toList();
      List<Double> x = new ArrayList<>();
      List<Double> accuracy = new ArrayList<>();
      List<Double> tuned = new ArrayList<>();
      List<Double> tunedX = new ArrayList<>();
      List<Double> speed1 = new ArrayList<>();
      List<Double> speedN = new ArrayList<>();
      for (SweepRow r : mine) {
        x.add(r.sparsity());
        accuracy.add(r.accuracy());
        speed1.add(r.speedupOverUnpruned1());
        speedN.add(r.speedupOverUnprunedBatch());
        if (r.fineTuned() || r.level() == 0) {
          tunedX.add(r.sparsity());
          tuned.add(r.fineTuned() ? r.fineTunedAccuracy() : r.accuracy());
        }
      }
      chart.addSeries(method + ": accuracy", x, accuracy).setMarker(SeriesMarkers.CIRCLE);
      if (tuned.size() > 1) {
        chart.addSeries(method + ": accuracy, fine-tuned", tunedX, tuned)
            .setMarker(SeriesMarkers.DIAMOND);
      }
      XYSeries s1 = chart.addSeries(method + ": speedup b1", x, speed1);
      s1.setYAxisGroup(1);
      s1.setMarker(SeriesMarkers.SQUARE);
      XYSeries sN = chart.addSeries(method + ": speedup b" + batch, x, speedN);
      sN.setYAxisGroup(1);
      sN.setMarker(SeriesMarkers.TRIANGLE_UP);
    }
    rows.stream().filter(r -> r.level() == 0).findFirst().ifPresent(dense -> {
      XYSeries point = chart.addSeries("unpruned model", new double[] {dense.sparsity()},
          new double[] {dense.accuracy()});
      point.setMarker(SeriesMarkers.CROSS);
      point.setMarkerColor(java.awt.Color.BLACK);
      point.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    });
    return chart;
  }

  /**
   * Writes the chart as {@code <base>.png} and {@code <base>.svg}.
   *
   * @throws IOException if a file cannot be written
   */
  public static void write(XYChart chart, Path base) throws IOException {
    BitmapEncoder.saveBitmap(chart, base.toString() + ".png", BitmapEncoder.BitmapFormat.PNG);
    VectorGraphicsEncoder.saveVectorGraphic(chart, base.toString() + ".svg",
        VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
  }
}
