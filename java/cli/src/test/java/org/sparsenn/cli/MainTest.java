package org.sparsenn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.sparsenn.kernel.NativeKernels;

class MainTest {

  /** Exit status and captured stdout/stderr of one command line. */
  private static CommandLineRun run(String... args) {
    return CommandLineRun.of(args);
  }

  @Test
  void versionReturnsZeroAndPrintsPlatformIsaAndNativeStatus() {
    CommandLineRun r = run("--version");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("sparsenn"), r.out());
    assertTrue(r.out().contains("platform: "), r.out());
    assertTrue(r.out().contains("ISA: "), r.out());
    assertTrue(r.out().contains("native library: "), r.out());
  }

  @Test
  void versionInfoLinesDescribeThisMachine() {
    String[] lines = new VersionInfo().getVersion();
    String all = String.join("\n", lines);
    assertEquals(5, lines.length, all);
    assertTrue(lines[0].startsWith("sparsenn "), all);
    assertTrue(lines[1].startsWith("platform: ") && lines[1].contains("Java"), all);
    if (NativeKernels.isLoaded()) {
      assertTrue(lines[2].startsWith("ISA: "), all);
      assertTrue(lines[2].contains(NativeKernels.bestIsa().label()), all);
      assertTrue(lines[3].contains("native library: loaded (" + NativeKernels.version() + ")"),
          all);
      assertEquals(NativeKernels.isBlasBound() ? "OpenBLAS: bound" : "OpenBLAS: unavailable",
          lines[4]);
    } else {
      assertTrue(lines[3].contains("NOT loaded"), all);
    }
  }

  @Test
  void noArgumentsPrintsUsage() {
    CommandLineRun r = run();
    assertEquals(0, r.status());
    assertTrue(r.out().contains("Usage"), r.out());
    assertTrue(r.out().contains("bench"), r.out());
  }

  @Test
  void benchHelpReturnsZero() {
    CommandLineRun r = run("bench", "--help");
    assertEquals(0, r.status());
    assertTrue(r.out().contains("--sparsity"), r.out());
  }

  @Test
  void smallBenchReturnsZeroAndPrintsEveryRow() {
    CommandLineRun r = run("bench", "--shapes", "64x64", "--sparsity", "0,0.9", "--batch", "1,4",
        "--millis", "5");
    assertEquals(0, r.status(), r.err());
    long rows = Arrays.stream(r.out().split("\n")).filter(l -> l.startsWith("64x64")).count();
    assertEquals(4, rows, r.out());
    assertTrue(r.out().contains("kernels: "), r.out());
  }

  @Test
  void benchWithThreadsReturnsZero() {
    CommandLineRun r = run("bench", "--shapes", "33x17", "--sparsity", "0.5", "--batch", "3",
        "--threads", "2", "--millis", "2");
    assertEquals(0, r.status(), r.err());
  }

  @Test
  void sparsityOutsideRangeFailsWithMessage() {
    CommandLineRun r = run("bench", "--shapes", "8x8", "--sparsity", "1.5", "--millis", "1");
    assertNotEquals(0, r.status());
    assertTrue(r.err().contains("1.5"), r.err());
    assertNotEquals(0, run("bench", "--shapes", "8x8", "--sparsity", "-0.1", "--millis", "1")
        .status());
  }

  @Test
  void zeroSizedShapeFailsWithMessage() {
    CommandLineRun r = run("bench", "--shapes", "0x3", "--millis", "1");
    assertNotEquals(0, r.status());
    assertTrue(r.err().contains("0x3"), r.err());
    assertNotEquals(0, run("bench", "--shapes", "3", "--millis", "1").status());
    assertNotEquals(0, run("bench", "--shapes", "axb", "--millis", "1").status());
    assertNotEquals(0, run("bench", "--shapes", "100000x100000", "--millis", "1").status());
  }

  @Test
  void zeroThreadsFailsWithMessage() {
    CommandLineRun r = run("bench", "--shapes", "8x8", "--threads", "0", "--millis", "1");
    assertNotEquals(0, r.status());
    assertTrue(r.err().contains("--threads"), r.err());
  }

  @Test
  void otherBadArgumentsFail() {
    assertNotEquals(0, run("bench", "--shapes", "8x8", "--batch", "0", "--millis", "1").status());
    assertNotEquals(0, run("bench", "--shapes", "8x8", "--millis", "0").status());
    assertNotEquals(0, run("bench", "--batch", "abc").status());
    assertNotEquals(0, run("--no-such-option").status());
    assertNotEquals(0, run("no-such-command").status());
  }

  @Test
  void everyFailureIsOneLineAndNeverABareMessage() {
    assertEquals("m.snn: truncated", Main.oneLine(
        new org.sparsenn.io.ModelFormatException("m.snn: truncated")));
    assertEquals("x.npy: bad shape",
        Main.oneLine(new IllegalArgumentException("x.npy: bad\n  shape")));
    String bare = Main.oneLine(new NegativeArraySizeException("-8"));
    assertTrue(bare.startsWith("unexpected NegativeArraySizeException: -8"), bare);
    String fault = Main.oneLine(new InternalError("a fault occurred in a recent unsafe memory"
        + " access operation\nin compiled Java code"));
    assertTrue(fault.startsWith("unexpected InternalError: a fault occurred"), fault);
    assertEquals(1, fault.lines().count(), fault);
    assertTrue(Main.oneLine(new OutOfMemoryError("Java heap space"))
        .startsWith("out of memory (raise -Xmx)"));
    assertTrue(Main.oneLine(new NullPointerException()).startsWith("unexpected"
        + " NullPointerException"));
  }
}
