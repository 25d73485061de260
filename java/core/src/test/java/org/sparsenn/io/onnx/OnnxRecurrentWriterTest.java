package org.sparsenn.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparsenn.engine.Session;
import org.sparsenn.engine.SessionOptions;
import org.sparsenn.io.RecurrentNetworks;
import org.sparsenn.io.RecurrentNetworks.Case;
import org.sparsenn.io.onnx.proto.OnnxProtos.ModelProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.NodeProto;
import org.sparsenn.kernel.JavaKernels;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.model.Network;
import org.sparsenn.model.ReferenceSequenceForward;

/**
 * Exports recurrent networks (every cell, direction, sequence output, stacked, pruned, with
 * initial states), reads them back bit for bit, and runs the exported files in ONNX Runtime
 * against our sessions and the double-precision oracle.
 */
class OnnxRecurrentWriterTest {
  private static final double TOLERANCE = 1e-4;

  @TempDir Path dir;

  static List<Case> cases() {
    return RecurrentNetworks.cases();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void readsBackTheSameNetwork(Case c) throws IOException {
    Path file = dir.resolve(c.name() + ".onnx");
    OnnxWriter.write(c.network(), file);
    Network back = OnnxReader.read(file);
    RecurrentNetworks.assertSameNetwork(c.network(), back);
    RecurrentNetworks.assertSameNetwork(c.network(),
        OnnxReader.read(OnnxWriter.toBytes(c.network()), dir));
    float[] input = RecurrentNetworks.input(c.network(), 2, 5, 7);
    for (Kernels kernels : List.of(Kernels.best(), JavaKernels.instance())) {
      try (Session original = Session.create(c.network(), SessionOptions.defaults(), kernels);
          Session read = Session.create(back, SessionOptions.defaults(), kernels)) {
        assertArrayEquals(original.runSequences(input, 2, 5), read.runSequences(input, 2, 5),
            c.name() + " on " + kernels.name());
      }
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void onnxRuntimeRunsTheExportAsOurSessionDoes(Case c) throws OrtException {
    Network net = c.network();
    OrtEnvironment ort = OrtEnvironment.getEnvironment();
    try (OrtSession ortSession = ort.createSession(OnnxWriter.toBytes(net),
            new OrtSession.SessionOptions());
        Session session = Session.create(net, SessionOptions.defaults(), Kernels.best())) {
      for (int[] shape : new int[][] {{1, 1}, {1, 28}, {3, 9}}) {
        int batch = shape[0];
        int steps = shape[1];
        float[] input = RecurrentNetworks.input(net, batch, steps, batch * 31L + steps);
        float[] ours = session.runSequences(input, batch, steps);
        float[] oracle = ReferenceSequenceForward.forward(net, input, batch, steps);
        float[] theirs;
        try (OnnxTensor x = OnnxTensor.createTensor(ort, FloatBuffer.wrap(input),
                new long[] {batch, steps, net.inputs()});
            OrtSession.Result result = ortSession.run(Map.of("input", x))) {
          OnnxTensor y = (OnnxTensor) result.get("output").orElseThrow();
          assertArrayEquals(new long[] {batch, net.outputs()}, y.getInfo().getShape());
          FloatBuffer out = y.getFloatBuffer();
          theirs = new float[out.remaining()];
          out.get(theirs);
        }
        String what = c.name() + " batch " + batch + " steps " + steps;
        assertClose(oracle, theirs, what + ": ONNX Runtime vs oracle");
        assertClose(theirs, ours, what + ": session vs ONNX Runtime");
      }
    }
  }

  @Test
  void writesTheGraphPyTorchExports() {
    Network net = RecurrentNetworks.cases().stream()
        .filter(c -> c.name().equals("stacked_lstm_gru_rnn_final_state")).findFirst()
        .orElseThrow().network();
    ModelProto model = OnnxWriter.toModel(net);
    List<String> ops = model.getGraph().getNodeList().stream().map(NodeProto::getOpType)
        .toList();
    assertEquals(List.of("Transpose", "Shape", "Concat", "Expand", "Expand", "LSTM",
        "Transpose", "Reshape", "GRU", "Transpose", "Reshape", "Expand", "RNN", "Gather",
        "Gemm", "Relu", "Gemm", "Softmax"), ops);
    NodeProto gru = model.getGraph().getNode(8);
    assertEquals(List.of("rnn1.Y"), gru.getOutputList());
    assertEquals(4, gru.getInputCount(), "no sequence_lens or zero initial state");
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(expected[i] - actual[i]) <= TOLERANCE)) {
        fail(what + ": element " + i + " expected " + expected[i] + " but was " + actual[i]);
      }
    }
  }
}
