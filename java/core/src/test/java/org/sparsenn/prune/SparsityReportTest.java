package org.sparsenn.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparsenn.model.Network;

class SparsityReportTest {
  @Test
  void perLayerAndTotalFigures() {
    Network net = TestNets.random(1, 10, 4, 2);
    PruneResult r = Pruners.magnitude().sparsity(0.5).override(1, 0.25).build().prune(net);
    SparsityReport report = r.report();
    assertEquals("layer 0", report.layers().get(0).name());
    assertEquals("4x10", report.layers().get(0).shape());
    assertEquals(40, report.layers().get(0).weights());
    assertEquals(20, report.layers().get(0).kept());
    assertEquals(6, report.layers().get(1).kept());
    assertEquals(48, report.totalWeights());
    assertEquals(26, report.totalKept());
    assertEquals(22.0 / 48, report.totalSparsity(), 1e-12);
    String text = report.format();
    assertTrue(text.contains("layer 0") && text.contains("50.00%") && text.contains("total")
        && text.contains("45.83%"), text);
  }

  @Test
  void keptAboveWeightsIsRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> new SparsityReport.Layer("layer 0", 1, 1, 1, 1, 1, 2));
  }

  @Test
  void layerCountsMustAgree() {
    Network net = TestNets.random(1, 4, 4, 2);
    Network other = TestNets.random(1, 4, 2);
    assertThrows(IllegalArgumentException.class,
        () -> SparsityReport.of(net, other, Masks.keepAll(other)));
    assertEquals(List.of(), new SparsityReport(List.of()).layers());
  }
}
