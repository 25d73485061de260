package org.sparsenn.io.snn;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.sparsenn.io.snn.SnnFormat.Kind;
import org.sparsenn.io.snn.SnnFormat.Type;
import org.sparsenn.kernel.BlockOperand;
import org.sparsenn.kernel.IndexWidth;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.sparse.BFloat16;
import org.sparsenn.sparse.BlockMatrix;
import org.sparsenn.sparse.CsrMatrix;
import org.sparsenn.sparse.DenseMatrix;

/**
 * How a layer's weights are stored in an {@code .snn} file: the list of storages on the file
 * side, each with its section codec. A constant knows its label in the metadata, which layers it
 * can hold, its size (for the writer's automatic choice), the sections that hold its weights
 * (kind and element type, in file order; the bias section follows them for every storage) and
 * how a layer's weights are encoded into them. {@link SnnWriter} and {@link SnnFile} read this
 * list instead of naming storages. The engine's own list of layer formats is
 * {@code engine.LayerMethod}; a new format needs a row here only if files store it.
 */
public enum LayerStorage {
  /** Section {@code weights}: f32 {@code [outputs][inputs]}, row-major. */
  DENSE(null, List.of(new Section(Kind.WEIGHTS, Type.F32))) {
    @Override
    public long storageBytes(int rows, int cols, long storedWeights) {
      return DenseMatrix.storageBytes(rows, cols);
    }

    @Override
    Object[] encode(DenseLayer layer) {
      return new Object[] {layer.weights()};
    }
  },
  /**
   * CSR with int32 column indices, any number of inputs. Sections {@code rowPointers} (i32,
   * outputs + 1), {@code columnIndices} (i32, one per stored weight), {@code values} (f32,
   * parallel).
   */
  CSR(IndexWidth.INT32, csrSections(Type.I32)),
  /**
   * CSR with uint16 column indices: at most 65,536 inputs, 6 bytes per nonzero. Sections as
   * {@link #CSR}, with {@code columnIndices} u16.
   */
  CSR16(IndexWidth.UINT16, csrSections(Type.U16)),
  /**
   * Dense with bf16 weights (since 1.2; lossy: each weight rounded to nearest, ties to even):
   * section {@code weights}, bf16 {@code [outputs][inputs]}, row-major; half of {@link #DENSE}.
   */
  DENSE_BF16(null, List.of(new Section(Kind.WEIGHTS, Type.BF16))) {
    @Override
    public long storageBytes(int rows, int cols, long storedWeights) {
      return (long) rows * cols * Type.BF16.bytes;
    }

    @Override
    Object[] encode(DenseLayer layer) {
      FloatBuffer w = layer.weightView();
      short[] bf16 = new short[w.limit()];
      for (int i = 0; i < bf16.length; i++) {
        bf16[i] = BFloat16.fromFloat(w.get(i));
      }
      return new Object[] {bf16};
    }
  },
  /**
   * CSR with uint16 column indices and bf16 values (since 1.2; lossy as {@link #DENSE_BF16}):
   * 4 bytes per nonzero. Sections as {@link #CSR16}, with {@code values} bf16. The entries are
   * those {@link #CSR16} keeps, before rounding (a tiny weight may round to a stored zero).
   */
  CSR16_BF16(IndexWidth.UINT16, List.of(new Section(Kind.ROW_POINTERS, Type.I32),
      new Section(Kind.COLUMN_INDICES, Type.U16), new Section(Kind.VALUES, Type.BF16))) {
    @Override
    public long storageBytes(int rows, int cols, long storedWeights) {
      return 4L * (rows + 1) + storedWeights * (Type.U16.bytes + Type.BF16.bytes);
    }

    @Override
    Object[] encode(DenseLayer layer) {
      Object[] csr = super.encode(layer);
      float[] values = (float[]) csr[2];
      short[] bf16 = new short[values.length];
      for (int i = 0; i < bf16.length; i++) {
        bf16[i] = BFloat16.fromFloat(values[i]);
      }
      csr[2] = bf16;
      return csr;
    }
  },
  /**
   * 16x1 blocks (since 1.2), the engine's {@code bsr16} layout as it runs, for weights pruned in
   * such blocks: panels of 16 rows; a block for each column of a panel where any of its weights'
   * bits are not +0.0; at most 65,536 inputs. Sections {@code rowPointers} (i32, panels + 1: the
   * first block of each panel), {@code columnIndices} (u16, one per block, increasing within a
   * panel), {@code values} (f32, 16 per block: row {@code i} of the panel at {@code 16 k + i},
   * +0.0 past the last row). A full block costs 4.125 bytes a weight against CSR16's 6.
   */
  BSR16(IndexWidth.UINT16, csrSections(Type.U16)) {
    @Override
    public boolean isCsr() {
      return false;
    }

    @Override
    public boolean isBlocks() {
      return true;
    }

    /** {@code storedWeights}: 16 per block, the zeros inside kept blocks included. */
    @Override
    public long storageBytes(int rows, int cols, long storedWeights) {
      return BlockMatrix.storageBytes(rows, storedWeights / BlockOperand.PANEL_ROWS);
    }

    @Override
    Object[] encode(DenseLayer layer) {
      FloatBuffer w = layer.weightView();
      int rows = layer.outputs();
      int cols = layer.inputs();
      int panels = BlockOperand.panels(rows);
      int blocks = (int) blockCount(w, rows, cols);
      int[] panelPointers = new int[panels + 1];
      short[] columns = new short[blocks];
      float[] values = new float[blocks * BlockOperand.PANEL_ROWS];
      int k = 0;
      for (int p = 0; p < panels; p++) {
        int r0 = p * BlockOperand.PANEL_ROWS;
        int n = Math.min(BlockOperand.PANEL_ROWS, rows - r0);
        for (int c = 0; c < cols; c++) {
          if (panelColumnUsed(w, cols, r0, n, c)) {
            columns[k] = (short) c;
            for (int i = 0; i < n; i++) {
              values[k * BlockOperand.PANEL_ROWS + i] = w.get((r0 + i) * cols + c);
            }
            k++;
          }
        }
        panelPointers[p + 1] = k;
      }
      return new Object[] {panelPointers, columns, values};
    }
  };

