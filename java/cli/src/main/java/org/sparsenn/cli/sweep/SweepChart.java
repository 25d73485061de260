package org.sparsenn.cli.sweep;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The sweep's chart (XChart): test accuracy against the speedup over the unpruned model run
 * dense, a line per method through its pruning levels (the fine-tuned accuracy where one was
 * measured), solid at batch 1 and dashed at the batch size, with the unpruned model's point
 * marked at speedup 1. Up and to the right is better; a method's line shows what each step of
 * speed costs in accuracy.
 */
public final class SweepChart {
  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
    new Color(0xff7f0e)};
  private static final BasicStroke DASHED = new BasicStroke(2f, BasicStroke.CAP_BUTT,
      BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f);

  private SweepChart() {}

  /** Builds the chart. */
  public static XYChart build(List<SweepRow> rows, int batch, String title) {
    boolean tuned = rows.stream().anyMatch(SweepRow::fineTuned);
    XYChart chart = new XYChartBuilder().width(900).height(560).title(title)
        .xAxisTitle("speedup over the unpruned model run dense (×, log scale)")
        .yAxisTitle(tuned ? "test accuracy, fine-tuned" : "test accuracy, one-shot").build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    // Log scale: structured pruning reaches tens of times faster, sparse kernels a few.
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setXAxisDecimalPattern("0.#");
    List<String> methods = rows.stream().map(SweepRow::method).distinct().toList();
    for (int m = 0; m < methods.size(); m++) {
      String method = methods.get(m);
      List<SweepRow> mine = rows.stream().filter(r -> r.method().equals(method)).toList();
      double[] accuracy = mine.stream().mapToDouble(SweepRow::finalAccuracy).toArray();
      Color color = PALETTE[m % PALETTE.length];
      XYSeries single = chart.addSeries(method + ", batch 1",
          mine.stream().mapToDouble(SweepRow::speedupOverUnpruned1).toArray(), accuracy);
      single.setMarker(SeriesMarkers.CIRCLE);
      single.setLineColor(color);
      single.setMarkerColor(color);
      XYSeries batched = chart.addSeries(method + ", batch " + batch,
          mine.stream().mapToDouble(SweepRow::speedupOverUnprunedBatch).toArray(), accuracy);
      batched.setMarker(SeriesMarkers.TRIANGLE_UP);
      batched.setLineColor(color);
      batched.setMarkerColor(color);
      batched.setLineStyle(DASHED);
    }
    if (!rows.isEmpty()) {
      XYSeries dense = chart.addSeries("unpruned model", new double[] {1.0},
          new double[] {rows.get(0).denseAccuracy()});
      dense.setMarker(SeriesMarkers.DIAMOND);
      dense.setMarkerColor(Color.BLACK);
      dense.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    }
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
