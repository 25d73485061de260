package org.sparsenn.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sparsenn.io.onnx.OnnxWriter;
import org.sparsenn.model.Network;

/**
 * ONNX Runtime on the graph {@link OnnxWriter} exports from a network, as the benchmarks run
 * it beside sparsenn: {@code threads} intra-op threads, sequential execution, every graph
 * optimisation; the input batches as direct tensors made once, outputs written into one
 * preallocated tensor. Owns the exported file (deleted on close), the session and the tensors.
 */
final class OrtRunner implements AutoCloseable {
  private final Path onnxFile;
  private final OrtSession session;
  private final List<OnnxTensor> inputTensors = new ArrayList<>();
  private final List<Map<String, OnnxTensor>> inputs = new ArrayList<>();
  private final OnnxTensor output;
  private final Map<String, OnnxValue> outputs;

  /**
   * Exports {@code network} and opens a session on it.
   *
   * @param batches the input batches, each of the shape {@code inputShape}
   * @throws IOException if the model cannot be written
   * @throws OrtException if ONNX Runtime refuses the graph or a tensor
   */
  OrtRunner(Network network, int threads, List<float[]> batches, long[] inputShape,
      long[] outputShape) throws IOException, OrtException {
    onnxFile = Files.createTempFile("sparsenn-bench-", ".onnx");
    OnnxWriter.write(network, onnxFile);
    OrtEnvironment ort = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      session = ort.createSession(onnxFile.toString(), options);
    }
    String inputName = session.getInputNames().iterator().next();
    String outputName = session.getOutputNames().iterator().next();
    for (float[] batch : batches) {
      OnnxTensor tensor =
          OnnxTensor.createTensor(ort, direct(batch.length).put(batch).rewind(), inputShape);
      inputTensors.add(tensor);
      inputs.add(Map.of(inputName, tensor));
    }
    long outputValues = 1;
    for (long d : outputShape) {
      outputValues *= d;
    }
    output = OnnxTensor.createTensor(ort, direct(Math.toIntExact(outputValues)), outputShape);
    outputs = Map.of(outputName, output);
  }

  /** Runs input batch {@code k}; returns the output tensor it wrote. */
  OnnxTensor run(int k) throws OrtException {
    // Outputs are written into the preallocated tensor; the returned Result holds no new ones.
    session.run(inputs.get(k), outputs).close();
    return output;
  }

  @Override
  public void close() throws IOException, OrtException {
    session.close();
    inputTensors.forEach(OnnxTensor::close);
    output.close();
    Files.deleteIfExists(onnxFile);
  }

  private static FloatBuffer direct(int floats) {
    return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
  }
}
