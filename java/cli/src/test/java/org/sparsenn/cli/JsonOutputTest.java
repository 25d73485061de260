package org.sparsenn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.io.NpyWriter;
import org.sparsenn.io.snn.SnnWriteOptions;
import org.sparsenn.io.snn.SnnWriter;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.sparse.RandomWeights;

/**
 * {@code --json} on {@code inspect}, {@code eval}, {@code bench} and {@code infer --plan}: the
 * whole of stdout parses as one JSON object holding the same figures as the text.
 */
class JsonOutputTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Network network;
  private Path model;

  @BeforeEach
  void writeModel() {
    network = new Network(List.of(
        new DenseLayer(2, 8, RandomWeights.dense(8, 2, 0.5, 1), RandomWeights.vector(8, 2),
            Activation.RELU),
        new DenseLayer(8, 2, RandomWeights.dense(2, 8, 0.0, 3), RandomWeights.vector(2, 4),
            Activation.IDENTITY)), false);
    model = dir.resolve("mlp.snn");
    SnnWriter.write(network, model, SnnWriteOptions.defaults());
  }

  private static JsonNode parse(CommandLineRun run) throws IOException {
    assertEquals(0, run.status(), run.err());
    return JSON.readTree(run.out());
  }

  @Test
  void inspectGivesTheNetworkAndEveryLayer() throws IOException {
    JsonNode doc = parse(CommandLineRun.of("inspect", model.toString(), "--json"));
    assertEquals("snn", doc.get("format").asText());
    assertTrue(doc.get("sha256").asText().matches("[0-9a-f]{64}"));
    JsonNode net = doc.get("network");
    assertEquals(2, net.get("inputs").asInt());
    assertEquals(2, net.get("outputs").asInt());
    assertEquals(2 * 8 + 8 + 8 * 2 + 2, net.get("parameters").asInt());
    JsonNode layers = net.get("layers");
    assertEquals(2, layers.size());
    assertEquals("relu", layers.get(0).get("activation").asText());
    for (int i = 0; i < 2; i++) {
      DenseLayer layer = network.layers().get(i);
      assertEquals(layer.nonzeroWeights(), layers.get(i).get("nonzeroWeights").asLong());
      assertEquals(layer.sparsity(), layers.get(i).get("sparsity").asDouble(), 1e-12);
    }
    assertEquals(16, layers.get(1).get("nonzeroWeights").asInt());
    assertTrue(doc.get("metadata").has("snn version"), doc.toString());
  }

  @Test
  void evalGivesLossAndAccuracy() throws IOException {
    Path csv = Files.writeString(dir.resolve("d.csv"), "1,2,0\n3,4,1\n-1,0.5,1\n");
    JsonNode doc = parse(CommandLineRun.of("eval", "--model", model.toString(), "--data",
        csv.toString(), "--top-k", "1", "--json"));
    assertEquals(3, doc.get("examples").asInt());
    assertEquals("softmax_cross_entropy", doc.get("loss").asText());
    double accuracy = doc.get("accuracy").asDouble();
    assertTrue(accuracy >= 0 && accuracy <= 1, doc.toString());
    assertEquals(accuracy, doc.get("topKAccuracy").asDouble(), 1e-12);
    assertTrue(doc.get("meanLoss").isNumber(), doc.toString());
  }

  @Test
  void inferWithPlanGivesThePlanPerLayer() throws IOException {
    Path x = dir.resolve("x.npy");
    NpyWriter.write(x, 3, 2, RandomWeights.vector(6, 5));
    Path y = dir.resolve("y.npy");
    JsonNode doc = parse(CommandLineRun.of("infer", "-m", model.toString(), "-i", x.toString(),
        "-o", y.toString(), "--plan", "--json"));
    assertEquals(y.toString(), doc.get("output").asText());
    assertEquals(3, doc.get("batch").asInt());
    JsonNode layers = doc.get("plan").get("layers");
    assertEquals(2, layers.size());
    for (JsonNode layer : layers) {
      String single = layer.get("single").asText();
      assertEquals(single, layer.get("singleCandidates").get(0).get("method").asText());
      assertTrue(layer.get("singleCandidates").get(0).get("predictedMicros").isNumber());
    }
    assertEquals(network.layers().get(0).nonzeroWeights(),
        layers.get(0).get("nonzeros").asLong());
    assertTrue(Files.exists(y));
    JsonNode noPlan = parse(CommandLineRun.of("infer", "-m", model.toString(), "-i",
        x.toString(), "-o", y.toString(), "--json"));
    assertTrue(!noPlan.has("plan"), noPlan.toString());
  }

  @Test
  void benchGivesOneRowPerShapeBatchAndSparsity() throws IOException {
    JsonNode doc = parse(CommandLineRun.of("bench", "--shapes", "8x16", "--sparsity", "0,0.5",
        "--batch", "1,2", "--millis", "6", "--json"));
    JsonNode rows = doc.get("rows");
    assertEquals(4, rows.size());
    assertEquals(16, rows.get(0).get("cols").asInt());
    assertEquals(0.5, rows.get(1).get("sparsity").asDouble(), 0);
    assertEquals(2, rows.get(3).get("batch").asInt());
    for (JsonNode row : rows) {
      JsonNode csr = row.get("methods").get("csr");
      assertTrue(csr.get("micros").asDouble() > 0, row.toString());
      assertEquals(row.get("baselineMicros").asDouble() / csr.get("micros").asDouble(),
          csr.get("speedup").asDouble(), 1e-9);
    }
  }
}
