package org.sparsenn.io.snn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.sparsenn.io.AtomicFiles;
import org.sparsenn.io.snn.SnnFormat.Kind;
import org.sparsenn.io.snn.SnnFormat.Type;
import org.sparsenn.model.Activation;
import org.sparsenn.kernel.BlockOperand;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.model.RecurrentLayer;

/**
 * Writes a {@link Network} as an {@code .snn} file, sparsenn's own format, read back by
 * {@link SnnFile}.
 *
 * <h2>Byte layout (format 1.2)</h2>
 * All integers little-endian and unsigned; every section starts at a 64-byte-aligned offset.
 * <pre>
 * offset       size  field
 * 0            8     magic 89 53 4E 4E 0D 0A 1A 0A ("\x89SNN\r\n\x1a\n": catches 7-bit and
 *                    line-ending damage)
 * 8            2     major version (1; 2 for a network with recurrent layers); a reader
 *                    rejects any major version it does not know
 * 10           2     minor version (2); a higher minor only adds, so it stays readable
 * 12           4     N, the number of sections
 * 16           4     M, the length of the metadata in bytes
 * 20           4     CRC32C of bytes [0, 20) and [24, 32 + 40 N + M): header, table, metadata
 * 24           8     file length in bytes
 * 32           40 N  table of contents, one 40-byte entry per section (below)
 * 32 + 40 N    M     metadata, UTF-8 JSON (below)
 * ...                zero padding to the first section's offset
 * sections           in table order, each at the 64-byte boundary after the previous one ends,
 *                    zero padding between; the file ends where the last section ends
 *
 * table entry  size  field
 * 0            2     kind: 1 weights (dense), 2 row pointers, 3 column indices, 4 values, 5 bias
 *                    (version 2.0 adds 16 initial state)
 * 2            2     element type: 1 f32, 2 i32, 3 u16, 4 bf16 (since 1.2: the upper 16 bits
 *                    of the f32, rounded to nearest even when written)
 * 4            4     reserved, 0
 * 8            8     offset of the section in the file (a multiple of 64)
 * 16           8     length in bytes (= element count x element size)
 * 24           8     element count
 * 32           4     CRC32C of the section's bytes
 * 36           4     reserved, 0
 * </pre>
 * The metadata object holds {@code creator} (tool and version), {@code softmaxOutput},
 * {@code weightSparsity} (fraction of weights exactly zero), {@code provenance} (strings: source
 * file, its SHA-256, its format, pruning method and sparsity, when known) and {@code layers}, in
 * order, each with {@code inputs}, {@code outputs}, {@code activation} (as
 * {@link org.sparsenn.model.Activation#parse} reads it, e.g. {@code leaky_relu:0.01}),
 * {@code storage} (the label of a {@link LayerStorage}) and {@code sections}, the table indices
 * of its arrays: the weight sections its storage lists (each {@link LayerStorage} constant
 * documents them: {@code weights} for dense; {@code rowPointers}, {@code columnIndices} and
 * {@code values} for CSR), then {@code bias} (f32 {@code [outputs]}). CSR arrays follow the
 * invariants of {@link org.sparsenn.sparse.CsrMatrix}. Since version 1.1, a network whose input
 * features were pruned also has {@code inputSelection}: {@code originalInputs} and
 * {@code features}, the kept original feature indices in increasing order (one per input of the
 * first layer). Since version 1.2, layers may be stored with bf16 weights ({@code dense_bf16},
 * {@code csr16_bf16}: lossy, written only when asked, {@link SnnWriteOptions.StorageChoice#BF16})
 * and in 16x1 blocks ({@code bsr16}: {@code rowPointers} then per panel of 16 rows,
 * {@code columnIndices} per block, {@code values} 16 per block; the automatic choice takes it
 * where it is smaller than dense and CSR, i.e. for weights pruned in such blocks).
 *
 * <h2>Recurrent layers (format 2.0)</h2>
 * A network with a recurrent front end is written as version 2.0 (feed-forward ones stay 1.x,
 * which older readers read): 1.x readers refuse major version 2 instead of reading the dense
 * layers alone. Version 2.0 adds to the metadata {@code sequenceOutput} ({@code last_step} or
 * {@code final_state}, see {@link org.sparsenn.model.SequenceOutput}) and
 * {@code recurrentLayers}, in order, each with {@code cell} ({@code lstm}, {@code gru},
 * {@code rnn}), {@code direction} ({@code forward}, {@code reverse}, {@code bidirectional}),
 * {@code inputs}, {@code hidden}, {@code activation} ({@code tanh}, or {@code relu} for a plain
 * RNN), {@code linearBeforeReset} (GRU), {@code inputWeights} and {@code recurrentWeights}
 * (each {@code {storage, sections}} as a dense layer's weights: a matrix of
 * {@code directions x gates x hidden} rows in ONNX gate order, {@code inputs} resp.
 * {@code hidden} columns, dense or CSR each on its own, so a pruned LSTM file is small), and
 * {@code sections}: {@code inputBias} and {@code recurrentBias} (kind bias, f32, one per row),
 * and, when not all zero, {@code initialHidden} and {@code initialCell} (kind 16, initial
 * state, f32 {@code [directions x hidden]}). The layout of every array is that of
 * {@link org.sparsenn.model.RecurrentLayer}. The dense {@code layers} follow the front end.
 *
 * <p>Weights are written bit for bit (negative zeros and NaN payloads included); CSR keeps every
 * weight whose bits are not {@code +0.0}, so a {@code -0.0} stays a stored entry. Files are
 * written to a temporary file in the target's directory and moved into place, so a failed write
 * leaves nothing behind.
 */
