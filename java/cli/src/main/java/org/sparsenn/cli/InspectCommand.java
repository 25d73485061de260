package org.sparsenn.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sparsenn.io.LoadedModel;
import org.sparsenn.io.ModelReader;
import org.sparsenn.io.ReadOptions;
import org.sparsenn.io.TensorMapping;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.model.RecurrentLayer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Prints what a model file holds as sparsenn reads it: layers, shapes, parameters, nonzeros and
 * sparsity, activations, the file's format and digest, conversions, and for weights-only files
 * how tensor names were mapped to layers.
 */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    header = "Show a model's layers, shapes, sparsity, format and digest.",
    description = {
      "Show a model's layers, shapes, parameter count, nonzeros and sparsity, activations,",
      "file format and SHA-256, conversions made while reading, and how names were mapped."
    })
final class InspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL",
      description = "Model file; its extension chooses the reader"
          + " (.onnx, .npz, .safetensors, .snn).")
  Path model;

  @Mixin ReadOptionsMixin reading;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Override
  public Integer call() {
    ReadOptions options = reading.readOptions();
    LoadedModel loaded = ModelReader.load(model, options);
    if (json) {
      CliJson.write(spec.commandLine().getOut(), CliJson.model(loaded));
    } else {
      print(spec.commandLine().getOut(), loaded);
    }
    return 0;
  }

  static void print(PrintWriter out, LoadedModel loaded) {
    Network net = loaded.network();
    long weights = 0;
    long nonzeros = 0;
    for (RecurrentLayer layer : net.recurrentLayers()) {
      weights += layer.inputWeights().length + (long) layer.recurrentWeights().length;
      nonzeros += layer.nonzeroWeights();
    }
    for (DenseLayer layer : net.layers()) {
      weights += (long) layer.inputs() * layer.outputs();
      nonzeros += layer.nonzeroWeights();
    }
    out.printf(Locale.ROOT, "model:      %s%n", loaded.source());
    out.printf(Locale.ROOT, "format:     %s%n", loaded.format());
    out.printf(Locale.ROOT, "sha256:     %s%n", loaded.sha256());
    out.printf(Locale.ROOT, "network:    %s, %d %s, %d outputs%s%n", net,
        net.inputs(), net.isRecurrent() ? "features per step of [batch, steps, features]"
            : "inputs", net.outputs(), net.softmaxOutput() ? ", softmax output" : "");
    out.printf(Locale.ROOT, "parameters: %d (%d weights, %d nonzero, sparsity %.2f%%)%n",
        net.parameterCount(), weights, nonzeros,
        weights == 0 ? 0.0 : 100.0 * (weights - nonzeros) / weights);
    out.println();
    if (net.isRecurrent()) {
      out.printf(Locale.ROOT, "%5s  %-34s %-14s %12s %12s %9s%n", "recur", "cell",
          "in -> out", "parameters", "nonzeros", "sparsity");
      for (int i = 0; i < net.recurrentLayers().size(); i++) {
        RecurrentLayer layer = net.recurrentLayers().get(i);
        long layerWeights = layer.inputWeights().length + (long) layer.recurrentWeights().length;
        out.printf(Locale.ROOT, "%5d  %-34s %-14s %12d %12d %8.2f%%%n", i,
            layer.toString().replace("RecurrentLayer", ""),
            layer.inputs() + " -> " + layer.outputs(), layer.parameterCount(),
            layer.nonzeroWeights(), 100.0 * (layerWeights - layer.nonzeroWeights()) / layerWeights);
      }
      out.printf(Locale.ROOT, "then the %s of the last recurrent layer into the dense layers:%n",
          net.sequenceOutput().name().toLowerCase(Locale.ROOT).replace('_', ' '));
    }
    List<TensorMapping> mapping = loaded.mapping();
    out.printf(Locale.ROOT, "%5s  %-20s %-14s %-16s %12s %12s %9s%n", "layer", "name",
        "out x in", "activation", "parameters", "nonzeros", "sparsity");
    for (int i = 0; i < net.layers().size(); i++) {
      DenseLayer layer = net.layers().get(i);
      out.printf(Locale.ROOT, "%5d  %-20s %-14s %-16s %12d %12d %8.2f%%%n", i,
          layerName(mapping, i), layer.outputs() + " x " + layer.inputs(),
          layer.activation(), (long) layer.inputs() * layer.outputs() + layer.outputs(),
          layer.nonzeroWeights(), 100.0 * layer.sparsity());
    }
    if (!mapping.isEmpty()) {
      out.println();
      out.printf(Locale.ROOT, "names mapped to layers (weights [out, in]; layer order: %s):%n",
          loaded.ordering());
      for (TensorMapping m : mapping) {
        out.printf(Locale.ROOT, "  %-30s %-16s %-6s -> layer %d %s%n", m.tensor(),
            m.shape(), m.dtype(), m.layer(), m.role().name().toLowerCase(Locale.ROOT));
      }
    }
    out.println();
    if (loaded.conversions().isEmpty()) {
      out.println("conversions: none (all tensors float32)");
    } else {
      out.println("conversions:");
      for (String conversion : loaded.conversions()) {
        out.println("  " + conversion);
      }
    }
    if (!loaded.metadata().isEmpty()) {
      out.println("metadata:");
      loaded.metadata().entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(e -> out.println("  " + e.getKey() + " = " + e.getValue()));
    }
    out.flush();
  }

  private static String layerName(List<TensorMapping> mapping, int layer) {
    for (TensorMapping m : mapping) {
      if (m.layer() == layer) {
        return m.layerName();
      }
    }
    return "-";
  }
}
