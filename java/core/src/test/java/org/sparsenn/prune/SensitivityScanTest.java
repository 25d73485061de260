package org.sparsenn.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparsenn.model.Network;

class SensitivityScanTest {
  /** A fake accuracy: 1 minus half of layer 0's sparsity minus a tenth of layer 1's. */
  private static double fakeAccuracy(Network net) {
    return 1 - 0.5 * net.layers().get(0).sparsity() - 0.1 * net.layers().get(1).sparsity();
  }

  @Test
  void eachLayerIsPrunedAloneAndEvaluated() {
    Network net = TestNets.random(1, 10, 10, 10);
    List<Network> seen = new ArrayList<>();
    SensitivityTable table = SensitivityScan.run(net, List.of(0.5, 0.9), n -> {
      seen.add(n);
      return fakeAccuracy(n);
    });
    assertEquals(5, seen.size());
    assertEquals(1.0, table.baseline(), 1e-12);
    assertEquals(0.75, table.accuracy(0, 0), 1e-12);
    assertEquals(0.55, table.accuracy(0, 1), 1e-12);
    assertEquals(0.95, table.accuracy(1, 0), 1e-12);
    assertEquals(0.91, table.accuracy(1, 1), 1e-12);
    for (Network n : seen.subList(1, seen.size())) {
      assertTrue(n.layers().get(0).sparsity() == 0 || n.layers().get(1).sparsity() == 0,
          "only one layer pruned at a time");
    }
    assertEquals(0.9, table.maxSparsityWithin(1, 0.1), 1e-12);
    assertEquals(0.5, table.maxSparsityWithin(0, 0.3), 1e-12);
    assertEquals(0.0, table.maxSparsityWithin(0, 0.1), 1e-12);
    String text = table.format();
    assertTrue(text.contains("layer 0") && text.contains("55.00%") && text.contains("90.0%"),
        text);
  }

  @Test
  void customPrunerIsUsed() {
    Network net = TestNets.random(1, 8, 8, 4);
    SensitivityTable table = SensitivityScan.run(net, List.of(0.5), SensitivityScanTest::
        fakeAccuracy, (layer, s) -> layer == 0 ? Pruners.nm(2, 4)
        : Pruners.magnitude().sparsity(0).override(layer, s).build());
    assertEquals(0.7, table.accuracy(0, 0), 1e-12); // N:M prunes both layers to half
    assertEquals(0.95, table.accuracy(1, 0), 1e-12);
  }

  @Test
  void badArgumentsAreRejectedBeforeEvaluating() {
    Network net = TestNets.random(1, 4, 4, 2);
    int[] calls = {0};
    var e = assertThrows(IllegalArgumentException.class,
        () -> SensitivityScan.run(net, List.of(0.5, 1.5), n -> ++calls[0]));
    assertTrue(e.getMessage().contains("1.5"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> SensitivityScan.run(net, List.of(), n -> ++calls[0]));
    assertEquals(0, calls[0]);
  }
}