public final class SnnWriter {
  /** Provenance key: the source model's file name. */
  public static final String SOURCE_FILE = "sourceFile";
  /** Provenance key: the source model's SHA-256, lowercase hex. */
  public static final String SOURCE_SHA256 = "sourceSha256";
  /** Provenance key: the source model's format, e.g. {@code safetensors}. */
  public static final String SOURCE_FORMAT = "sourceFormat";
  /** Provenance key: how the weights were pruned, e.g. {@code magnitude}. */
  public static final String PRUNING_METHOD = "pruningMethod";
  /** Provenance key: the pruning's target sparsity. */
  public static final String SPARSITY = "sparsity";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHUNK_BYTES = 1 << 20;

  private SnnWriter() {}

  /** One section to write: its table entry fields and its data (exactly one array set). */
  private record Section(Kind kind, Type type, float[] floats, int[] ints, short[] shorts,
      long offset) {
    long count() {
      return floats != null ? floats.length : ints != null ? ints.length : shorts.length;
    }

    long bytes() {
      return count() * type.bytes;
    }

    long end() {
      return offset + bytes();
    }
  }

  /**
   * Writes {@code network} to {@code file}, replacing it if it exists.
   *
   * @return the storage chosen for each layer, in order
   * @throws UncheckedIOException if the file cannot be written (nothing is left behind)
   */
  public static List<LayerStorage> write(Network network, Path file, SnnWriteOptions options) {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(options, "options");
    List<LayerStorage> storages = new ArrayList<>();
    List<Object[]> arrays = new ArrayList<>();
    List<Kind> kinds = new ArrayList<>();
    List<Type> types = new ArrayList<>();
    ObjectNode meta = JSON.createObjectNode();
    String version = SnnWriter.class.getPackage().getImplementationVersion();
    meta.put("creator", "sparsenn " + (version == null ? "(development build)" : version));
    meta.put("softmaxOutput", network.softmaxOutput());
    long weights = 0;
    long zeros = 0;
    for (DenseLayer layer : network.layers()) {
      weights += (long) layer.inputs() * layer.outputs();
      zeros += (long) layer.inputs() * layer.outputs() - layer.nonzeroWeights();
    }
    for (RecurrentLayer layer : network.recurrentLayers()) {
      long count = layer.inputWeights().length + (long) layer.recurrentWeights().length;
      weights += count;
      zeros += count - layer.nonzeroWeights();
    }
    meta.put("weightSparsity", (double) zeros / weights);
    if (network.hasInputSelection()) {
      ObjectNode selection = meta.putObject("inputSelection");
      selection.put("originalInputs", network.originalInputs());
      ArrayNode features = selection.putArray("features");
      for (int feature : network.inputFeatures()) {
        features.add(feature);
      }
    }
    ObjectNode provenance = meta.putObject("provenance");
    new TreeMap<>(options.provenance()).forEach(provenance::put);
    ArrayNode layers = meta.putArray("layers");
    for (DenseLayer layer : network.layers()) {
      LayerStorage storage = choose(layer, options.storage());
      storages.add(storage);
      ObjectNode entry = layers.addObject();
      entry.put("inputs", layer.inputs());
      entry.put("outputs", layer.outputs());
      entry.put("activation", layer.activation().toString());
      entry.put("storage", storage.label());
      ObjectNode sections = entry.putObject("sections");
      Object[] data = storage.encode(layer);
      for (int k = 0; k < data.length; k++) {
        LayerStorage.Section section = storage.sections().get(k);
        sections.put(section.kind().key, kinds.size());
        add(kinds, types, arrays, section.kind(), section.type(), data[k]);
      }
      sections.put(Kind.BIAS.key, kinds.size());
      add(kinds, types, arrays, Kind.BIAS, Type.F32, layer.bias());
    }
    if (network.isRecurrent()) {
      meta.put("sequenceOutput", network.sequenceOutput().name().toLowerCase(Locale.ROOT));
      ArrayNode recurrent = meta.putArray("recurrentLayers");
      for (RecurrentLayer layer : network.recurrentLayers()) {
        addRecurrent(recurrent.addObject(), layer, options.storage(), kinds, types, arrays);
      }
    }
    byte[] metadata;
    try {
      metadata = JSON.writeValueAsBytes(meta);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode .snn metadata", e);
    }
    int n = kinds.size();
    long headerEnd = SnnFormat.HEADER_BYTES + (long) SnnFormat.TOC_ENTRY_BYTES * n
        + metadata.length;
    List<Section> sections = new ArrayList<>();
    long end = headerEnd;
    for (int i = 0; i < n; i++) {
      Object data = arrays.get(i)[0];
      Section s = new Section(kinds.get(i), types.get(i),
          data instanceof float[] f ? f : null, data instanceof int[] a ? a : null,
          data instanceof short[] h ? h : null, SnnFormat.align(end));
      sections.add(s);
      end = s.end();
    }
    boolean recurrent = network.isRecurrent();
    writeAtomically(file, sections, metadata, (int) headerEnd, end,
        recurrent ? SnnFormat.RECURRENT_MAJOR : SnnFormat.MAJOR,
        recurrent ? SnnFormat.RECURRENT_MINOR : SnnFormat.MINOR);
    return storages;
  }

