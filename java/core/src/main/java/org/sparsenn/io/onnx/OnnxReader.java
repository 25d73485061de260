package org.sparsenn.io.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.sparsenn.io.ModelFormatException;
import org.sparsenn.io.onnx.proto.OnnxProtos.ModelProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.OperatorSetIdProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.StringStringEntryProto;
import org.sparsenn.model.Network;

/**
 * Reads feed-forward networks from ONNX files.
 *
 * <p>Supported graphs are chains from one float32 input of shape {@code [batch, features]}
 * (or {@code [batch, d1, d2, ...]} followed by {@code Flatten} or {@code Reshape}) to one
 * output, built from: {@code Gemm} (transA = 0, transB 0 or 1, alpha, beta, bias {@code [N]}
 * or {@code [1, N]}); {@code MatMul} with a constant {@code [in, out]} right-hand side,
 * optionally followed by {@code Add} of a constant bias on either side; the activations
 * {@code Relu}, {@code LeakyRelu}, {@code Sigmoid}, {@code Tanh}, {@code Gelu} (opset 20,
 * {@code approximate="none"}) and the erf-based GELU subgraph PyTorch exports; {@code Softmax}
 * over the last axis as the final step; {@code Flatten} (axis 1), {@code Reshape} to
 * {@code [batch, -1]}, {@code Identity} and {@code Dropout} (identity at inference).
 * {@code BatchNormalization} in inference form and {@code Add}, {@code Sub}, {@code Mul},
 * {@code Div} by constants that broadcast per feature (on the input or between layers) are
 * folded into the weights of the layer before them, when only its bias came between, or else
 * into the inputs of the next layer.
 * Constants come from initializers ({@code raw_data}, typed fields or external data files
 * beside the model), {@code Constant} nodes, and {@code Cast} to float of either; float16 and
 * float64 weights are converted to float32 and the conversion is recorded in
 * {@link OnnxModel#conversions()}.
 *
 * <p>Recurrent models as {@code torch.onnx.export} writes a {@code batch_first} {@code nn.LSTM},
 * {@code nn.GRU} or {@code nn.RNN} (one or more layers, one-way or bidirectional) followed by
 * the graphs above on the last step ({@code y[:, -1, :]}) or on {@code h_n[-1]}: the input is
 * {@code [batch, steps, features]} and the network {@link Network#isRecurrent() is recurrent}.
 * The {@code LSTM}, {@code GRU} and {@code RNN} operators are read with their default
 * activations (or {@code Relu} for RNN), both GRU reset forms, initial states absent, zeros or
 * constants the same for every sequence, and the glue PyTorch writes around them (see
 * {@code OnnxRecurrentReader}); peepholes, {@code clip}, other activations, {@code input_forget},
 * {@code layout = 1} and {@code sequence_lens} are refused by name.
 *
 * <p>Anything else is a {@link ModelFormatException} naming the node (index, name and op
 * type) and what is wrong; a model is either read completely and exactly or not at all.
 * Sizes are checked against the file before arrays are allocated. A model file may be at most
 * 2 GiB (protobuf's limit); larger weights belong in external data files.
 */
public final class OnnxReader {
  /** Protobuf messages and byte arrays cannot exceed 2 GiB. */
  static final int MAX_MODEL_BYTES = Integer.MAX_VALUE - 8;

  private OnnxReader() {}

  /**
   * Reads the network of an ONNX file.
   *
   * @throws ModelFormatException if the file is not a valid ONNX model or uses something
   *     sparsenn does not support
   * @throws UncheckedIOException if the file or its external data cannot be read
   */
  public static Network read(Path file) {
    return load(file).network();
  }

  /**
   * Reads the network of an ONNX model held in memory.
   *
   * @param baseDirForExternalData the directory that external data locations are relative
   *     to, or null if the model has none
   * @throws ModelFormatException if the bytes are not a valid ONNX model or use something
   *     sparsenn does not support
   * @throws UncheckedIOException if external data cannot be read
   */
  public static Network read(byte[] model, Path baseDirForExternalData) {
    return load(model, baseDirForExternalData).network();
  }

  /**
   * Reads the network of an ONNX model from a stream, which is read to its end but not
   * closed.
   *
   * @param baseDirForExternalData the directory that external data locations are relative
   *     to, or null if the model has none
   * @throws ModelFormatException if the stream does not hold a valid ONNX model, holds more
   *     than 2 GiB, or the model uses something sparsenn does not support
   * @throws UncheckedIOException if the stream or external data cannot be read
   */
  public static Network read(InputStream in, Path baseDirForExternalData) {
    return load(in, baseDirForExternalData).network();
  }

  /**
   * Reads an ONNX file: the network and what is known of its provenance.
   *
   * @throws ModelFormatException if the file is not a valid ONNX model or uses something
   *     sparsenn does not support
   * @throws UncheckedIOException if the file or its external data cannot be read
   */
  public static OnnxModel load(Path file) {
    return load(file, Long.MAX_VALUE);
  }

