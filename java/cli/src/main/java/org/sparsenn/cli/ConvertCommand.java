package org.sparsenn.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.sparsenn.io.LoadedModel;
import org.sparsenn.io.ModelReader;
import org.sparsenn.io.ReadOptions;
import org.sparsenn.io.onnx.OnnxWriter;
import org.sparsenn.io.snn.LayerStorage;
import org.sparsenn.io.snn.SnnWriteOptions;
import org.sparsenn.io.snn.SnnWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Reads a model in any format {@link ModelReader} reads and writes it as {@code .snn}, with
 * the source's name, format and digest as provenance, or as {@code .onnx} (dense initializers,
 * see {@link OnnxWriter}, with the same provenance in {@code metadata_props}); the output's
 * extension chooses. The output appears whole or not at all.
 */
@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    header = "Convert a model to .snn or ONNX.",
    description = {
      "Convert a model (.onnx, .npz, .safetensors, .snn) to sparsenn's .snn format,",
      "storing each layer dense, CSR or in 16x1 blocks, whichever is smaller unless --storage",
      "says (--storage bf16 rounds the weights to bf16: half the size, lossy),",
      "or to ONNX (dense weights, pruned ones as zeros); OUT's extension chooses."
    })
final class ConvertCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL",
      description = "Model file; its extension chooses the reader.")
  Path model;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
      description = "The .snn or .onnx file to write (replaced if it exists).")
  Path output;

  @Option(names = "--storage", defaultValue = "auto",
      description = "Weight storage: auto (per layer the smallest of dense, csr and, for"
          + " weights pruned in 16x1 blocks, bsr16), dense, csr (uint16 indices when they fit),"
          + " csr32, or bf16 (lossy, opt-in: every weight rounded to bf16, dense_bf16 or"
          + " csr16_bf16 per layer, half the bytes of f32; outputs change in about the third"
          + " significant digit) (default: ${DEFAULT-VALUE}).")
  String storage;

  @Mixin ReadOptionsMixin reading;

  @Option(names = "--pruning-method", paramLabel = "METHOD",
      description = "How the weights were pruned, recorded as provenance.")
  String pruningMethod;

  @Option(names = "--sparsity", paramLabel = "S",
      description = "The pruning's target sparsity, recorded as provenance.")
  String sparsity;

  @Override
  public Integer call() {
    String name = output.getFileName() == null ? ""
        : output.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean onnx = name.endsWith(".onnx");
    if (!onnx && !name.endsWith(".snn")) {
      throw new IllegalArgumentException(output + ": convert writes .snn or .onnx files only");
    }
    SnnWriteOptions.StorageChoice choice;
    try {
      choice = SnnWriteOptions.StorageChoice.valueOf(storage.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown storage '" + storage
          + "': expected auto, dense, csr, csr32 or bf16");
    }
    ReadOptions options = reading.readOptions();
    LoadedModel loaded = ModelReader.load(model, options);
    Map<String, String> provenance = new TreeMap<>();
    loaded.metadata().forEach((k, v) -> {
      // an .snn source keeps what is known of its own origin's pruning
      if (k.equals("provenance." + SnnWriter.PRUNING_METHOD)
          || k.equals("provenance." + SnnWriter.SPARSITY)) {
        provenance.put(k.substring("provenance.".length()), v);
      }
    });
    provenance.putAll(SnnWriter.provenanceOf(loaded.source(), loaded.format(),
        loaded.sha256()));
    if (pruningMethod != null) {
      provenance.put(SnnWriter.PRUNING_METHOD, pruningMethod);
    }
    if (sparsity != null) {
      provenance.put(SnnWriter.SPARSITY, sparsity);
    }
    if (onnx) {
      OnnxWriter.write(loaded.network(), output, provenance);
      spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %s as ONNX (opset %d)%n",
          output, loaded.network(), OnnxWriter.OPSET);
      spec.commandLine().getOut().flush();
      return 0;
    }
    List<LayerStorage> storages = SnnWriter.write(loaded.network(), output,
        new SnnWriteOptions(choice, provenance));
    spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %s, layers stored %s%n", output,
        loaded.network(), storages.stream().map(LayerStorage::label)
            .collect(Collectors.joining(", ")));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
