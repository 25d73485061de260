package org.sparsenn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.sparsenn.engine.LayerMethod;
import org.sparsenn.engine.Session;
import org.sparsenn.engine.SessionOptions;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.sparse.RandomWeights;

/**
 * Creates, runs and closes sessions many times and prints the process's resident memory as it
 * goes: native memory that a session failed to free would make it climb. Exits with status 1
 * if resident memory grew by more than the allowed margin after the warm-up.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar org.sparsenn.bench.SessionLeakCheck [cycles]}
 */
public final class SessionLeakCheck {
  private static final long ALLOWED_GROWTH_KIB = 32 * 1024;

  private SessionLeakCheck() {}

  /** Runs the check; the optional argument is the number of cycles (default 100,000). */
  public static void main(String[] args) throws IOException {
    int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    Network network = new Network(List.of(
        new DenseLayer(64, 48, RandomWeights.dense(48, 64, 0.8, 1), null, Activation.RELU),
        new DenseLayer(48, 10, RandomWeights.dense(10, 48, 0.0, 2), null, Activation.IDENTITY)),
        false);
    float[] input = RandomWeights.vector(4 * 64, 3);
    float[] output = new float[4 * 10];
    float[] single = Arrays.copyOf(input, 64);
    LayerMethod[] methods = LayerMethod.values();
    long baseline = 0;
    int warmUp = Math.max(1, cycles / 10);
    for (int cycle = 1; cycle <= cycles; cycle++) {
      // Each method in turn, with two threads every other cycle, so every allocation path runs.
      LayerMethod method = methods[cycle % methods.length];
      SessionOptions options = SessionOptions.builder().threads(1 + cycle % 2)
          .override(0, method).precision(method.precision()).build();
      try (Session session = Session.create(network, options)) {
        session.run(input, 4, output);
        session.run(single, 1, new float[10]);
      }
      if (cycle == warmUp) {
        System.gc();
        baseline = residentKib();
        System.out.printf("after %,d warm-up cycles: resident %,d KiB%n", cycle, baseline);
      } else if (cycle % (cycles / 10) == 0) {
        System.out.printf("after %,d cycles: resident %,d KiB%n", cycle, residentKib());
      }
    }
    System.gc();
    long last = residentKib();
    long growth = last - baseline;
    System.out.printf("%,d sessions created and closed; resident %,d KiB, %+,d KiB since warm-up%n",
        cycles, last, growth);
    if (growth > ALLOWED_GROWTH_KIB) {
      System.out.println("FAIL: resident memory grew by more than " + ALLOWED_GROWTH_KIB + " KiB");
      System.exit(1);
    }
  }

  private static long residentKib() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return 0;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return 0;
  }
}