  /**
   * One entry of {@code recurrentLayers}: the layer's attributes, its {@code W} and {@code R}
   * each as a matrix of {@code directions * gates * hidden} rows in a storage of its own, and
   * its biases and non-zero initial states.
   */
  private static void addRecurrent(ObjectNode entry, RecurrentLayer layer,
      SnnWriteOptions.StorageChoice choice, List<Kind> kinds, List<Type> types,
      List<Object[]> arrays) {
    int dirs = layer.direction().count();
    int rows = dirs * layer.gateRows();
    entry.put("cell", layer.cell().name().toLowerCase(Locale.ROOT));
    entry.put("direction", layer.direction().name().toLowerCase(Locale.ROOT));
    entry.put("inputs", layer.inputs());
    entry.put("hidden", layer.hidden());
    entry.put("activation", layer.activation().toString());
    entry.put("linearBeforeReset", layer.linearBeforeReset());
    addMatrix(entry.putObject("inputWeights"), layer.inputWeights(), rows, layer.inputs(),
        choice, kinds, types, arrays);
    addMatrix(entry.putObject("recurrentWeights"), layer.recurrentWeights(), rows,
        layer.hidden(), choice, kinds, types, arrays);
    ObjectNode sections = entry.putObject("sections");
    float[] inputBias = new float[rows];
    float[] recurrentBias = new float[rows];
    float[] initialHidden = new float[dirs * layer.hidden()];
    float[] initialCell = new float[dirs * layer.hidden()];
    for (int d = 0; d < dirs; d++) {
      System.arraycopy(layer.inputBias(d), 0, inputBias, d * layer.gateRows(), layer.gateRows());
      System.arraycopy(layer.recurrentBias(d), 0, recurrentBias, d * layer.gateRows(),
          layer.gateRows());
      System.arraycopy(layer.initialHidden(d), 0, initialHidden, d * layer.hidden(),
          layer.hidden());
      System.arraycopy(layer.initialCell(d), 0, initialCell, d * layer.hidden(),
          layer.hidden());
    }
    sections.put("inputBias", kinds.size());
    add(kinds, types, arrays, Kind.BIAS, Type.F32, inputBias);
    sections.put("recurrentBias", kinds.size());
    add(kinds, types, arrays, Kind.BIAS, Type.F32, recurrentBias);
    if (!allPositiveZero(initialHidden)) {
      sections.put("initialHidden", kinds.size());
      add(kinds, types, arrays, Kind.INITIAL_STATE, Type.F32, initialHidden);
    }
    if (!allPositiveZero(initialCell)) {
      sections.put("initialCell", kinds.size());
      add(kinds, types, arrays, Kind.INITIAL_STATE, Type.F32, initialCell);
    }
  }