  /**
   * Reads an ONNX file, decoding at most {@code maxTensorBytes} bytes of tensor data (as
   * stored, inline and external together); each tensor is charged before it is allocated.
   *
   * @throws ModelFormatException if the file is not a valid ONNX model, uses something
   *     sparsenn does not support, or holds more tensor data than allowed
   * @throws IllegalArgumentException if {@code maxTensorBytes} is not positive
   * @throws UncheckedIOException if the file or its external data cannot be read
   */
  public static OnnxModel load(Path file, long maxTensorBytes) {
    Objects.requireNonNull(file, "file");
    if (maxTensorBytes < 1) {
      throw new IllegalArgumentException("maxTensorBytes must be positive, got "
          + maxTensorBytes);
    }
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > MAX_MODEL_BYTES) {
        throw new ModelFormatException(file + " has " + size + " bytes; an ONNX file can hold"
            + " at most 2 GiB (larger models keep their weights in external data files)");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    Path dir = file.toAbsolutePath().getParent();
    try {
      return load(bytes, dir, maxTensorBytes);
    } catch (ModelFormatException e) {
      throw new ModelFormatException(file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads an ONNX model held in memory: the network and what is known of its provenance.
   *
   * @param baseDirForExternalData the directory that external data locations are relative
   *     to, or null if the model has none
   * @throws ModelFormatException if the bytes are not a valid ONNX model or use something
   *     sparsenn does not support
   * @throws UncheckedIOException if external data cannot be read
   */
  public static OnnxModel load(byte[] model, Path baseDirForExternalData) {
    return load(model, baseDirForExternalData, Long.MAX_VALUE);
  }

  /**
   * Reads an ONNX model held in memory, decoding at most {@code maxTensorBytes} bytes of tensor
   * data.
   *
   * @param baseDirForExternalData the directory that external data locations are relative
   *     to, or null if the model has none
   * @throws ModelFormatException if the bytes are not a valid ONNX model, use something
   *     sparsenn does not support, or hold more tensor data than allowed
   * @throws IllegalArgumentException if {@code maxTensorBytes} is not positive
   * @throws UncheckedIOException if external data cannot be read
   */
  public static OnnxModel load(byte[] model, Path baseDirForExternalData, long maxTensorBytes) {
    Objects.requireNonNull(model, "model");
    if (maxTensorBytes < 1) {
      throw new IllegalArgumentException("maxTensorBytes must be positive, got "
          + maxTensorBytes);
    }
    ModelProto proto = parse(model);
    if (!proto.hasGraph()) {
      throw new ModelFormatException("the model has no graph");
    }
    long opset = opsetVersion(proto);
    String producer = (proto.getProducerName() + " " + proto.getProducerVersion()).trim();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (StringStringEntryProto entry : proto.getMetadataPropsList()) {
      metadata.put(entry.getKey(), entry.getValue());
    }
    return new OnnxGraphReader(proto.getGraph(), opset, baseDirForExternalData, maxTensorBytes)
        .read(producer, metadata);
  }

  /**
   * Reads an ONNX model from a stream (read to its end, not closed): the network and what is
   * known of its provenance.
   *
   * @param baseDirForExternalData the directory that external data locations are relative
   *     to, or null if the model has none
   * @throws ModelFormatException if the stream does not hold a valid ONNX model, holds more
   *     than 2 GiB, or the model uses something sparsenn does not support
   * @throws UncheckedIOException if the stream or external data cannot be read
   */
  public static OnnxModel load(InputStream in, Path baseDirForExternalData) {
    Objects.requireNonNull(in, "in");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[1 << 16];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        if (out.size() > MAX_MODEL_BYTES - n) {
          throw new ModelFormatException("the stream holds more than 2 GiB; an ONNX model can"
              + " hold at most 2 GiB (larger models keep their weights in external data files)");
        }
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model stream", e);
    }
    return load(out.toByteArray(), baseDirForExternalData);
  }

  private static ModelProto parse(byte[] bytes) {
    CodedInputStream input = CodedInputStream.newInstance(bytes);
    input.setSizeLimit(MAX_MODEL_BYTES);
    input.enableAliasing(true);
    try {
      ModelProto model = ModelProto.parseFrom(input);
      input.checkLastTagWas(0);
      return model;
    } catch (InvalidProtocolBufferException e) {
      throw new ModelFormatException("cannot parse the ONNX protobuf (truncated or not an ONNX"
          + " file?): " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ModelFormatException("cannot parse the ONNX protobuf: " + e.getMessage(), e);
    }
  }

  private static long opsetVersion(ModelProto model) {
    long version = -1;
    for (OperatorSetIdProto opset : model.getOpsetImportList()) {
      if (opset.getDomain().isEmpty() || opset.getDomain().equals("ai.onnx")) {
        version = Math.max(version, opset.getVersion());
      }
    }
    if (version < 1) {
      throw new ModelFormatException("the model imports no ai.onnx operator set (opset_import"
          + " is missing or has no version for the default domain)");
    }
    return version;
  }
}
