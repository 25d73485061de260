package org.sparsenn.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Callable;
import org.sparsenn.engine.LayerMethod;
import org.sparsenn.engine.LinearOp;
import org.sparsenn.engine.Precision;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.Epilogue;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.sparse.RandomWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A quick demonstration of speed against sparsity on built-in random layers, through the same
 * kernels as the library. Medians of short timed runs; the JMH benchmarks in {@code bench/} are
 * the numbers to quote.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    header = "Quick speed table: sparse against dense layers by sparsity.",
    description = {
      "Quick table of each sparse layer method's speedup over dense OpenBLAS against",
      "sparsity, on random layers with fixed seeds. A demonstration: quote the JMH results in",
      "bench/."
    })
final class BenchCommand implements Callable<Integer> {
  private static final LayerMethod BASELINE = LayerMethod.DENSE_BLAS;
  // the sparse methods the chosen --precision allows, in list order (set by call())
  private List<LayerMethod> sparse = List.of();

  @Spec CommandSpec spec;

  @Option(names = "--shapes", split = ",", defaultValue = "1024x1024,4096x4096",
      description = "Layer shapes as ROWSxCOLS (default: ${DEFAULT-VALUE}).")
  List<String> shapes;

  @Option(names = "--sparsity", split = ",",
      defaultValue = "0,0.5,0.7,0.8,0.9,0.95,0.98,0.99",
      description = "Sparsity levels (default: ${DEFAULT-VALUE}).")
  List<Double> sparsities;

  @Option(names = "--batch", split = ",", defaultValue = "1,32",
      description = "Batch sizes (default: ${DEFAULT-VALUE}).")
  List<Integer> batches;

  @Option(names = "--threads", defaultValue = "1",
      description = "Threads per layer (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--millis", defaultValue = "150",
      description = "Timed milliseconds per measurement (default: ${DEFAULT-VALUE}).")
  int millis;

  @Mixin PrecisionMixin precision;

  @Option(names = "--json", description = "Print one JSON object instead of the table.")
  boolean json;

  // the rows of the --json document, in table order
  private final List<Map<String, Object>> jsonRows = new ArrayList<>();

  @Override
  public Integer call() {
    validate();
    Precision p = precision.precision();
    sparse = Arrays.stream(LayerMethod.values())
        .filter(m -> m.isSparse() && p.allows(m.precision())).toList();
    PrintWriter out = spec.commandLine().getOut();
    Kernels kernels = Kernels.best();
    if (!json) {
      out.printf(Locale.ROOT, "kernels: %s, threads: %d, %d ms per measurement (median of 5)%n",
          kernels.name(), threads, millis);
      out.println("A demonstration: the JMH results in bench/results are the numbers to quote.");
      out.println();
      out.printf(Locale.ROOT, "%-11s %5s %8s %12s", "shape", "batch", "sparsity",
          BASELINE.label());
      for (LayerMethod method : sparse) {
        out.printf(Locale.ROOT, " %12s", method.label());
      }
      for (LayerMethod method : sparse) {
        out.printf(Locale.ROOT, " %9s", method.label() + " x");
      }
      out.println();
    }
    ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads - 1) : null;
    try {
      for (String shape : shapes) {
        int[] rc = parseShape(shape);
        for (int batch : batches) {
          benchShape(out, kernels, rc[0], rc[1], batch, pool);
        }
      }
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
    if (json) {
      CliJson.write(out, CliJson.bench(kernels.name(), threads, millis, jsonRows));
    }
    return 0;
  }

  private void benchShape(PrintWriter out, Kernels kernels, int rows, int cols, int batch,
      ExecutorService pool) {
    float[] input = RandomWeights.vector(cols * batch, 7);
    try (AlignedBuffer x = AlignedBuffer.copyOf(input);
        AlignedBuffer y = AlignedBuffer.allocateFloats((long) rows * batch)) {
      double denseMicros;
      float[] denseWeights = RandomWeights.dense(rows, cols, 0.0, 42);
      try (LinearOp dense = LinearOp.create(denseWeights, rows, cols, null, Epilogue.IDENTITY,
          BASELINE, kernels, threads, pool)) {
        denseMicros = medianMicros(dense, x, batch, y);
      }
      for (double sparsity : sparsities) {
        float[] weights = RandomWeights.dense(rows, cols, sparsity, 42);
        double[] micros = new double[sparse.size()];
        for (int i = 0; i < micros.length; i++) {
          LayerMethod method = sparse.get(i);
          micros[i] = method.fits(cols)
              ? measure(weights, rows, cols, method, kernels, pool, x, batch, y) : Double.NaN;
        }
        if (json) {
          jsonRows.add(CliJson.benchRow(rows, cols, batch, sparsity, BASELINE, denseMicros,
              sparse, micros));
          continue;
        }
        out.printf(Locale.ROOT, "%-11s %5d %8.2f %10.1fus", rows + "x" + cols, batch, sparsity,
            denseMicros);
        for (double m : micros) {
          out.printf(Locale.ROOT, " %10.1fus", m);
        }
        for (double m : micros) {
          out.printf(Locale.ROOT, " %8.2fx", denseMicros / m);
        }
        out.println();
        out.flush();
      }
    }
  }

  private double measure(float[] weights, int rows, int cols, LayerMethod method,
      Kernels kernels, ExecutorService pool, AlignedBuffer x, int batch, AlignedBuffer y) {
    try (LinearOp op = LinearOp.create(weights, rows, cols, null, Epilogue.IDENTITY, method,
        kernels, threads, pool)) {
      return medianMicros(op, x, batch, y);
    }
  }

  /** Median over 5 samples of the mean time per call, after one warm-up sample. */
  private double medianMicros(LinearOp op, AlignedBuffer x, int batch, AlignedBuffer y) {
    long budget = millis * 1_000_000L / 6;
    double[] samples = new double[6];
    for (int s = 0; s < samples.length; s++) {
      long start = System.nanoTime();
      long calls = 0;
      long now;
      do {
        op.run(x, batch, y);
        calls++;
        now = System.nanoTime();
      } while (now - start < budget);
      samples[s] = (now - start) / 1e3 / calls;
    }
    double[] measured = Arrays.copyOfRange(samples, 1, samples.length);
    Arrays.sort(measured);
    return measured[measured.length / 2];
  }

  private void validate() {
    List<String> problems = new ArrayList<>();
    if (threads < 1) {
      problems.add("--threads must be >= 1");
    }
    if (millis < 1) {
      problems.add("--millis must be >= 1");
    }
    for (double s : sparsities) {
      if (!(s >= 0 && s < 1)) {
        problems.add("sparsity " + s + " is not in [0, 1)");
      }
    }
    for (int b : batches) {
      if (b < 1) {
        problems.add("batch " + b + " is not >= 1");
      }
    }
    for (String shape : shapes) {
      parseShape(shape);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  private static int[] parseShape(String shape) {
    String[] parts = shape.toLowerCase(Locale.ROOT).split("x");
    try {
      if (parts.length == 2) {
        int rows = Integer.parseInt(parts[0].trim());
        int cols = Integer.parseInt(parts[1].trim());
        if (rows > 0 && cols > 0 && (long) rows * cols <= (1L << 28)) {
          return new int[] {rows, cols};
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("shape '" + shape
        + "' is not ROWSxCOLS with positive sizes and at most 2^28 weights");
  }
}