  /** {@code {storage, sections}} of a {@code rows x cols} weight matrix, dense or CSR. */
  private static void addMatrix(ObjectNode entry, float[] weights, int rows, int cols,
      SnnWriteOptions.StorageChoice choice, List<Kind> kinds, List<Type> types,
      List<Object[]> arrays) {
    // As a bias-free layer, so that the dense layers' choice and codecs apply unchanged.
    DenseLayer matrix = new DenseLayer(cols, rows, weights, new float[rows],
        Activation.IDENTITY);
    LayerStorage storage = choose(matrix, choice);
    if (storage != LayerStorage.DENSE && !storage.isCsr()) {
      // bf16 and bsr16 are feed-forward storages: the smaller of dense and CSR instead
      storage = smallerOfDenseAndCsr(matrix);
    }
    entry.put("storage", storage.label());
    ObjectNode sections = entry.putObject("sections");
    Object[] data = storage.encode(matrix);
    for (int k = 0; k < data.length; k++) {
      LayerStorage.Section section = storage.sections().get(k);
      sections.put(section.kind().key, kinds.size());
      add(kinds, types, arrays, section.kind(), section.type(), data[k]);
    }
  }

  private static boolean allPositiveZero(float[] values) {
    for (float v : values) {
      if (Float.floatToRawIntBits(v) != 0) {
        return false;
      }
    }
    return true;
  }

  private static void add(List<Kind> kinds, List<Type> types, List<Object[]> arrays, Kind kind,
      Type type, Object data) {
    kinds.add(kind);
    types.add(type);
    arrays.add(new Object[] {data});
  }

  /** Dense or the narrowest CSR, whichever stores {@code layer} in fewer bytes. */
  private static LayerStorage smallerOfDenseAndCsr(DenseLayer layer) {
    LayerStorage csr = narrowestCsr(layer.inputs());
    long stored = LayerStorage.storedEntries(layer.weightView());
    long csrBytes = csr.storageBytes(layer.outputs(), layer.inputs(), stored);
    long denseBytes = LayerStorage.DENSE.storageBytes(layer.outputs(), layer.inputs(), stored);
    return csrBytes < denseBytes ? csr : LayerStorage.DENSE;
  }

  /** The storage for one layer under {@code choice}. */
  static LayerStorage choose(DenseLayer layer, SnnWriteOptions.StorageChoice choice) {
    LayerStorage csr = narrowestCsr(layer.inputs());
    switch (choice) {
      case DENSE:
        return LayerStorage.DENSE;
      case CSR:
        return csr;
      case CSR32:
        return LayerStorage.CSR;
      case BF16:
        LayerStorage narrow = LayerStorage.DENSE_BF16;
        if (LayerStorage.CSR16_BF16.fits(layer.inputs())) {
          long entries = LayerStorage.storedEntries(layer.weightView());
          if (LayerStorage.CSR16_BF16.storageBytes(layer.outputs(), layer.inputs(), entries)
              < narrow.storageBytes(layer.outputs(), layer.inputs(), entries)) {
            narrow = LayerStorage.CSR16_BF16;
          }
        }
        return narrow;
      default:
        long stored = LayerStorage.storedEntries(layer.weightView());
        LayerStorage smaller = smallerOfDenseAndCsr(layer);
        long smallerBytes = smaller.storageBytes(layer.outputs(), layer.inputs(), stored);
        // weights pruned in 16x1 blocks: the blocks as the bsr16 kernels run them, if smaller
        // (an all-zero layer stays CSR, which every reader since 1.0 reads)
        if (LayerStorage.BSR16.fits(layer.inputs()) && stored > 0) {
          long blockBytes = LayerStorage.BSR16.storageBytes(layer.outputs(), layer.inputs(),
              LayerStorage.blockCount(layer.weightView(), layer.outputs(), layer.inputs())
                  * BlockOperand.PANEL_ROWS);
          if (blockBytes < smallerBytes) {
            return LayerStorage.BSR16;
          }
        }
        return smaller;
    }
  }

