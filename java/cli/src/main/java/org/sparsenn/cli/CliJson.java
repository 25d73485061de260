package org.sparsenn.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.sparsenn.engine.LayerMethod;
import org.sparsenn.engine.Plan;
import org.sparsenn.io.LoadedModel;
import org.sparsenn.io.TensorMapping;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.model.RecurrentLayer;
import org.sparsenn.train.Evaluation;

/**
 * The {@code --json} output of {@code inspect}, {@code eval}, {@code bench} and
 * {@code infer}: one JSON object per run, with the same figures as the text. Fields are
 * camelCase; a figure that is not a number (a measurement that was not made) is {@code null}.
 */
final class CliJson {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private CliJson() {}

  /** Writes one document followed by a newline. */
  static void write(PrintWriter out, Map<String, Object> document) {
    try {
      out.println(JSON.writeValueAsString(document));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
    out.flush();
  }

  /** What {@code inspect} prints: the file, the network, each layer, mapping and metadata. */
  static Map<String, Object> model(LoadedModel loaded) {
    Network net = loaded.network();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("model", loaded.source().toString());
    doc.put("format", loaded.format());
    doc.put("sha256", loaded.sha256());
    doc.put("network", network(net));
    List<Map<String, Object>> mapping = new ArrayList<>();
    for (TensorMapping m : loaded.mapping()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("tensor", m.tensor());
      entry.put("shape", m.shape());
      entry.put("dtype", m.dtype());
      entry.put("layer", m.layer());
      entry.put("layerName", m.layerName());
      entry.put("role", m.role().name().toLowerCase(Locale.ROOT));
      mapping.add(entry);
    }
    doc.put("mapping", mapping);
    doc.put("ordering", loaded.ordering());
    doc.put("conversions", loaded.conversions());
    doc.put("metadata", new TreeMap<>(loaded.metadata()));
    return doc;
  }

  /** A network's shape, sizes and per-layer figures. */
  static Map<String, Object> network(Network net) {
    long weights = 0;
    long nonzeros = 0;
    List<Map<String, Object>> layers = new ArrayList<>();
    for (int i = 0; i < net.layers().size(); i++) {
      DenseLayer layer = net.layers().get(i);
      long layerWeights = (long) layer.inputs() * layer.outputs();
      weights += layerWeights;
      nonzeros += layer.nonzeroWeights();
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("index", i);
      l.put("inputs", layer.inputs());
      l.put("outputs", layer.outputs());
      l.put("activation", layer.activation().toString());
      l.put("parameters", layerWeights + layer.outputs());
      l.put("nonzeroWeights", layer.nonzeroWeights());
      l.put("sparsity", number(layer.sparsity()));
      layers.add(l);
    }
    List<Map<String, Object>> recurrent = new ArrayList<>();
    for (int i = 0; i < net.recurrentLayers().size(); i++) {
      RecurrentLayer layer = net.recurrentLayers().get(i);
      long layerWeights = layer.inputWeights().length + (long) layer.recurrentWeights().length;
      weights += layerWeights;
      nonzeros += layer.nonzeroWeights();
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("index", i);
      l.put("cell", layer.cell().name());
      l.put("direction", layer.direction().name().toLowerCase(Locale.ROOT));
      l.put("inputs", layer.inputs());
      l.put("hidden", layer.hidden());
      l.put("outputs", layer.outputs());
      l.put("activation", layer.activation().toString());
      l.put("linearBeforeReset", layer.linearBeforeReset());
      l.put("parameters", layer.parameterCount());
      l.put("nonzeroWeights", layer.nonzeroWeights());
      l.put("sparsity", number(1.0 - (double) layer.nonzeroWeights() / layerWeights));
      recurrent.add(l);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("description", net.toString());
    doc.put("inputs", net.inputs());
    if (net.isRecurrent()) {
      doc.put("readsSequences", true);
      doc.put("sequenceOutput", net.sequenceOutput().name().toLowerCase(Locale.ROOT));
      doc.put("recurrentLayers", recurrent);
    }
    doc.put("outputs", net.outputs());
    doc.put("softmaxOutput", net.softmaxOutput());
    doc.put("parameters", net.parameterCount());
    doc.put("weights", weights);
    doc.put("nonzeroWeights", nonzeros);
    doc.put("sparsity", weights == 0 ? 0.0 : (double) (weights - nonzeros) / weights);
    doc.put("layers", layers);
    return doc;
  }

  /** What {@code eval} prints. */
  static Map<String, Object> evaluation(Path model, Network net, Path data, boolean testPart,
      String loss, Evaluation e) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("model", model.toString());
    doc.put("network", net.toString());
    doc.put("data", data.toString());
    doc.put("testPart", testPart);
    doc.put("examples", e.count());
    doc.put("loss", loss);
    doc.put("meanLoss", number(e.meanLoss()));
    doc.put("topK", e.topK());
    doc.put("topKAccuracy", number(e.topKAccuracy()));
    doc.put("accuracy", number(e.accuracy()));
    return doc;
  }

  /** What {@code infer} prints, and with {@code --plan} the session's plan. */
  static Map<String, Object> inference(Path output, int batch, Network net, Plan plan) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("output", output.toString());
    doc.put("batch", batch);
    doc.put("outputs", net.outputs());
    doc.put("network", net.toString());
    if (plan != null) {
      doc.put("plan", plan(plan));
    }
    return doc;
  }

