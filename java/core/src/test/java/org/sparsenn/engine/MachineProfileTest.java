package org.sparsenn.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.model.Network;

class MachineProfileTest {
  @TempDir Path cache;

  private static final int[] BATCHES =
      {1, MachineProfile.SMALL_BATCH, MachineProfile.LARGE_BATCH};

  @Test
  void aCalibrationIsSavedAndReadByLaterLoads() throws Exception {
    Kernels kernels = Kernels.best();
    MachineProfile measured = MachineProfile.measure("test key", kernels, 512, 512);
    assertEquals("measured", measured.origin());
    Path file = measured.saveTo(cache.resolve("made/by/save"));
    assertTrue(Files.isRegularFile(file), file.toString());
    MachineProfile cached = MachineProfile.load("test key", kernels, file.getParent());
    assertTrue(cached.origin().startsWith("cache "), cached.origin());
    assertFalse(cached.isDefault());
    for (LayerMethod method : LayerMethod.values()) {
      for (int batch : BATCHES) {
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
  void withoutACacheFileTheShippedDefaultsServeAndNothingIsMeasured() throws Exception {
    Kernels kernels = Kernels.best();
    int before = MachineProfile.measurements();
    MachineProfile profile = MachineProfile.load("fresh machine", kernels, cache);
    assertTrue(profile.isDefault(), profile.origin());
    assertTrue(profile.origin().contains(kernels.name()), profile.origin());
    assertEquals(before, MachineProfile.measurements());
    try (var list = Files.list(cache)) {
      assertEquals(0, list.count(), "loading writes nothing");
    }
  }

  @Test
  void anUnreadableCacheFileGivesTheDefaults() throws Exception {
    Kernels kernels = Kernels.best();
    Path file = MachineProfile.measure("other key", kernels, 256, 256).saveTo(cache);
    Files.writeString(file, "{ not json");
    assertTrue(MachineProfile.load("other key", kernels, cache).isDefault());
  }

  @Test
  void anUnwritableCacheDirectoryFailsToSaveAndTheDefaultsServe() throws Exception {
    // A directory under a regular file cannot be created, even by root (who ignores modes).
    Path blocker = Files.writeString(cache.resolve("not-a-directory"), "x");
    Path directory = blocker.resolve("sparsenn");
    Kernels kernels = Kernels.best();
    MachineProfile measured = MachineProfile.measure("unwritable", kernels, 256, 256);
    assertThrows(IOException.class, () -> measured.saveTo(directory));
    assertTrue(MachineProfile.load("unwritable", kernels, directory).isDefault());
  }

  @Test
  void aSessionInAFreshCacheDirectoryStartsOnTheDefaultsWithoutMeasuring() {
    String old = System.getProperty("sparsenn.cache.dir");
    System.setProperty("sparsenn.cache.dir", cache.resolve("fresh").toString());
    MachineProfile.forgetLoaded();
    try {
      int before = MachineProfile.measurements();
      Network net = SessionTest.network(37, 29, 11, 0.6, 5);
      try (Session session = Session.create(net,
          SessionOptions.builder().planning(PlanningMode.ESTIMATE).build())) {
        assertEquals(11, session.run(new float[37]).length);
      }
      assertEquals(before, MachineProfile.measurements(), "no calibration on the way");
      assertTrue(MachineProfile.forKernels(Kernels.best()).isDefault());
      assertFalse(Files.exists(cache.resolve("fresh")), "nothing written");
    } finally {
      if (old == null) {
        System.clearProperty("sparsenn.cache.dir");
      } else {
        System.setProperty("sparsenn.cache.dir", old);
      }
      MachineProfile.forgetLoaded();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"native-avx512", "native-avx2", "native-scalar", "java"})
  void theShippedDefaultsParseAndCoverEveryMethodAtEveryBatch(String kernels) {
    MachineProfile defaults = MachineProfile.defaults(kernels);
    assertTrue(defaults.isDefault());
    // Made by `sparsenn calibrate --out` with this very cost model and kernel set.
    assertTrue(defaults.key().startsWith("format " + MachineProfile.FORMAT + ";"),
        "regenerate the defaults after changing FORMAT: " + defaults.key());
    assertTrue(defaults.key().contains("; kernels " + kernels + " "), defaults.key());
    for (LayerMethod method : LayerMethod.values()) {
      for (int batch : BATCHES) {
        KernelFigures f = defaults.figures(method, batch);
        assertNotNull(f, method + " batch " + batch);
        assertTrue(f.callMicros() > 0 && f.rowNanos() >= 0, f.toString());
        assertTrue(f.points().size() >= 2, f.toString());
        assertTrue(f.points().get(0).nanosPerWeight() > 0, f.toString());
      }
    }
  }

  @Test
  void neonBorrowsTheScalarDefaultsAndAnUnknownKernelSetHasNone() {
    MachineProfile neon = MachineProfile.defaults("native-neon");
    assertTrue(neon.origin().contains("native-scalar"), neon.origin());
    assertThrows(IllegalStateException.class, () -> MachineProfile.defaults("native-vax"));
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