  /** The CSR storage with the narrowest indices that address {@code inputs} columns. */
  private static LayerStorage narrowestCsr(int inputs) {
    LayerStorage best = null;
    for (LayerStorage storage : LayerStorage.values()) {
      if (storage.isCsr() && !storage.isBf16() && storage.fits(inputs) && (best == null
          || storage.indexWidth().bytes() < best.indexWidth().bytes())) {
        best = storage;
      }
    }
    return best;
  }

  private static void writeAtomically(Path file, List<Section> sections, byte[] metadata,
      int headerEnd, long fileLength, int major, int minor) {
    AtomicFiles.write(file, channel -> {
      int[] crcs = writeSections(channel, sections);
      writeFully(channel, header(sections, crcs, metadata, headerEnd, fileLength, major, minor),
          0);
    });
  }

  /** Writes the sections and the padding before each; returns their CRC32Cs. */
  private static int[] writeSections(FileChannel channel, List<Section> sections)
      throws IOException {
    ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    int[] crcs = new int[sections.size()];
    long position = sections.isEmpty() ? 0 : sections.get(0).offset();
    for (int i = 0; i < sections.size(); i++) {
      Section s = sections.get(i);
      if (s.offset() > position) {
        writeFully(channel, ByteBuffer.allocate((int) (s.offset() - position)), position);
      }
      position = s.offset();
      CRC32C crc = new CRC32C();
      int perChunk = CHUNK_BYTES / s.type().bytes;
      for (long done = 0; done < s.count(); ) {
        int n = (int) Math.min(perChunk, s.count() - done);
        chunk.clear();
        for (int j = 0; j < n; j++) {
          int at = (int) done + j;
          if (s.floats() != null) {
            chunk.putInt(Float.floatToRawIntBits(s.floats()[at]));
          } else if (s.ints() != null) {
            chunk.putInt(s.ints()[at]);
          } else {
            chunk.putShort(s.shorts()[at]);
          }
        }
        chunk.flip();
        crc.update(chunk.duplicate());
        writeFully(channel, chunk, position);
        position += (long) n * s.type().bytes;
        done += n;
      }
      crcs[i] = (int) crc.getValue();
    }
    return crcs;
  }

  /** Header, table of contents, metadata and the padding up to the first section. */
  private static ByteBuffer header(List<Section> sections, int[] crcs, byte[] metadata,
      int headerEnd, long fileLength, int major, int minor) {
    int padded = (int) SnnFormat.align(headerEnd);
    ByteBuffer h = ByteBuffer.allocate(padded).order(ByteOrder.LITTLE_ENDIAN);
    h.put(SnnFormat.MAGIC);
    h.putShort((short) major).putShort((short) minor);
    h.putInt(sections.size()).putInt(metadata.length).putInt(0).putLong(fileLength);
    for (int i = 0; i < sections.size(); i++) {
      Section s = sections.get(i);
      h.putShort((short) s.kind().code).putShort((short) s.type().code).putInt(0);
      h.putLong(s.offset()).putLong(s.bytes()).putLong(s.count());
      h.putInt(crcs[i]).putInt(0);
    }
    h.put(metadata);
    h.putInt(SnnFormat.HEADER_CRC_OFFSET,
        SnnFormat.headerCrc(h.duplicate().position(0).limit(headerEnd)));
    return h.clear();
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      at += channel.write(buffer, at);
    }
  }

  /** The usual provenance entries for a model read from {@code source}. */
  public static Map<String, String> provenanceOf(Path source, String format, String sha256) {
    Map<String, String> p = new TreeMap<>();
    p.put(SOURCE_FILE, String.valueOf(source.getFileName()));
    p.put(SOURCE_FORMAT, format);
    p.put(SOURCE_SHA256, sha256);
    return p;
  }
}
