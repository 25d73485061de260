package org.sparsenn.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sparsenn.engine.KernelFigures;
import org.sparsenn.engine.LayerMethod;
import org.sparsenn.engine.MachineProfile;
import org.sparsenn.kernel.Kernels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Measures the kernel costs of this machine for the planner, prints them, and caches them so
 * that later sessions plan from this machine's figures instead of the shipped defaults.
 */
@Command(
    name = "calibrate",
    mixinStandardHelpOptions = true,
    header = "Measure this machine's kernel costs for the planner and cache them.",
    description = {
      "Measure each layer method's call, per-row and per-weight costs at batch 1, 8 and 64",
      "(a few seconds), print them, and write them to the cache directory",
      "(-Dsparsenn.cache.dir, else $XDG_CACHE_HOME/sparsenn, else ~/.cache/sparsenn).",
      "Until then sessions use the defaults shipped for the kernel set.",
      "-Dsparsenn.isa=avx2|scalar measures a lower ISA level, -Dsparsenn.native=false the",
      "pure-Java kernels."
    })
final class CalibrateCommand implements Callable<Integer> {
  private static final int[] BATCHES =
      {1, MachineProfile.SMALL_BATCH, MachineProfile.LARGE_BATCH};

  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Option(names = "--out", paramLabel = "FILE",
      description = "Also write the figures to FILE (the form of the shipped defaults).")
  Path out;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    Kernels kernels = Kernels.best();
    MachineProfile profile = MachineProfile.calibrate(kernels);
    Path directory = MachineProfile.cacheDirectory();
    Path cached = null;
    String cacheFailure = null;
    try {
      cached = profile.saveTo(directory);
    } catch (IOException | RuntimeException e) {
      cacheFailure = e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    if (out != null) {
      try {
        profile.writeTo(out);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + out + ": " + e, e);
      }
    }
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("kernels", kernels.name());
      doc.put("cacheFile", cached == null ? null : cached.toString());
      doc.put("cacheError", cacheFailure);
      doc.put("out", out == null ? null : out.toString());
      doc.put("profile", profile.toJson());
      CliJson.write(stdout, doc);
    } else {
      print(stdout, kernels, profile);
      if (cached != null) {
        stdout.printf(Locale.ROOT, "%ncached in %s%n", cached);
      }
      if (out != null) {
        stdout.printf(Locale.ROOT, "written to %s%n", out);
      }
      stdout.flush();
    }
    if (cacheFailure != null) {
      stderr.printf(Locale.ROOT, "sparsenn: cannot write the cache directory %s (%s); the"
          + " figures served this run only (set -Dsparsenn.cache.dir to a writable folder)%n",
          directory, cacheFailure.replaceAll("\\s*\\R\\s*", " "));
      stderr.flush();
    }
    return 0;
  }

  private static void print(PrintWriter out, Kernels kernels, MachineProfile profile) {
    out.printf(Locale.ROOT, "kernels: %s%nprofile: %s%n%n", kernels.name(), profile.key());
    out.printf(Locale.ROOT, "%-12s %5s %9s %9s  %s%n", "method", "batch", "call µs", "row ns",
        "ns per weight at weight bytes");
    for (LayerMethod method : LayerMethod.values()) {
      for (int batch : BATCHES) {
        KernelFigures f = profile.figures(method, batch);
        StringBuilder points = new StringBuilder();
        for (KernelFigures.CostPoint p : f.points()) {
          points.append(String.format(Locale.ROOT, "  %.4f@%s", p.nanosPerWeight(),
              bytes(p.bytes())));
        }
        out.printf(Locale.ROOT, "%-12s %5d %9.2f %9.3f %s%n", method.label(), batch,
            f.callMicros(), f.rowNanos(), points);
      }
    }
  }

  private static String bytes(long bytes) {
    if (bytes >= 1 << 20) {
      return String.format(Locale.ROOT, "%.1fMiB", bytes / 1048576.0);
    }
    return String.format(Locale.ROOT, "%.0fKiB", bytes / 1024.0);
  }
}