  /** One section of a layer's weights: its kind and element type. */
  record Section(Kind kind, Type type) {}

  private final IndexWidth indexWidth;
  private final List<Section> sections;

  LayerStorage(IndexWidth indexWidth, List<Section> sections) {
    this.indexWidth = indexWidth;
    this.sections = sections;
  }

  private static List<Section> csrSections(Type columnIndexType) {
    return List.of(new Section(Kind.ROW_POINTERS, Type.I32),
        new Section(Kind.COLUMN_INDICES, columnIndexType), new Section(Kind.VALUES, Type.F32));
  }

  /** The name in the file's metadata: the constant's name in lower case, e.g. {@code dense}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether the weights are stored as bf16, rounded from f32 when written (lossy); they read
   * back widened to f32, exactly the rounded values.
   */
  public boolean isBf16() {
    return sections.stream().anyMatch(s -> s.type() == Type.BF16);
  }

  /** Whether the weights are stored as CSR. */
  public boolean isCsr() {
    return indexWidth != null;
  }

  /** Whether the weights are stored in 16x1 blocks ({@link #BSR16}). */
  public boolean isBlocks() {
    return false;
  }

  /**
   * The 16x1 blocks {@link #BSR16} keeps for row-major {@code rows x cols} weights: the columns
   * of each 16-row panel where any weight's bits are not +0.0.
   */
  static long blockCount(FloatBuffer weights, int rows, int cols) {
    long blocks = 0;
    for (int r0 = 0; r0 < rows; r0 += BlockOperand.PANEL_ROWS) {
      int n = Math.min(BlockOperand.PANEL_ROWS, rows - r0);
      for (int c = 0; c < cols; c++) {
        if (panelColumnUsed(weights, cols, r0, n, c)) {
          blocks++;
        }
      }
    }
    return blocks;
  }

  private static boolean panelColumnUsed(FloatBuffer weights, int cols, int r0, int n, int c) {
    for (int i = 0; i < n; i++) {
      if (Float.floatToRawIntBits(weights.get((r0 + i) * cols + c)) != 0) {
        return true;
      }
    }
    return false;
  }

  /** The width of the stored column indices; null for dense storage. */
  public IndexWidth indexWidth() {
    return indexWidth;
  }

  /** Whether this storage can hold a layer of {@code inputs} inputs. */
  public boolean fits(int inputs) {
    return indexWidth == null || inputs <= indexWidth.maxColumns();
  }

  /**
   * Bytes of a {@code rows x cols} layer's weights in this storage with {@code storedWeights}
   * entries kept (bias excluded).
   */
  public long storageBytes(int rows, int cols, long storedWeights) {
    return CsrMatrix.storageBytes(rows, storedWeights, indexWidth);
  }

  /** The sections that hold the weights, in file order (the bias follows). */
  List<Section> sections() {
    return sections;
  }

  /**
   * The arrays of the weight sections, parallel to {@link #sections()}: {@code float[]} for
   * f32, {@code int[]} for i32, {@code short[]} for u16 and bf16 (its bits). CSR keeps every weight whose bits are
   * not {@code +0.0}.
   */
  Object[] encode(DenseLayer layer) {
    FloatBuffer w = layer.weightView();
    int rows = layer.outputs();
    int cols = layer.inputs();
    int nnz = (int) storedEntries(w);
    int[] rowPointers = new int[rows + 1];
    int[] wide = indexWidth == IndexWidth.INT32 ? new int[nnz] : null;
    short[] narrow = wide == null ? new short[nnz] : null;
    float[] values = new float[nnz];
    int k = 0;
    for (int r = 0; r < rows; r++) {
      int base = r * cols;
      for (int c = 0; c < cols; c++) {
        float v = w.get(base + c);
        if (Float.floatToRawIntBits(v) != 0) {
          if (wide != null) {
            wide[k] = c;
          } else {
            narrow[k] = (short) c;
          }
          values[k++] = v;
        }
      }
      rowPointers[r + 1] = k;
    }
    return new Object[] {rowPointers, wide != null ? wide : narrow, values};
  }

  /** Weights CSR stores: every one whose bits are not +0.0. */
  static long storedEntries(FloatBuffer weights) {
    long count = 0;
    for (int i = 0; i < weights.limit(); i++) {
      if (Float.floatToRawIntBits(weights.get(i)) != 0) {
        count++;
      }
    }
    return count;
  }

  /** The storage with this label, or null. */
  static LayerStorage ofLabel(String label) {
    for (LayerStorage storage : values()) {
      if (storage.label().equals(label)) {
        return storage;
      }
    }
    return null;
  }

  /** The labels, comma-separated, for error messages. */
  static String labels() {
    return Arrays.stream(values()).map(LayerStorage::label).collect(Collectors.joining(", "));
  }
}
