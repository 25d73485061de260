package org.sparsenn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class KernelSelectionTest {

  @Test
  void noCapKeepsTheBest() {
    for (Isa best : Isa.values()) {
      assertEquals(best, KernelSelection.cappedIsa(best, null));
      assertEquals(best, KernelSelection.cappedIsa(best, ""));
      assertEquals(best, KernelSelection.cappedIsa(best, "   "));
    }
  }

  @Test
  void capAtOrAboveBestKeepsTheBest() {
    assertEquals(Isa.AVX512, KernelSelection.cappedIsa(Isa.AVX512, "avx512"));
    assertEquals(Isa.AVX2, KernelSelection.cappedIsa(Isa.AVX2, "avx512"));
    assertEquals(Isa.AVX2, KernelSelection.cappedIsa(Isa.AVX2, "AVX2"));
    assertEquals(Isa.SCALAR, KernelSelection.cappedIsa(Isa.SCALAR, "avx512"));
    assertEquals(Isa.SCALAR, KernelSelection.cappedIsa(Isa.SCALAR, "neon"));
    assertEquals(Isa.NEON, KernelSelection.cappedIsa(Isa.NEON, " Neon "));
  }

  @Test
  void avx2CapOnAvx512MachineGivesAvx2() {
    Assumptions.assumeTrue(NativeKernels.supports(Isa.AVX2), "CPU cannot run avx2");
    assertEquals(Isa.AVX2, KernelSelection.cappedIsa(Isa.AVX512, "avx2"));
  }

  @Test
  void scalarCapGivesScalar() {
    assertEquals(Isa.SCALAR, KernelSelection.cappedIsa(Isa.AVX512, "scalar"));
    assertEquals(Isa.SCALAR, KernelSelection.cappedIsa(Isa.AVX2, "SCALAR"));
    assertEquals(Isa.SCALAR, KernelSelection.cappedIsa(Isa.NEON, "scalar"));
  }

  @Test
  void capFromTheOtherArchitectureFallsBackToScalar() {
    assertEquals(Isa.SCALAR, KernelSelection.cappedIsa(Isa.AVX512, "neon"));
    assertEquals(Isa.SCALAR, KernelSelection.cappedIsa(Isa.AVX2, "neon"));
    assertEquals(Isa.SCALAR, KernelSelection.cappedIsa(Isa.NEON, "avx2"));
    assertEquals(Isa.SCALAR, KernelSelection.cappedIsa(Isa.NEON, "avx512"));
  }

  @Test
  void unknownCapNamesTheName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KernelSelection.cappedIsa(Isa.AVX512, "avx1024"));
    assertTrue(e.getMessage().contains("avx1024"), e.getMessage());
  }

  @Test
  void bestIsNativeAtTheCappedBestIsaWhenLoaded() {
    Kernels best = Kernels.best();
    assertSame(best, Kernels.best());
    if (!NativeKernels.isLoaded()) {
      assertSame(JavaKernels.instance(), best);
      return;
    }
    assertTrue(best.isNative());
    Isa expected = KernelSelection.cappedIsa(NativeKernels.bestIsa(),
        System.getProperty(KernelSelection.ISA_PROPERTY));
    assertEquals(expected, ((NativeKernels) best).isa());
    assertEquals("native-" + expected.label(), best.name());
    assertTrue(NativeKernels.supports(NativeKernels.bestIsa()));
  }

  // --- the selection as a fresh JVM makes it (it happens once per process) -------------------

  /** Runs {@link Probe} in a child JVM with the given system properties; returns its output. */
  private static String probe(String... properties) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String p : properties) {
      command.add("-D" + p);
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Probe.class.getName());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "probe JVM did not finish");
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), out);
    return out;
  }

  /** Prints what a fresh JVM selects, and exercises the buffers and kernels it gets. */
  public static final class Probe {
    public static void main(String[] args) {
      String best;
      try {
        best = Kernels.best().name();
      } catch (Throwable t) {
        best = "threw " + t;
      }
      System.out.println("best=" + best);
      System.out.println("loaded=" + NativeKernels.isLoaded());
      // Buffers must work whichever way they are allocated (native or direct ByteBuffer).
      for (int size : new int[] {0, 1, 63, 64, 65, 100, 4096}) {
        try (AlignedBuffer b = AlignedBuffer.allocate(size)) {
          if (b.byteSize() != size || b.floatCapacity() != size / 4) {
            throw new AssertionError("size " + size + ": capacity " + b.floatCapacity());
          }
          for (int i = 0; i < size / 4; i++) {
            if (b.getFloat(i) != 0f) {
              throw new AssertionError("not zero-filled at " + i);
            }
          }
          try {
            System.out.println("address=" + (b.address() % AlignedBuffer.ALIGNMENT == 0));
          } catch (IllegalStateException e) {
            System.out.println("address=none");
          }
        }
      }
      System.out.println("done");
    }
  }

  @Test
  void withoutNativeLibraryBestIsJavaAndBuffersStillWork() throws Exception {
    String out = probe("sparsenn.native=false");
    assertTrue(out.contains("best=java"), out);
    assertTrue(out.contains("loaded=false"), out);
    assertTrue(out.contains("address=none") && !out.contains("address=true"), out);
    assertTrue(out.contains("done"), out);
  }

  @Test
  void isaPropertyCapsTheSelection() throws Exception {
    Assumptions.assumeTrue(NativeKernels.isLoaded(), "native library not loaded");
    String out = probe("sparsenn.isa=scalar");
    assertTrue(out.contains("best=native-scalar"), out);
    assertTrue(out.contains("address=true") && !out.contains("address=false"), out);
    if (NativeKernels.supports(Isa.AVX2)) {
      assertTrue(probe("sparsenn.isa=AVX2").contains("best=native-avx2"));
    }
  }

  // A bad cap is a configuration error: Kernels.best() should say which value is wrong with an
  // IllegalArgumentException (or fall back with a warning), not fail class initialisation.
  @Test
  void unknownIsaPropertyGivesClearError() throws Exception {
    Assumptions.assumeTrue(NativeKernels.isLoaded(), "native library not loaded");
    String out = probe("sparsenn.isa=avx3");
    assertTrue(out.contains("avx3"), out);
    assertTrue(!out.contains("ExceptionInInitializerError"), out);
  }
}
