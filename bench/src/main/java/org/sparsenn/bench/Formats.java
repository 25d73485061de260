package org.sparsenn.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparsenn.engine.LayerMethod;

/**
 * Prints benchmark parameter values from the list of layer methods, comma-separated, so that
 * {@code run-benchmarks.sh} names no format itself:
 * <pre>
 * java -cp bench/target/benchmarks.jar org.sparsenn.bench.Formats [kernels|dense|sparse|methods]
 * </pre>
 * {@code kernels} (the default): what the layer benchmarks run, every method on the native
 * kernels and one pure-Java yardstick ({@link LayerFixture#kernelNames()});
 * {@code dense} and {@code sparse}: the methods that store every weight or only the nonzeros;
 * {@code methods}: every method, as {@code ModelBenchmark} engines that force it on each layer.
 */
public final class Formats {
  private Formats() {}

  /**
   * Prints the names of one group.
   *
   * @throws IllegalArgumentException for an unknown group
   */
  public static void main(String[] args) {
    String group = args.length == 0 ? "kernels" : args[0];
    List<String> names = new ArrayList<>();
    switch (group) {
      case "kernels" -> names.addAll(LayerFixture.kernelNames());
      case "dense" -> LayerMethod.denseMethods().forEach(m -> names.add(m.label()));
      case "sparse" -> Arrays.stream(LayerMethod.values()).filter(LayerMethod::isSparse)
          .forEach(m -> names.add(m.label()));
      case "methods" -> Arrays.stream(LayerMethod.values()).forEach(m -> names.add(m.label()));
      default -> throw new IllegalArgumentException("unknown group '" + group
          + "': expected kernels, dense, sparse or methods");
    }
    System.out.println(String.join(",", names));
  }
}
