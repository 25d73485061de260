package org.sparsenn.io.snn;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.sparsenn.io.Limits;
import org.sparsenn.io.ModelFormatException;
import org.sparsenn.io.ReadOptions;
import org.sparsenn.io.RegularFiles;
import org.sparsenn.io.snn.SnnFormat.Kind;
import org.sparsenn.io.snn.SnnFormat.Type;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.IndexWidth;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.model.RecurrentLayer;
import org.sparsenn.model.RecurrentLayer.Cell;
import org.sparsenn.model.RecurrentLayer.Direction;
import org.sparsenn.model.SequenceOutput;
import org.sparsenn.sparse.CsrMatrix;

/**
 * An {@code .snn} file read into memory (the layout is documented on {@link SnnWriter}): the
 * {@link Network}, each layer's storage, and for CSR layers the CSR arrays exactly as stored, so
 * that an engine can use them without re-encoding the dense weights.
 *
 * <p>Reading copies each section out of the file in windows (positioned reads, no mapping), so
 * nothing read later depends on the file: once {@code read} returns, the file may be replaced,
 * rewritten or truncated without effect. It checks the header, table of contents and metadata
 * against the file size before anything is allocated, verifies the header CRC32C always and
 * every section's CRC32C unless told not to, checks that padding is zero, that shapes chain and
 * that CSR arrays keep the {@link CsrMatrix} invariants. Any violation is a
 * {@link ModelFormatException} naming the section, layer, row or index. {@link MappedSnnFile}
 * reads the same way and also builds each CSR layer's matrix for kernels, in owned memory or,
 * when asked ({@link ReadOptions#memoryMapped()}), with its values mapped from the file.
 */
