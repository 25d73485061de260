package org.sparsenn.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.kernel.Kernels;

class MachineProfileTest {
  @TempDir Path cache;

  @Test
  void measuresOnceThenReadsTheCache() throws Exception {
    Kernels kernels = Kernels.best();
    MachineProfile measured = MachineProfile.loadOrMeasure("test key", kernels, cache, 512, 512);
    List<Path> files;
    try (var list = Files.list(cache)) {
      files = list.toList();
    }
    assertEquals(1, files.size(), "one cache file");
    MachineProfile cached = MachineProfile.loadOrMeasure("test key", kernels, cache, 512, 512);
    for (LayerMethod method : LayerMethod.values()) {
      for (int batch : new int[] {1, MachineProfile.SMALL_BATCH, MachineProfile.LARGE_BATCH}) {
        KernelFigures f = measured.figures(method, batch);
        assertEquals(f, cached.figures(method, batch), method + " batch " + batch);
        assertTrue(f.callMicros() > 0 && f.rowNanos() >= 0, f.toString());
        // cached and 1448 x 1448; the 512 x 512 "large" layer is smaller, so it is skipped
        assertEquals(2, f.points().size(), f.toString());
        assertTrue(f.points().get(0).nanosPerWeight() > 0, f.toString());
        assertTrue(f.points().get(1).nanosPerWeight() >= f.points().get(0).nanosPerWeight(),
            f.toString());
      }
    }
  }

  @Test
  void anUnreadableCacheIsMeasuredAgainAndReplaced() throws Exception {
    Kernels kernels = Kernels.best();
    MachineProfile.loadOrMeasure("other key", kernels, cache, 256, 256);
    Path file;
    try (var list = Files.list(cache)) {
      file = list.findFirst().orElseThrow();
    }
    Files.writeString(file, "{ not json");
    MachineProfile again = MachineProfile.loadOrMeasure("other key", kernels, cache, 256, 256);
    assertEquals("other key", again.key());
    assertTrue(Files.readString(file).contains("\"other key\""));
  }

  @Test
  void predictionsGrowWithWorkAndSlideFromCachedToStreamed() {
    KernelFigures f = new KernelFigures(1.0, 2.0, List.of(new KernelFigures.CostPoint(1000, 0.1),
        new KernelFigures.CostPoint(1_000_000, 0.4)));
    assertEquals(1.0 + (10 * 2.0 + 100 * 0.1) / 1000, f.predictMicros(10, 100, 500, 1), 1e-12);
    assertEquals(1.0 + (10 * 2.0 + 100 * 0.4) * 4 / 1000,
        f.predictMicros(10, 100, 2_000_000, 4), 1e-12);
    double middle = f.predictMicros(0, 1000, 31_623, 1);
    assertEquals(1.0 + 1000 * 0.25 / 1000, middle, 1e-3);
  }

  @Test
  void threePointsGiveAPiecewiseLogScale() {
    KernelFigures f = new KernelFigures(0, 0, List.of(new KernelFigures.CostPoint(100, 1),
        new KernelFigures.CostPoint(10_000, 2), new KernelFigures.CostPoint(1_000_000, 6)));
    assertEquals(1, f.nanosPerWeight(10), 1e-12);
    assertEquals(1.5, f.nanosPerWeight(1_000), 1e-9);
    assertEquals(2, f.nanosPerWeight(10_000), 1e-12);
    assertEquals(4, f.nanosPerWeight(100_000), 1e-9);
    assertEquals(6, f.nanosPerWeight(1L << 40), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> new KernelFigures(0, 0,
        List.of(new KernelFigures.CostPoint(100, 1), new KernelFigures.CostPoint(100, 2))));
  }

  @Test
  void batchedPredictionsSlideBetweenTheTwoMeasuredBatches() {
    Map<LayerMethod, KernelFigures> single = new EnumMap<>(LayerMethod.class);
    Map<LayerMethod, KernelFigures> small = new EnumMap<>(LayerMethod.class);
    Map<LayerMethod, KernelFigures> large = new EnumMap<>(LayerMethod.class);
    for (LayerMethod m : LayerMethod.values()) {
      single.put(m, new KernelFigures(9, 0, List.of(new KernelFigures.CostPoint(1, 9))));
      small.put(m, new KernelFigures(0, 0, List.of(new KernelFigures.CostPoint(1, 1.0))));
      large.put(m, new KernelFigures(0, 0, List.of(new KernelFigures.CostPoint(1, 0.5))));
    }
    MachineProfile p = new MachineProfile("k", single, small, large);
    LayerMethod m = LayerMethod.CSR;
    assertEquals(9 + 9 * 1000 / 1000.0, p.predictMicros(m, 0, 1000, 10, 1), 1e-9);
    assertEquals(1000 * 1.0 * 4 / 1000, p.predictMicros(m, 0, 1000, 10, 4), 1e-9);
    assertEquals(1000 * 1.0 * 8 / 1000, p.predictMicros(m, 0, 1000, 10, 8), 1e-9);
    // 23 lies about halfway between 8 and 64 on a log scale
    assertEquals(1000 * 0.75 * 23 / 1000, p.predictMicros(m, 0, 1000, 10, 23), 0.2);
    assertEquals(1000 * 0.5 * 64 / 1000, p.predictMicros(m, 0, 1000, 10, 64), 1e-9);
    assertEquals(1000 * 0.5 * 256 / 1000, p.predictMicros(m, 0, 1000, 10, 256), 1e-9);
  }

  @Test
  void theKeyNamesCpuKernelsAndVersion() {
    String key = MachineProfile.keyFor(Kernels.best());
    assertTrue(key.contains("cpu ") && key.contains("kernels " + Kernels.best().name())
        && key.contains("sparsenn "), key);
  }
}