  /** A session's plan: per layer the choices and every candidate's figures. */
  static Map<String, Object> plan(Plan plan) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("mode", plan.mode().name().toLowerCase(Locale.ROOT));
    doc.put("kernels", plan.kernels());
    doc.put("threads", plan.threads());
    doc.put("plannedBatch", plan.plannedBatch());
    List<Map<String, Object>> layers = new ArrayList<>();
    for (Plan.LayerPlan l : plan.layers()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("index", l.index());
      m.put("rows", l.rows());
      m.put("cols", l.cols());
      m.put("nonzeros", l.nonzeros());
      m.put("sparsity", number(l.sparsity()));
      m.put("single", method(l.single()));
      m.put("batched", method(l.batched()));
      m.put("reason", l.reason());
      m.put("singleCandidates", candidates(l.singleCandidates()));
      m.put("batchedCandidates", candidates(l.batchedCandidates()));
      layers.add(m);
    }
    doc.put("layers", layers);
    return doc;
  }

  private static List<Map<String, Object>> candidates(List<Plan.Candidate> candidates) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (Plan.Candidate c : candidates) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("method", method(c.method()));
      m.put("weightBytes", c.weightBytes());
      m.put("predictedMicros", number(c.predictedMicros()));
      m.put("measuredMicros", number(c.measuredMicros()));
      list.add(m);
    }
    return list;
  }

  /** The header of {@code bench}'s output; rows go in {@code rows}. */
  static Map<String, Object> bench(String kernels, int threads, int millis,
      List<Map<String, Object>> rows) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("kernels", kernels);
    doc.put("threads", threads);
    doc.put("millisPerMeasurement", millis);
    doc.put("note", "a demonstration: the JMH results in bench/results are the numbers to quote");
    doc.put("rows", rows);
    return doc;
  }

  /** One line of {@code bench}'s table. */
  static Map<String, Object> benchRow(int rows, int cols, int batch, double sparsity,
      LayerMethod baseline, double baselineMicros, List<LayerMethod> methods, double[] micros) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rows", rows);
    m.put("cols", cols);
    m.put("batch", batch);
    m.put("sparsity", sparsity);
    m.put("baseline", baseline.label());
    m.put("baselineMicros", number(baselineMicros));
    Map<String, Object> byMethod = new LinkedHashMap<>();
    for (int i = 0; i < methods.size(); i++) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("micros", number(micros[i]));
      one.put("speedup", number(baselineMicros / micros[i]));
      byMethod.put(methods.get(i).label(), one);
    }
    m.put("methods", byMethod);
    return m;
  }

  private static String method(Enum<?> method) {
    return method.name().toLowerCase(Locale.ROOT);
  }

  /** NaN and infinities are not JSON numbers: null. */
  private static Double number(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