public final class SnnFile {
  /** Bytes of a section mapped and processed at a time; a multiple of every element size. */
  private static final int WINDOW_BYTES = 1 << 30;
  /** Bytes of a section read and processed at a time when copying; a multiple likewise. */
  private static final int READ_WINDOW_BYTES = 1 << 24;
  private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxNestingDepth(16).maxNumberLength(40).build())
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  /**
   * The CSR arrays of one layer's weights as stored (row = output, column = input).
   *
   * @param rows the layer's outputs
   * @param cols the layer's inputs
   * @param rowPointers {@code rows + 1} offsets into the other two arrays
   * @param columnIndices one column per stored weight (stored as uint16 when {@code indexWidth}
   *     is {@link IndexWidth#UINT16}, widened here)
   * @param values one weight per stored entry
   * @param indexWidth the index width in the file
   */
  public record CsrArrays(int rows, int cols, int[] rowPointers, int[] columnIndices,
      float[] values, IndexWidth indexWidth) {
    /** Number of stored weights. */
    public int nnz() {
      return values.length;
    }

    /** An off-heap {@link CsrMatrix} of these arrays, owned by the caller. */
    public CsrMatrix toMatrix() {
      return CsrMatrix.of(rows, cols, rowPointers, columnIndices, values, indexWidth);
    }
  }

  private final String version;
  private final String creator;
  private final Network network;
  private final List<LayerStorage> storages;
  private final List<CsrArrays> csr;
  private final Map<String, String> provenance;
  /** For {@link MappedSnnFile}: per layer, the CSR matrix for kernels, or null. */
  private final List<CsrMatrix> mappedCsr;
  private final List<RecurrentStorage> recurrentStorages;

  /**
   * How a recurrent layer's weight matrices are stored, each on its own.
   *
   * @param inputWeights the storage of {@code W}
   * @param recurrentWeights the storage of {@code R}
   */
  public record RecurrentStorage(LayerStorage inputWeights, LayerStorage recurrentWeights) {}

  private SnnFile(String version, String creator, Network network, List<LayerStorage> storages,
      List<CsrArrays> csr, Map<String, String> provenance, List<CsrMatrix> mappedCsr,
      List<RecurrentStorage> recurrentStorages) {
    this.recurrentStorages = List.copyOf(recurrentStorages);
    this.version = version;
    this.creator = creator;
    this.network = network;
    this.storages = List.copyOf(storages);
    this.csr = Collections.unmodifiableList(new ArrayList<>(csr));
    this.provenance = Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
    this.mappedCsr = Collections.unmodifiableList(new ArrayList<>(mappedCsr));
  }

  /**
   * Reads a file with the default options, verifying every checksum.
   *
   * @throws ModelFormatException naming the file and the damaged part if it is not a valid
   *     {@code .snn} file this version reads
   * @throws UncheckedIOException if the file cannot be read
   */
  public static SnnFile read(Path file) {
    return read(file, ReadOptions.defaults(), true);
  }

  /**
   * Reads a file.
   *
   * @param options only {@link ReadOptions#maxTensorBytes()} applies (the file carries its
   *     activations): a cap on the section bytes plus the dense weights built from CSR
   * @param verifyChecksums whether to verify each section's CRC32C and zero padding; the
   *     header's CRC32C is verified always. Skipping is faster for large trusted files; every
   *     structural check is still made
   * @throws ModelFormatException naming the file and the damaged part if it is not a valid
   *     {@code .snn} file this version reads
   * @throws UncheckedIOException if the file cannot be read or changes while being read
   */
  public static SnnFile read(Path file, ReadOptions options, boolean verifyChecksums) {
    return read(file, options, verifyChecksums, Integer.MAX_VALUE, WINDOW_BYTES);
  }

  /**
   * Reads a file in windows of {@code windowBytes} (a multiple of 4); when mapping, it maps the
   * file whole only up to {@code wholeMapLimit} bytes and otherwise each section in windows:
   * lets tests take the path of files over 2 GiB with small files.
   */
  static SnnFile read(Path file, ReadOptions options, boolean verifyChecksums,
      long wholeMapLimit, int windowBytes) {
    return read(file, options, verifyChecksums, wholeMapLimit, windowBytes, false);
  }

  /**
   * Reads a file; with {@code mapCsr}, also builds each CSR layer's {@link CsrMatrix} (see
   * {@link #mappedCsr()}): a copy in owned memory, or with {@link ReadOptions#memoryMapped()}
   * its values over the mapped file (its indices are still copied: kernels index memory with
   * them, so they must stay the bytes that were validated).
   */
  static SnnFile read(Path file, ReadOptions options, boolean verifyChecksums,
      long wholeMapLimit, int windowBytes, boolean mapCsr) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(options, "options");
    // Before opening: opening a FIFO blocks until a writer comes, and a device has no size.
    RegularFiles.require(file);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return new Parser(file.toString(), channel, options, verifyChecksums, wholeMapLimit,
          windowBytes, mapCsr).parse();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (InternalError e) {
      // A mapped page that vanished (the file was truncated by someone else while mapped).
      throw new UncheckedIOException("cannot read " + file + ": the file changed while it was"
          + " being read", new IOException(e));
    }
  }

  /** The format version of the file, e.g. {@code 1.0}. */
  public String version() {
    return version;
  }

  /** The tool that wrote the file, e.g. {@code sparsenn 0.1.0}; empty if not recorded. */
  public String creator() {
    return creator;
  }

  /** The network, with CSR layers expanded to dense weights. */
  public Network network() {
    return network;
  }

  /** Number of layers. */
  public int layerCount() {
    return storages.size();
  }

  /** How each layer's weights are stored, in layer order. */
  public List<LayerStorage> storages() {
    return storages;
  }

  /**
   * How one layer's weights are stored.
   *
   * @throws IndexOutOfBoundsException if there is no such layer
   */
  public LayerStorage storage(int layer) {
    return storages.get(layer);
  }

  /**
   * Number of weights a layer stores: its nonzeros for CSR, all its weights for dense.
   *
   * @throws IndexOutOfBoundsException if there is no such layer
   */
  public long storedWeights(int layer) {
    CsrArrays a = csr.get(layer);
    DenseLayer d = network.layers().get(layer);
    return a != null ? a.nnz() : (long) d.inputs() * d.outputs();
  }

  /**
   * A copy of the CSR arrays of a layer stored as CSR, as they are in the file.
   *
   * @throws IndexOutOfBoundsException if there is no such layer
   * @throws IllegalStateException if the layer is stored dense
   */
  public CsrArrays csr(int layer) {
    CsrArrays a = csr.get(layer);
    if (a == null) {
      throw new IllegalStateException("layer " + layer + " is stored dense, not as CSR");
    }
    return new CsrArrays(a.rows(), a.cols(), a.rowPointers().clone(),
        a.columnIndices().clone(), a.values().clone(), a.indexWidth());
  }

  /**
   * How each recurrent layer's {@code W} and {@code R} are stored, in order; empty for a
   * feed-forward network.
   */
  public List<RecurrentStorage> recurrentStorages() {
    return recurrentStorages;
  }

  /** The provenance strings stored by the writer (source file, digest, format, pruning). */
  public Map<String, String> provenance() {
    return provenance;
  }

  /** Per layer, the matrix of its CSR sections (null for dense layers); read with mapCsr. */
  List<CsrMatrix> mappedCsr() {
    return mappedCsr;
  }

  /** One table-of-contents entry; {@code kind} or {@code type} null when unknown. */
  private record Entry(int index, Kind kind, Type type, long offset, long bytes, long count,
      int crc) {}

  /** A recurrent weight matrix's storage, and its sections as a bias-free layer's. */
  private record MatrixSpec(LayerStorage storage, LayerSpec layer) {}

  /** One recurrent layer's metadata, checked against the table. */
  private record RecurrentSpec(Cell cell, Direction directions, int inputs, int hidden,
      Activation activation, boolean linearBeforeReset, MatrixSpec inputWeights,
      MatrixSpec recurrentWeights, Entry inputBias, Entry recurrentBias, Entry initialHidden,
      Entry initialCell) {}

  /** One layer's metadata, checked against the table. */
  private record LayerSpec(int inputs, int outputs, Activation activation, LayerStorage storage,
      Map<Kind, Entry> sections) {}

  /** The reading of one file, step by step; every check happens before what it protects. */
  private static final class Parser {
    private final String where;
    private final FileChannel channel;
    private final ReadOptions options;
    private final boolean verify;
    private final long wholeMapLimit;
    private final int windowBytes;
    private final boolean mapCsr;
    /** Whether sections are mapped (and CSR values kept mapped) rather than read. */
    private final boolean mapping;
    private long size;
    private MappedByteBuffer whole;
    private int major;
    private int minor;
    private long headerEnd;

    Parser(String where, FileChannel channel, ReadOptions options, boolean verify,
        long wholeMapLimit, int windowBytes, boolean mapCsr) {
      this.mapCsr = mapCsr;
      this.mapping = mapCsr && options.memoryMapped();
      this.wholeMapLimit = Math.min(wholeMapLimit, Integer.MAX_VALUE);
      this.windowBytes = mapping ? windowBytes : Math.min(windowBytes, READ_WINDOW_BYTES);
      this.where = where;
      this.channel = channel;
      this.options = options;
      this.verify = verify;
    }

    SnnFile parse() throws IOException {
      size = channel.size();
      ByteBuffer fixed = read(0, (int) Math.min(size, SnnFormat.HEADER_BYTES));
      if (size == 0) {
        throw fail("empty file, not an .snn model");
      }
      checkMagic(fixed);
      if (size < SnnFormat.HEADER_BYTES) {
        throw fail("truncated: " + size + " bytes, shorter than the "
            + SnnFormat.HEADER_BYTES + "-byte header");
      }
      major = Short.toUnsignedInt(fixed.getShort(8));
      minor = Short.toUnsignedInt(fixed.getShort(10));
      if (major != SnnFormat.MAJOR && major != SnnFormat.RECURRENT_MAJOR) {
        throw fail("format version " + major + "." + minor + " is not supported; this sparsenn"
            + " reads version " + SnnFormat.MAJOR + ".x (up to " + SnnFormat.MAJOR + "."
            + SnnFormat.MINOR + ") and " + SnnFormat.RECURRENT_MAJOR + ".x (up to "
            + SnnFormat.RECURRENT_MAJOR + "." + SnnFormat.RECURRENT_MINOR + ")");
      }
      long sectionCount = Integer.toUnsignedLong(fixed.getInt(12));
      long metadataBytes = Integer.toUnsignedLong(fixed.getInt(16));
      int headerCrc = fixed.getInt(SnnFormat.HEADER_CRC_OFFSET);
      long declared = fixed.getLong(24);
      if (declared != size) {
        throw fail(Long.compareUnsigned(declared, size) > 0
            ? "truncated: the header says " + Long.toUnsignedString(declared)
                + " bytes, the file has " + size
            : (size - declared) + " bytes after the declared end of the file at " + declared);
      }
      if (metadataBytes > SnnFormat.MAX_METADATA_BYTES) {
        throw fail("metadata length " + metadataBytes + " is over the "
            + SnnFormat.MAX_METADATA_BYTES + "-byte limit");
      }
      if (sectionCount > (size - SnnFormat.HEADER_BYTES) / SnnFormat.TOC_ENTRY_BYTES) {
        throw fail(sectionCount + " sections: their table alone would run past the end of the "
            + size + "-byte file");
      }
      if (sectionCount > SnnFormat.MAX_SECTIONS) {
        throw fail(sectionCount + " sections, more than the " + SnnFormat.MAX_SECTIONS
            + " allowed");
      }
      headerEnd = SnnFormat.HEADER_BYTES + SnnFormat.TOC_ENTRY_BYTES * sectionCount
          + metadataBytes;
      if (headerEnd > size) {
        throw fail("truncated: table and metadata end at " + headerEnd + ", the file has "
            + size + " bytes");
      }
      ByteBuffer header = read(0, (int) headerEnd);
      if (SnnFormat.headerCrc(header) != headerCrc) {
        throw fail("header checksum mismatch: the header, table of contents or metadata"
            + " (bytes 0 to " + headerEnd + ") is damaged");
      }
      if (mapping && size <= wholeMapLimit) {
        whole = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
      }
      List<Entry> toc = table(header, (int) sectionCount, headerEnd);
      JsonNode meta = metadata(header.duplicate().position((int) (headerEnd - metadataBytes)));
      return build(toc, meta);
    }

    private void checkMagic(ByteBuffer fixed) {
      int n = Math.min(fixed.limit(), SnnFormat.MAGIC.length);
      boolean same = n > 0;
      for (int i = 0; i < n; i++) {
        same &= fixed.get(i) == SnnFormat.MAGIC[i];
      }
      if (same) {
        return;
      }
      boolean prefix = n >= 4;
      for (int i = 0; i < 4 && prefix; i++) {
        prefix = fixed.get(i) == SnnFormat.MAGIC[i];
      }
      throw fail(prefix ? "damaged magic bytes after \\x89SNN (line endings converted by a"
          + " text-mode transfer?)" : "not an .snn file (no \\x89SNN magic at the start)");
    }

    private List<Entry> table(ByteBuffer header, int count, long headerEnd) {
      List<Entry> toc = new ArrayList<>(count);
      long previousEnd = headerEnd;
      for (int i = 0; i < count; i++) {
        int at = SnnFormat.HEADER_BYTES + i * SnnFormat.TOC_ENTRY_BYTES;
        int kindCode = Short.toUnsignedInt(header.getShort(at));
        int typeCode = Short.toUnsignedInt(header.getShort(at + 2));
        long offset = header.getLong(at + 8);
        long bytes = header.getLong(at + 16);
        long elements = header.getLong(at + 24);
        int crc = header.getInt(at + 32);
        String s = "section " + i;
        Kind kind = Kind.of(kindCode);
        Type type = Type.of(typeCode);
        if ((kind == null || type == null) && !newerMinor()) {
          throw fail(s + ": unknown " + (kind == null ? "kind " + kindCode
              : "element type " + typeCode));
        }
        if (offset < 0 || bytes < 0 || elements < 0) {
          throw fail(s + ": offset " + Long.toUnsignedString(offset) + ", length "
              + Long.toUnsignedString(bytes) + " or element count "
              + Long.toUnsignedString(elements) + " is out of range");
        }
        if (offset % SnnFormat.ALIGNMENT != 0) {
          throw fail(s + ": offset " + offset + " is not " + SnnFormat.ALIGNMENT
              + "-byte aligned");
        }
        if (offset < previousEnd) {
          throw fail(s + " at offset " + offset + " overlaps "
              + (i == 0 ? "the header, which ends" : "section " + (i - 1) + ", which ends")
              + " at " + previousEnd);
        }
        if (offset != SnnFormat.align(previousEnd)) {
          throw fail(s + " starts at " + offset + ", not at the first 64-byte boundary ("
              + SnnFormat.align(previousEnd) + ") after what precedes it");
        }
        if (offset > size || bytes > size - offset) {
          throw fail(s + " [" + offset + ", +" + bytes + ") runs past the end of the " + size
              + "-byte file");
        }
        if (type != null) {
          if (elements > SnnFormat.MAX_ARRAY_ELEMENTS) {
            throw fail(s + ": " + elements + " elements, more than one array can hold");
          }
          if (elements * type.bytes != bytes) {
            throw fail(s + ": " + elements + " " + type.label + " elements need "
                + elements * type.bytes + " bytes, the table says " + bytes);
          }
        }
        toc.add(new Entry(i, kind, type, offset, bytes, elements, crc));
        previousEnd = offset + bytes;
      }
      if (previousEnd != size) {
        throw fail((size - previousEnd) + " bytes after the end of the last section at "
            + previousEnd);
      }
      return toc;
    }

    private JsonNode metadata(ByteBuffer bytes) {
      String text;
      try {
        text = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(bytes).toString();
      } catch (CharacterCodingException e) {
        throw fail("metadata is not valid UTF-8");
      }
      JsonNode root;
      try {
        root = JSON.readTree(text);
      } catch (JsonProcessingException e) {
        throw fail("metadata is not valid JSON: " + e.getOriginalMessage());
      }
      if (root == null || !root.isObject()) {
        throw fail("metadata is not a JSON object");
      }
      return root;
    }

    private SnnFile build(List<Entry> toc, JsonNode meta) {
      JsonNode softmax = meta.get("softmaxOutput");
      if (softmax == null || !softmax.isBoolean()) {
        throw fail("metadata: 'softmaxOutput' is missing or not a boolean");
      }
      String creator = "";
      if (meta.has("creator")) {
        creator = text(meta.get("creator"), "metadata: 'creator'");
      }
      Map<String, String> provenance = new LinkedHashMap<>();
      JsonNode prov = meta.get("provenance");
      if (prov != null) {
        if (!prov.isObject()) {
          throw fail("metadata: 'provenance' is not an object");
        }
        for (Map.Entry<String, JsonNode> e : prov.properties()) {
          provenance.put(e.getKey(), text(e.getValue(), "metadata: provenance '" + e.getKey()
              + "'"));
        }
      }
      JsonNode layers = meta.get("layers");
      if (layers == null || !layers.isArray() || layers.isEmpty()) {
        throw fail("metadata: 'layers' is missing, not an array or empty");
      }
      boolean[] used = new boolean[toc.size()];
      List<LayerSpec> specs = new ArrayList<>();
      for (int i = 0; i < layers.size(); i++) {
        specs.add(layer(i, layers.get(i), toc, used));
      }
      List<RecurrentSpec> recurrentSpecs = recurrentSpecs(meta, toc, used);
      if (!recurrentSpecs.isEmpty()) {
        RecurrentSpec top = recurrentSpecs.get(recurrentSpecs.size() - 1);
        int width = top.directions().count() * top.hidden();
        if (width != specs.get(0).inputs()) {
          throw fail("the last recurrent layer has " + width + " outputs but layer 0 takes "
              + specs.get(0).inputs() + " inputs");
        }
      }
      for (int i = 0; i < used.length; i++) {
        if (!used[i] && !newerMinor()) {
          throw fail("section " + i + " is not used by any layer");
        }
      }
      long budget = recurrentBytes(recurrentSpecs);
      for (int i = 0; i < specs.size(); i++) {
        LayerSpec spec = specs.get(i);
        if (i > 0 && specs.get(i - 1).outputs() != spec.inputs()) {
          throw fail("layer " + (i - 1) + " has " + specs.get(i - 1).outputs()
              + " outputs but layer " + i + " takes " + spec.inputs() + " inputs");
        }
        for (Entry e : spec.sections().values()) {
          budget += e.bytes();
        }
        if (spec.storage().isCsr()) {
          budget += 4L * spec.inputs() * spec.outputs();
        }
      }
      if (budget > options.maxTensorBytes()) {
        throw fail(budget + " bytes of weights to decode, more than the "
            + options.maxTensorBytes() + " allowed (ReadOptions.maxTensorBytes)");
      }
      if (verify) {
        checkPadding(toc);
      }
      List<DenseLayer> dense = new ArrayList<>();
      List<LayerStorage> storages = new ArrayList<>();
      List<CsrArrays> csr = new ArrayList<>();
      List<CsrMatrix> mapped = new ArrayList<>();
      for (int i = 0; i < specs.size(); i++) {
        LayerSpec spec = specs.get(i);
        String at = "layer " + i + " (" + spec.storage().label() + ")";
        float[] bias = floats(spec.sections().get(Kind.BIAS), at);
        float[] weights;
        CsrArrays arrays = null;
        if (spec.storage().isCsr()) {
          arrays = csrArrays(spec, at);
          weights = expand(arrays, at);
        } else {
          weights = floats(spec.sections().get(Kind.WEIGHTS), at);
        }
        try {
          dense.add(new DenseLayer(spec.inputs(), spec.outputs(), weights, bias,
              spec.activation()));
        } catch (OutOfMemoryError e) {
          throw fail(at + ": not enough memory for its weights (raise -Xmx)");
        }
        storages.add(spec.storage());
        csr.add(arrays);
        mapped.add(mapCsr && arrays != null ? kernelMatrix(spec, arrays, at) : null);
      }
      Network network;
      List<RecurrentStorage> recurrentStorages = new ArrayList<>();
      if (recurrentSpecs.isEmpty()) {
        network = new Network(dense, softmax.booleanValue());
      } else {
        List<RecurrentLayer> recurrent = new ArrayList<>();
        for (int i = 0; i < recurrentSpecs.size(); i++) {
          RecurrentSpec spec = recurrentSpecs.get(i);
          recurrent.add(recurrentLayer(i, spec));
          recurrentStorages.add(new RecurrentStorage(spec.inputWeights().storage(),
              spec.recurrentWeights().storage()));
        }
        network = Network.sequence(recurrent, sequenceOutput(meta), dense,
            softmax.booleanValue());
      }
      JsonNode selection = meta.get("inputSelection");
      if (selection != null) {
        if (network.isRecurrent()) {
          throw fail("metadata: 'inputSelection' is given to a recurrent network");
        }
        network = withSelection(network, selection);
      }
      return new SnnFile(major + "." + minor, creator, network, storages, csr, provenance,
          mapped, recurrentStorages);
    }

    private Network withSelection(Network network, JsonNode selection) {
      int original = positiveInt(selection.get("originalInputs"),
          "metadata: inputSelection.originalInputs");
      // The unpruned first layer held originalInputs x outputs weights, so they fit one array;
      // that also keeps every size computed from the input width in range.
      Limits.elementCount(new long[] {network.layers().get(0).outputs(), original},
          where + ": metadata: inputSelection.originalInputs = " + original
              + ", as the unpruned first layer");
      JsonNode list = selection.get("features");
      if (list == null || !list.isArray()) {
        throw fail("metadata: inputSelection.features is missing or not an array");
      }
      if (list.size() != network.inputs()) {
        throw fail("metadata: inputSelection lists " + list.size() + " features, the first"
            + " layer takes " + network.inputs());
      }
      int[] features = new int[list.size()];
      for (int i = 0; i < features.length; i++) {
        JsonNode f = list.get(i);
        if (!f.isIntegralNumber() || !f.canConvertToInt()) {
          throw fail("metadata: inputSelection.features[" + i + "] is not an integer");
        }
        features[i] = f.intValue();
      }
      try {
        return network.withInputSelection(original, features);
      } catch (IllegalArgumentException e) {
        throw fail("metadata: inputSelection: " + e.getMessage());
      }
    }

    /** Whether the file's minor version is newer than this reader knows for its major. */
    private boolean newerMinor() {
      return minor > (major == SnnFormat.MAJOR ? SnnFormat.MINOR : SnnFormat.RECURRENT_MINOR);
    }

    // ---- recurrent layers (version 2) ------------------------------------------------------

    /** The recurrent layers' metadata checked against the table; empty for version 1. */
    private List<RecurrentSpec> recurrentSpecs(JsonNode meta, List<Entry> toc, boolean[] used) {
      JsonNode layers = meta.get("recurrentLayers");
      if (major != SnnFormat.RECURRENT_MAJOR) {
        if (layers != null || meta.has("sequenceOutput")) {
          throw fail("metadata: recurrent layers in a version " + major + " file; they need"
              + " version " + SnnFormat.RECURRENT_MAJOR);
        }
        return List.of();
      }
      if (layers == null || !layers.isArray() || layers.isEmpty()) {
        throw fail("metadata: 'recurrentLayers' is missing, not an array or empty (a version "
            + SnnFormat.RECURRENT_MAJOR + " file holds a recurrent network)");
      }
      sequenceOutput(meta);
      List<RecurrentSpec> specs = new ArrayList<>();
      for (int i = 0; i < layers.size(); i++) {
        RecurrentSpec spec = recurrentSpec(i, layers.get(i), toc, used);
        if (i > 0) {
          RecurrentSpec before = specs.get(i - 1);
          long produced = (long) before.directions().count() * before.hidden();
          if (produced != spec.inputs()) {
            throw fail("metadata: recurrent layer " + (i - 1) + " has " + produced
                + " outputs per step but recurrent layer " + i + " takes " + spec.inputs()
                + " inputs");
          }
        }
        specs.add(spec);
      }
      return specs;
    }

    private SequenceOutput sequenceOutput(JsonNode meta) {
      String label = text(meta.get("sequenceOutput"), "metadata: 'sequenceOutput'");
      for (SequenceOutput output : SequenceOutput.values()) {
        if (output.name().toLowerCase(Locale.ROOT).equals(label)) {
          return output;
        }
      }
      throw fail("metadata: 'sequenceOutput' is '" + label + "', expected last_step or"
          + " final_state");
    }

    private RecurrentSpec recurrentSpec(int i, JsonNode node, List<Entry> toc,
        boolean[] used) {
      String at = "metadata: recurrent layer " + i;
      if (!node.isObject()) {
        throw fail(at + " is not an object");
      }
      Cell cell = constant(Cell.class, node.get("cell"), at + ": 'cell'");
      Direction direction = constant(Direction.class, node.get("direction"),
          at + ": 'direction'");
      int inputs = positiveInt(node.get("inputs"), at + ": 'inputs'");
      int hidden = positiveInt(node.get("hidden"), at + ": 'hidden'");
      Activation activation;
      try {
        activation = Activation.parse(text(node.get("activation"), at + ": 'activation'"));
      } catch (IllegalArgumentException e) {
        throw fail(at + ": 'activation': " + e.getMessage());
      }
      if (cell == Cell.RNN ? !activation.equals(Activation.TANH)
          && !activation.equals(Activation.RELU) : !activation.equals(Activation.TANH)) {
        throw fail(at + ": 'activation' is " + activation + "; an " + cell + " runs "
            + (cell == Cell.RNN ? "tanh or relu" : "tanh"));
      }
      JsonNode reset = node.get("linearBeforeReset");
      if (reset == null || !reset.isBoolean()) {
        throw fail(at + ": 'linearBeforeReset' is missing or not a boolean");
      }
      if (reset.booleanValue() && cell != Cell.GRU) {
        throw fail(at + ": 'linearBeforeReset' is true for an " + cell + " (GRU only)");
      }
      long rows = (long) direction.count() * cell.gates() * hidden;
      if (rows > SnnFormat.MAX_ARRAY_ELEMENTS) {
        throw fail(at + ": " + rows + " gate rows are more than one array can hold");
      }
      MatrixSpec w = matrix(at + ": inputWeights", node.get("inputWeights"), (int) rows,
          inputs, toc, used);
      MatrixSpec r = matrix(at + ": recurrentWeights", node.get("recurrentWeights"),
          (int) rows, hidden, toc, used);
      JsonNode sections = node.get("sections");
      if (sections == null || !sections.isObject()) {
        throw fail(at + ": 'sections' is missing or not an object");
      }
      long states = (long) direction.count() * hidden;
      Entry inputBias = vector(at, sections, "inputBias", Kind.BIAS, rows, true, toc, used);
      Entry recurrentBias = vector(at, sections, "recurrentBias", Kind.BIAS, rows, true, toc,
          used);
      Entry initialHidden = vector(at, sections, "initialHidden", Kind.INITIAL_STATE, states,
          false, toc, used);
      Entry initialCell = vector(at, sections, "initialCell", Kind.INITIAL_STATE, states,
          false, toc, used);
      if (initialCell != null && cell != Cell.LSTM) {
        throw fail(at + ": sections 'initialCell' given to an " + cell + " (LSTM only)");
      }
      return new RecurrentSpec(cell, direction, inputs, hidden, activation,
          reset.booleanValue(), w, r, inputBias, recurrentBias, initialHidden, initialCell);
    }

    private <E extends Enum<E>> E constant(Class<E> type, JsonNode node, String field) {
      String label = text(node, field);
      for (E e : type.getEnumConstants()) {
        if (e.name().toLowerCase(Locale.ROOT).equals(label)) {
          return e;
        }
      }
      throw fail(field + " is '" + label + "', expected one of "
          + java.util.Arrays.stream(type.getEnumConstants())
              .map(e -> e.name().toLowerCase(Locale.ROOT)).toList());
    }

    /** A {@code rows x cols} weight matrix's storage and sections, dense or CSR. */
    private MatrixSpec matrix(String at, JsonNode node, int rows, int cols, List<Entry> toc,
        boolean[] used) {
      if (node == null || !node.isObject()) {
        throw fail(at + " is missing or not an object");
      }
      if ((long) rows * cols > SnnFormat.MAX_ARRAY_ELEMENTS) {
        throw fail(at + ": " + rows + " x " + cols
            + " weights are more than one dense array can hold");
      }
      String label = text(node.get("storage"), at + ": 'storage'");
      LayerStorage storage = LayerStorage.ofLabel(label);
      if (storage == null || (storage != LayerStorage.DENSE && !storage.isCsr())) {
        throw fail(at + ": storage '" + label + "' is not one recurrent weights are stored in"
            + " (dense or CSR)");
      }
      if (!storage.fits(cols)) {
        throw fail(at + ": " + label + " addresses at most " + storage.indexWidth().maxColumns()
            + " columns, the matrix has " + cols);
      }
      JsonNode sections = node.get("sections");
      if (sections == null || !sections.isObject()) {
        throw fail(at + ": 'sections' is missing or not an object");
      }
      Map<Kind, Entry> entries = new LinkedHashMap<>();
      for (LayerStorage.Section section : storage.sections()) {
        entries.put(section.kind(), section(at, sections, section.kind().key, section.kind(),
            section.type(), toc, used));
      }
      if (storage.isCsr()) {
        checkCount(entries.get(Kind.ROW_POINTERS), rows + 1L, at);
        long nnz = entries.get(Kind.VALUES).count();
        checkCount(entries.get(Kind.COLUMN_INDICES), nnz, at);
        if (nnz > (long) rows * cols) {
          throw fail(at + ": " + nnz + " stored weights, more than the " + (long) rows * cols
              + " of a " + rows + " x " + cols + " matrix");
        }
      } else {
        checkCount(entries.get(Kind.WEIGHTS), (long) rows * cols, at);
      }
      // As a layer of cols inputs and rows outputs, for the dense layers' decoders.
      return new MatrixSpec(storage, new LayerSpec(cols, rows, Activation.IDENTITY, storage,
          entries));
    }

    /** An f32 vector section of {@code count} elements; null when optional and absent. */
    private Entry vector(String at, JsonNode sections, String key, Kind kind, long count,
        boolean required, List<Entry> toc, boolean[] used) {
      if (!required && !sections.has(key)) {
        return null;
      }
      Entry e = section(at, sections, key, kind, Type.F32, toc, used);
      checkCount(e, count, at);
      return e;
    }

    /** The table entry {@code sections[key]} names, checked for kind and type, marked used. */
    private Entry section(String at, JsonNode sections, String key, Kind kind, Type type,
        List<Entry> toc, boolean[] used) {
      String field = at + ": sections '" + key + "'";
      JsonNode index = sections.get(key);
      if (index == null || !index.isIntegralNumber() || !index.canConvertToInt()
          || index.intValue() < 0 || index.intValue() >= toc.size()) {
        throw fail(field + " is missing or not a section index in [0, " + toc.size() + ")");
      }
      Entry e = toc.get(index.intValue());
      if (used[e.index()]) {
        throw fail(field + ": section " + e.index() + " is used twice");
      }
      used[e.index()] = true;
      if (e.kind() != kind || e.type() != type) {
        throw fail(field + ": section " + e.index() + " holds "
            + (e.kind() == null ? "an unknown kind" : e.kind().key) + " of "
            + (e.type() == null ? "an unknown type" : e.type().label) + ", expected "
            + kind.key + " of " + type.label);
      }
      return e;
    }

    /** Bytes the recurrent layers' sections take, plus their CSR matrices expanded. */
    private static long recurrentBytes(List<RecurrentSpec> specs) {
      long bytes = 0;
      for (RecurrentSpec spec : specs) {
        for (MatrixSpec m : List.of(spec.inputWeights(), spec.recurrentWeights())) {
          for (Entry e : m.layer().sections().values()) {
            bytes += e.bytes();
          }
          if (m.storage().isCsr()) {
            bytes += 4L * m.layer().inputs() * m.layer().outputs();
          }
        }
        for (Entry e : new Entry[] {spec.inputBias(), spec.recurrentBias(),
            spec.initialHidden(), spec.initialCell()}) {
          bytes += e == null ? 0 : e.bytes();
        }
      }
      return bytes;
    }

    private RecurrentLayer recurrentLayer(int i, RecurrentSpec spec) {
      String at = "recurrent layer " + i;
      float[] w = matrixWeights(spec.inputWeights(), at + " inputWeights ("
          + spec.inputWeights().storage().label() + ")");
      float[] r = matrixWeights(spec.recurrentWeights(), at + " recurrentWeights ("
          + spec.recurrentWeights().storage().label() + ")");
      float[] inputBias = floats(spec.inputBias(), at + " inputBias");
      float[] recurrentBias = floats(spec.recurrentBias(), at + " recurrentBias");
      float[] h0 = spec.initialHidden() == null ? null
          : floats(spec.initialHidden(), at + " initialHidden");
      float[] c0 = spec.initialCell() == null ? null
          : floats(spec.initialCell(), at + " initialCell");
      try {
        RecurrentLayer layer = new RecurrentLayer(spec.cell(), spec.directions(), spec.inputs(),
            spec.hidden(), spec.activation(), spec.linearBeforeReset(), w, r, inputBias,
            recurrentBias);
        return h0 == null && c0 == null ? layer : layer.withInitialState(h0, c0);
      } catch (IllegalArgumentException e) {
        throw fail(at + ": " + e.getMessage());
      } catch (OutOfMemoryError e) {
        throw fail(at + ": not enough memory for its weights (raise -Xmx)");
      }
    }

    private float[] matrixWeights(MatrixSpec m, String at) {
      return m.storage().isCsr() ? expand(csrArrays(m.layer(), at), at)
          : floats(m.layer().sections().get(Kind.WEIGHTS), at);
    }

    // ---- dense layers ----------------------------------------------------------------------

    private LayerSpec layer(int i, JsonNode node, List<Entry> toc, boolean[] used) {
      String at = "metadata: layer " + i;
      if (!node.isObject()) {
        throw fail(at + " is not an object");
      }
      int inputs = positiveInt(node.get("inputs"), at + ": 'inputs'");
      int outputs = positiveInt(node.get("outputs"), at + ": 'outputs'");
      if ((long) inputs * outputs > SnnFormat.MAX_ARRAY_ELEMENTS) {
        throw fail(at + ": " + outputs + " x " + inputs
            + " weights are more than one dense array can hold");
      }
      Activation activation;
      String activationText = text(node.get("activation"), at + ": 'activation'");
      try {
        activation = Activation.parse(activationText);
      } catch (IllegalArgumentException e) {
        throw fail(at + ": " + e.getMessage());
      }
      String label = text(node.get("storage"), at + ": 'storage'");
      LayerStorage storage = LayerStorage.ofLabel(label);
      if (storage == null) {
        throw fail(at + ": unknown storage '" + label + "' (expected one of "
            + LayerStorage.labels() + ")");
      }
      if (!storage.fits(inputs)) {
        throw fail(at + ": " + label + " addresses at most " + storage.indexWidth().maxColumns()
            + " inputs, the layer has " + inputs);
      }
      JsonNode sections = node.get("sections");
      if (sections == null || !sections.isObject()) {
        throw fail(at + ": 'sections' is missing or not an object");
      }
      List<LayerStorage.Section> expectedSections = new ArrayList<>(storage.sections());
      expectedSections.add(new LayerStorage.Section(Kind.BIAS, Type.F32));
      Map<Kind, Entry> entries = new LinkedHashMap<>();
      for (LayerStorage.Section section : expectedSections) {
        Kind kind = section.kind();
        String field = at + ": sections '" + kind.key + "'";
        JsonNode index = sections.get(kind.key);
        if (index == null || !index.isIntegralNumber() || !index.canConvertToInt()
            || index.intValue() < 0 || index.intValue() >= toc.size()) {
          throw fail(field + " is missing or not a section index in [0, " + toc.size() + ")");
        }
        Entry e = toc.get(index.intValue());
        if (used[e.index()]) {
          throw fail(field + ": section " + e.index() + " is used twice");
        }
        used[e.index()] = true;
        Type expected = section.type();
        if (e.kind() != kind || e.type() != expected) {
          throw fail(field + ": section " + e.index() + " holds "
              + (e.kind() == null ? "an unknown kind" : e.kind().key) + " of "
              + (e.type() == null ? "an unknown type" : e.type().label) + ", expected "
              + kind.key + " of " + expected.label);
        }
        entries.put(kind, e);
      }
      long denseCount = (long) inputs * outputs;
      checkCount(entries.get(Kind.BIAS), outputs, at);
      if (storage.isCsr()) {
        checkCount(entries.get(Kind.ROW_POINTERS), outputs + 1L, at);
        long nnz = entries.get(Kind.VALUES).count();
        checkCount(entries.get(Kind.COLUMN_INDICES), nnz, at);
        if (nnz > denseCount) {
          throw fail(at + ": " + nnz + " stored weights, more than the " + denseCount
              + " of a " + outputs + " x " + inputs + " layer");
        }
      } else {
        checkCount(entries.get(Kind.WEIGHTS), denseCount, at);
      }
      return new LayerSpec(inputs, outputs, activation, storage, entries);
    }

    private void checkCount(Entry e, long expected, String at) {
      if (e.count() != expected) {
        throw fail(at + ": section " + e.index() + " (" + e.kind().key + ") has " + e.count()
            + " elements, expected " + expected);
      }
    }

    private CsrArrays csrArrays(LayerSpec spec, String at) {
      int rows = spec.outputs();
      int cols = spec.inputs();
      int[] rowPointers = ints(spec.sections().get(Kind.ROW_POINTERS), at);
      int[] columnIndices = ints(spec.sections().get(Kind.COLUMN_INDICES), at);
      float[] values = floats(spec.sections().get(Kind.VALUES), at);
      int nnz = values.length;
      if (rowPointers[0] != 0) {
        throw fail(at + ": rowPointers[0] must be 0, got " + rowPointers[0]);
      }
      if (rowPointers[rows] != nnz) {
        throw fail(at + ": rowPointers[" + rows + "] = " + rowPointers[rows] + " but "
            + nnz + " weights are stored");
      }
      for (int r = 0; r < rows; r++) {
        int begin = rowPointers[r];
        int end = rowPointers[r + 1];
        if (end < begin || end > nnz) {
          throw fail(at + ": row " + r + ": rowPointers[" + (r + 1) + "] = " + end
              + " is not in [rowPointers[" + r + "] = " + begin + ", nnz = " + nnz + "]");
        }
        int previous = -1;
        for (int k = begin; k < end; k++) {
          int c = columnIndices[k];
          if (c < 0 || c >= cols) {
            throw fail(at + ": row " + r + ": columnIndices[" + k + "] = " + c
                + " is outside [0, " + cols + ")");
          }
          if (c <= previous) {
            throw fail(at + ": row " + r + ": columnIndices[" + k + "] = " + c
                + " is not greater than the previous index " + previous
                + " (indices must be sorted and unique within a row)");
          }
          previous = c;
        }
      }
      return new CsrArrays(rows, cols, rowPointers, columnIndices, values,
          spec.storage().indexWidth());
    }

    /**
     * The layer's CSR matrix for kernels: by default a copy of the validated arrays in owned
     * memory, so that nothing later reads the file. When mapping, the values stay over the
     * mapping itself (sections are 64-byte aligned in the file and a mapping starts on a page,
     * so each is 64-byte aligned in memory) and the indices are copied: a file changed under
     * the mapping can then change weights but never make a kernel index out of bounds. The
     * file is little-endian, so a big-endian JVM gets a copy either way.
     */
    private CsrMatrix kernelMatrix(LayerSpec spec, CsrArrays arrays, String at) {
      if (!mapping || ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
        return arrays.toMatrix();
      }
      Entry values = spec.sections().get(Kind.VALUES);
      if (values.bytes() > AlignedBuffer.MAX_BYTES) {
        throw fail(at + ": section " + values.index() + " (" + values.kind().key + ") has "
            + values.bytes() + " bytes, more than one mapped buffer can hold; read the file"
            + " without memory mapping instead");
      }
      AlignedBuffer rowPointers = AlignedBuffer.copyOf(arrays.rowPointers()).seal();
      AlignedBuffer columnIndices = null;
      try {
        columnIndices = arrays.indexWidth() == IndexWidth.UINT16
            ? AlignedBuffer.copyOf(narrow(arrays.columnIndices())).seal()
            : AlignedBuffer.copyOf(arrays.columnIndices()).seal();
        AlignedBuffer mapped = AlignedBuffer.wrap(map(values.offset(), (int) values.bytes()));
        // Validated again over the memory itself: that is what the kernels will read.
        return CsrMatrix.wrap(arrays.rows(), arrays.cols(), rowPointers, columnIndices, mapped,
            arrays.indexWidth());
      } catch (IllegalArgumentException e) {
        rowPointers.close();
        if (columnIndices != null) {
          columnIndices.close();
        }
        throw fail(at + ": " + e.getMessage());
      }
    }

    /** uint16 indices (already checked to fit) in the width the file stores them. */
    private static short[] narrow(int[] indices) {
      short[] narrow = new short[indices.length];
      for (int i = 0; i < indices.length; i++) {
        narrow[i] = (short) indices[i];
      }
      return narrow;
    }

    private float[] expand(CsrArrays a, String at) {
      float[] dense = allocateFloats((int) ((long) a.rows() * a.cols()), at);
      for (int r = 0; r < a.rows(); r++) {
        int base = r * a.cols();
        for (int k = a.rowPointers()[r]; k < a.rowPointers()[r + 1]; k++) {
          dense[base + a.columnIndices()[k]] = a.values()[k];
        }
      }
      return dense;
    }

    private float[] allocateFloats(int count, String at) {
      try {
        return new float[count];
      } catch (OutOfMemoryError e) {
        throw fail(at + ": not enough memory for " + 4L * count + " bytes (raise -Xmx)");
      }
    }

    private float[] floats(Entry e, String at) {
      float[] out = allocateFloats((int) e.count(), at);
      int[] done = {0};
      eachWindow(e, at, w -> {
        int n = w.remaining() / 4;
        w.asFloatBuffer().get(out, done[0], n);
        done[0] += n;
      });
      return out;
    }

    private int[] ints(Entry e, String at) {
      int[] out;
      try {
        out = new int[(int) e.count()];
      } catch (OutOfMemoryError oom) {
        throw fail(at + ": not enough memory for " + 4L * e.count() + " bytes (raise -Xmx)");
      }
      int[] done = {0};
      eachWindow(e, at, w -> {
        if (e.type() == Type.U16) {
          int n = w.remaining() / 2;
          for (int j = 0; j < n; j++) {
            out[done[0] + j] = Short.toUnsignedInt(w.getShort(w.position() + 2 * j));
          }
          done[0] += n;
        } else {
          int n = w.remaining() / 4;
          w.asIntBuffer().get(out, done[0], n);
          done[0] += n;
        }
      });
      return out;
    }

    /**
     * Hands the section's bytes to {@code decode} one window at a time, then checks its CRC32C
     * when asked: a mismatch throws before the caller uses what was decoded. Windows are read
     * (copied), or mapped when mapping.
     */
    private void eachWindow(Entry e, String at, Consumer<ByteBuffer> decode) {
      CRC32C crc = verify ? new CRC32C() : null;
      for (long done = 0; done < e.bytes(); done += windowBytes) {
        ByteBuffer w = bytes(e.offset() + done, (int) Math.min(windowBytes, e.bytes() - done));
        if (crc != null) {
          crc.update(w.duplicate());
        }
        decode.accept(w);
      }
      if (crc != null && (int) crc.getValue() != e.crc()) {
        throw fail(at + ": section " + e.index() + " (" + e.kind().key + ", bytes "
            + e.offset() + " to " + (e.offset() + e.bytes()) + ") fails its CRC32C check:"
            + " stored " + Integer.toHexString(e.crc()) + ", computed "
            + Long.toHexString(crc.getValue()));
      }
    }

    /** The padding before each section must be zero, so that every byte is checked. */
    private void checkPadding(List<Entry> toc) {
      long previousEnd = headerEnd;
      for (Entry e : toc) {
        ByteBuffer pad = bytes(previousEnd, (int) (e.offset() - previousEnd));
        for (int j = 0; j < pad.remaining(); j++) {
          if (pad.get(j) != 0) {
            throw fail("padding byte at offset " + (previousEnd + j) + ", before section "
                + e.index() + ", is not zero");
          }
        }
        previousEnd = e.offset() + e.bytes();
      }
    }

    /** File bytes, little-endian: mapped when mapping, else read into a heap buffer. */
    private ByteBuffer bytes(long offset, int length) {
      if (mapping) {
        return map(offset, length);
      }
      try {
        return read(offset, length);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + where + ": " + e.getMessage(), e);
      }
    }

    private ByteBuffer map(long offset, int length) {
      try {
        ByteBuffer b = whole != null ? whole.slice((int) offset, length)
            : channel.map(FileChannel.MapMode.READ_ONLY, offset, length);
        return b.order(ByteOrder.LITTLE_ENDIAN);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot map " + where + ": " + e.getMessage(), e);
      }
    }

    private ByteBuffer read(long position, int length) throws IOException {
      ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
      long at = position;
      while (b.hasRemaining()) {
        int n = channel.read(b, at);
        if (n < 0) {
          throw fail("truncated (the file shrank while being read)");
        }
        at += n;
      }
      return b.flip();
    }

    private String text(JsonNode node, String field) {
      if (node == null || !node.isTextual()) {
        throw fail(field + " is missing or not a string");
      }
      return node.textValue();
    }

    private int positiveInt(JsonNode node, String field) {
      if (node == null || !node.isIntegralNumber() || !node.canConvertToInt()
          || node.intValue() < 1) {
        throw fail(field + " is missing or not a positive 32-bit integer");
      }
      return node.intValue();
    }

    private ModelFormatException fail(String message) {
      return new ModelFormatException(where + ": " + message);
    }
  }
}
