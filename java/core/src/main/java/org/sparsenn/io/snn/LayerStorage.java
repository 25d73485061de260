package org.sparsenn.io.snn;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.sparsenn.io.snn.SnnFormat.Kind;
import org.sparsenn.io.snn.SnnFormat.Type;
import org.sparsenn.kernel.IndexWidth;
import org.sparsenn.model.DenseLayer;
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
  CSR16(IndexWidth.UINT16, csrSections(Type.U16));

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

  /** Whether the weights are stored as CSR. */
  public boolean isCsr() {
    return indexWidth != null;
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
   * f32, {@code int[]} for i32, {@code short[]} for u16. CSR keeps every weight whose bits are
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
