package org.sparsenn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.engine.LayerMethod;
import org.sparsenn.kernel.Kernels;

class CalibrateCommandTest {
  private static final String CACHE_PROPERTY = "sparsenn.cache.dir";
  private final String oldCache = System.getProperty(CACHE_PROPERTY);
  @TempDir Path dir;

  @AfterEach
  void restoreCacheDirectory() {
    if (oldCache == null) {
      System.clearProperty(CACHE_PROPERTY);
    } else {
      System.setProperty(CACHE_PROPERTY, oldCache);
    }
  }

  @Test
  void writesTheCacheAndTheOutFileAndSaysWhere() throws Exception {
    Path cache = dir.resolve("cache");
    Path out = dir.resolve("figures.json");
    System.setProperty(CACHE_PROPERTY, cache.toString());
    CommandLineRun run = CommandLineRun.of("calibrate", "--json", "--out", out.toString());
    assertEquals(0, run.status(), run.err());
    JsonNode doc = new ObjectMapper().readTree(run.out());
    assertEquals(Kernels.best().name(), doc.get("kernels").asText());
    Path cached = Path.of(doc.get("cacheFile").asText());
    assertEquals(cache, cached.getParent());
    assertTrue(Files.isRegularFile(cached) && Files.isRegularFile(out), run.out());
    assertTrue(doc.get("cacheError").isNull());
    JsonNode written = new ObjectMapper().readTree(out.toFile());
    assertEquals(doc.get("profile"), written);
    for (LayerMethod method : LayerMethod.values()) {
      for (String batch : new String[] {"single", "batched", "wide"}) {
        assertTrue(written.get(batch).has(method.name()), method + " " + batch);
      }
    }
  }

  @Test
  void anUnwritableCacheDirectoryIsOneClearLineAndTheFiguresStillPrint() throws Exception {
    Path blocker = Files.writeString(dir.resolve("a-file"), "x");
    System.setProperty(CACHE_PROPERTY, blocker.resolve("cache").toString());
    CommandLineRun run = CommandLineRun.of("calibrate");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("csr16"), run.out());
    assertFalse(run.out().contains("cached in"), run.out());
    String[] lines = run.err().strip().split("\\R");
    String last = lines[lines.length - 1];
    assertTrue(last.startsWith("sparsenn: cannot write the cache directory " + blocker), last);
    assertTrue(last.contains("this run only"), last);
    CommandLineRun badOut = CommandLineRun.of("calibrate", "--out",
        blocker.resolve("figures.json").toString());
    assertEquals(1, badOut.status());
    assertTrue(badOut.err().contains("sparsenn: cannot write " + blocker.resolve("figures.json")),
        badOut.err());
  }
}
