package org.sparsenn.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
      for (boolean batched : new boolean[] {false, true}) {
        KernelFigures f = measured.figures(method, batched);
        assertEquals(f, cached.figures(method, batched), method + " batched=" + batched);
        assertTrue(f.callMicros() > 0 && f.cachedNanos() > 0 && f.rowNanos() >= 0, f.toString());
        assertTrue(f.streamedNanos() >= f.cachedNanos(), f.toString());
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
    KernelFigures f = new KernelFigures(1.0, 2.0, 0.1, 0.4, 1000, 1_000_000);
    assertEquals(1.0 + (10 * 2.0 + 100 * 0.1) / 1000, f.predictMicros(10, 100, 500, 1), 1e-12);
    assertEquals(1.0 + (10 * 2.0 + 100 * 0.4) * 4 / 1000,
        f.predictMicros(10, 100, 2_000_000, 4), 1e-12);
    double middle = f.predictMicros(0, 1000, 31_623, 1);
    assertEquals(1.0 + 1000 * 0.25 / 1000, middle, 1e-3);
  }

  @Test
  void theKeyNamesCpuKernelsAndVersion() {
    String key = MachineProfile.keyFor(Kernels.best());
    assertTrue(key.contains("cpu ") && key.contains("kernels " + Kernels.best().name())
        && key.contains("sparsenn "), key);
  }
}
