package org.sparsenn.engine;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.stream.Collectors;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.Epilogue;
import org.sparsenn.kernel.IndexWidth;
import org.sparsenn.kernel.PackedOperand;
import org.sparsenn.kernel.internal.RawKernels;
import org.sparsenn.sparse.CsrMatrix;
import org.sparsenn.sparse.DenseMatrix;
import org.sparsenn.sparse.NmMatrix;
import org.sparsenn.sparse.NmPattern;
import org.sparsenn.sparse.PackedMatrix;
import org.sparsenn.sparse.RowPartition;
import org.sparsenn.sparse.WeightMatrix;

/**
 * How one fully connected layer is stored and computed: the list of layer formats on the Java
 * side. Each constant carries everything that differs between formats: its name in plans,
 * options and benchmarks ({@link #label()}), which layers it can hold ({@link #fits}), its
 * storage size ({@link #storageBytes}, the planner's cost-model input, the same formula the
 * built matrix reports), how it is built from dense weights, how its rows are split between
 * threads, and which kernels run a row range. The planner, the machine profile (whose figures are
 * keyed by {@link #name()}), {@link LinearOp} and the benchmarks read this list instead of
 * naming formats.
 * How a layer is written to and read from an {@code .snn} file is the file side's list,
 * {@link org.sparsenn.io.snn.LayerStorage}; a format that the file does not store (the packed
 * one) is built from the dense weights when a session starts.
 *
 * <p>To add a format, add a constant here (see {@code docs/adding-a-format.md}).
 */
public enum LayerMethod {
  /** Dense weights, OpenBLAS sgemv/sgemm, then the fused epilogue. */
  DENSE_BLAS(false) {
    @Override
    WeightMatrix build(float[] weights, int rows, int cols) {
      return DenseMatrix.of(weights, rows, cols);
    }

    @Override
    public long storageBytes(int rows, int cols, long nonzeros) {
      return DenseMatrix.storageBytes(rows, cols);
    }

    @Override
    void runRange(RawKernels kernels, WeightMatrix weights, int begin, int end, AlignedBuffer x,
        int batch, AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
      DenseMatrix w = (DenseMatrix) weights;
      if (batch == 1) {
        kernels.gemvBlas(w, begin, end, x, bias, y, epilogue);
      } else {
        kernels.gemmBlas(w, begin, end, x, batch, bias, y, epilogue);
      }
    }
  },
  /**
   * Dense weights, sparsenn's own SIMD kernels: gemv at batch 1, gemm for a batch (register
   * tiles over the feature-major batch, each weight read once per call, fused epilogue).
   */
  DENSE_SIMD(false) {
    @Override
    WeightMatrix build(float[] weights, int rows, int cols) {
      return DenseMatrix.of(weights, rows, cols);
    }

    @Override
    public long storageBytes(int rows, int cols, long nonzeros) {
      return DenseMatrix.storageBytes(rows, cols);
    }

    @Override
    void runRange(RawKernels kernels, WeightMatrix weights, int begin, int end, AlignedBuffer x,
        int batch, AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
      DenseMatrix w = (DenseMatrix) weights;
      if (batch == 1) {
        kernels.gemv(w, begin, end, x, bias, y, epilogue);
      } else {
        kernels.gemm(w, begin, end, x, batch, bias, y, epilogue);
      }
    }
  },
  /**
   * Dense weights packed in 16-row panels, sparsenn's own SIMD kernel at every batch size: it
   * vectorises over output rows, so batches of 1 to 16 run at full vector width.
   */
  DENSE_PACKED(false) {
    // Chunks hold whole pairs of panels: the kernels' widest tiles span two (or four).
    private static final int CHUNK_ROWS = 2 * PackedOperand.PANEL_ROWS;

    @Override
    WeightMatrix build(float[] weights, int rows, int cols) {
      return PackedMatrix.of(weights, rows, cols);
    }

    @Override
    public long storageBytes(int rows, int cols, long nonzeros) {
      return PackedMatrix.storageBytes(rows, cols);
    }

    @Override
    RowPartition partition(WeightMatrix weights, double[] cuts) {
      return RowPartition.byRows(weights.rows(), cuts, CHUNK_ROWS);
    }

    @Override
    void runRange(RawKernels kernels, WeightMatrix weights, int begin, int end, AlignedBuffer x,
        int batch, AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
      kernels.gemmPacked((PackedMatrix) weights, begin, end, x, batch, bias, y, epilogue);
    }
  },
  /** CSR with int32 column indices. */
  CSR(true) {
    @Override
    IndexWidth indexWidth() {
      return IndexWidth.INT32;
    }

    @Override
    WeightMatrix build(float[] weights, int rows, int cols) {
      return CsrMatrix.fromDense(weights, rows, cols, 0f, indexWidth());
    }

    @Override
    public long storageBytes(int rows, int cols, long nonzeros) {
      return CsrMatrix.storageBytes(rows, nonzeros, indexWidth());
    }

    @Override
    void runRange(RawKernels kernels, WeightMatrix weights, int begin, int end, AlignedBuffer x,
        int batch, AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
      runCsr(kernels, (CsrMatrix) weights, begin, end, x, batch, bias, y, epilogue);
    }
  },
  /** CSR with uint16 column indices (at most 65,536 inputs). */
  CSR16(true) {
    @Override
    IndexWidth indexWidth() {
      return IndexWidth.UINT16;
    }

    @Override
    WeightMatrix build(float[] weights, int rows, int cols) {
      return CsrMatrix.fromDense(weights, rows, cols, 0f, indexWidth());
    }

    @Override
    public long storageBytes(int rows, int cols, long nonzeros) {
      return CsrMatrix.storageBytes(rows, nonzeros, indexWidth());
    }

    @Override
    void runRange(RawKernels kernels, WeightMatrix weights, int begin, int end, AlignedBuffer x,
        int batch, AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
      runCsr(kernels, (CsrMatrix) weights, begin, end, x, batch, bias, y, epilogue);
    }
  },
  /**
   * N:M semi-structured ({@link NmMatrix}): each 16-slot block of a row selects its inputs from
   * one window of x with SIMD permutes driven by uint8 offsets, no scalar load per nonzero.
   * Built for the sparsest N:M pattern the weights follow (2:4, 1:4, 2:8, 4:8, 1:8, 2:16, ...);
   * the planner considers it only for a layer that follows a sparse one ({@link #suits}).
   */
  NM(true) {
    // Chunks of 16 rows: the kernels' epilogue block (four-row groups inside it).
    private static final int CHUNK_ROWS = 16;

    @Override
    WeightMatrix build(float[] weights, int rows, int cols) {
      return NmMatrix.fromDense(weights, rows, cols);
    }

    /** Estimated for a layer known only by its nonzeros: the pattern of that density. */
    @Override
    public long storageBytes(int rows, int cols, long nonzeros) {
      return NmMatrix.storageBytes(rows, cols, NmPattern.atDensity(density(rows, cols, nonzeros)));
    }

    @Override
    public long storedWeights(int rows, int cols, long nonzeros) {
      return NmMatrix.storedSlots(rows, cols, NmPattern.atDensity(density(rows, cols, nonzeros)));
    }

    @Override
    boolean suits(float[] weights, int rows, int cols) {
      return NmPattern.tightest(weights, rows, cols).isSparse();
    }

    @Override
    long plannedStorageBytes(float[] weights, int rows, int cols, long nonzeros) {
      return NmMatrix.storageBytes(rows, cols, NmPattern.tightest(weights, rows, cols));
    }

    @Override
    long plannedStoredWeights(float[] weights, int rows, int cols, long nonzeros) {
      return NmMatrix.storedSlots(rows, cols, NmPattern.tightest(weights, rows, cols));
    }

    @Override
    RowPartition partition(WeightMatrix weights, double[] cuts) {
      return RowPartition.byRows(weights.rows(), cuts, CHUNK_ROWS);
    }

    @Override
    void runRange(RawKernels kernels, WeightMatrix weights, int begin, int end, AlignedBuffer x,
        int batch, AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
      NmMatrix w = (NmMatrix) weights;
      if (batch == 1) {
        kernels.spmvNm(w, begin, end, x, bias, y, epilogue);
      } else {
        kernels.spmmNm(w, begin, end, x, batch, bias, y, epilogue);
      }
    }
  };

  private final boolean sparse;

  LayerMethod(boolean sparse) {
    this.sparse = sparse;
  }

  /**
   * The name in plans, command-line options and benchmark parameters: the constant's name in
   * lower case, e.g. {@code dense_packed}.
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The method labelled {@code label} (see {@link #label()}), case-insensitive.
   *
   * @throws IllegalArgumentException if no method has that label, naming the labels there are
   */
  public static LayerMethod ofLabel(String label) {
    for (LayerMethod method : values()) {
      if (method.label().equalsIgnoreCase(label)) {
        return method;
      }
    }
    throw new IllegalArgumentException("unknown layer method '" + label + "': expected one of "
        + Arrays.stream(values()).map(LayerMethod::label).collect(Collectors.joining(", ")));
  }

  /** The methods that store every weight: what a dense-only session may choose among. */
  public static EnumSet<LayerMethod> denseMethods() {
    EnumSet<LayerMethod> dense = EnumSet.noneOf(LayerMethod.class);
    for (LayerMethod method : values()) {
      if (!method.sparse) {
        dense.add(method);
      }
    }
    return dense;
  }

  /** Whether the weights are stored sparse (only the nonzeros are kept and read). */
  public boolean isSparse() {
    return sparse;
  }

  /** Whether this method can hold a layer of {@code cols} inputs (its indices address them). */
  public boolean fits(int cols) {
    IndexWidth width = indexWidth();
    return width == null || cols <= width.maxColumns();
  }

  /** Why {@link #fits} is false for {@code cols} inputs, for error messages. */
  String limitDescription() {
    IndexWidth width = indexWidth();
    return width == null ? name() + " takes any number of inputs"
        : name() + " takes at most " + width.maxColumns() + " inputs";
  }

  /**
   * Bytes of weight storage one pass over a {@code rows x cols} layer with {@code nonzeros}
   * nonzero weights reads: what the matrix this method builds reports as its storage bytes.
   */
  public abstract long storageBytes(int rows, int cols, long nonzeros);

  /**
   * Whether the planner should consider this method for a layer with these row-major weights
   * (which it {@link #fits}): true, except for formats that only pay on weights of a given
   * structure (N:M only when the layer follows a sparse N:M pattern).
   */
  boolean suits(float[] weights, int rows, int cols) {
    return true;
  }

  /** {@link #storageBytes} of the layer these weights make, as the planner predicts it. */
  long plannedStorageBytes(float[] weights, int rows, int cols, long nonzeros) {
    return storageBytes(rows, cols, nonzeros);
  }

  /** {@link #storedWeights} of the layer these weights make, as the planner predicts it. */
  long plannedStoredWeights(float[] weights, int rows, int cols, long nonzeros) {
    return storedWeights(rows, cols, nonzeros);
  }

  private static double density(int rows, int cols, long nonzeros) {
    long all = (long) rows * cols;
    return all == 0 ? 1.0 : (double) nonzeros / all;
  }

  /** Weights stored for a {@code rows x cols} layer with {@code nonzeros} nonzero weights. */
  public long storedWeights(int rows, int cols, long nonzeros) {
    return sparse ? nonzeros : (long) rows * cols;
  }

  /** The column-index width of a CSR method; null for the dense ones. */
  IndexWidth indexWidth() {
    return null;
  }

  /**
   * This method's storage of dense row-major weights, owned by the caller; the sparse methods
   * keep every weight that is not zero.
   *
   * @throws IllegalArgumentException if the shape disagrees with the array or the method does
   *     not {@link #fits fit} the layer
   */
  abstract WeightMatrix build(float[] weights, int rows, int cols);

  /** Whether this method runs {@code weights} as they are (e.g. CSR mapped from a file). */
  boolean runsAsIs(WeightMatrix weights) {
    return weights instanceof CsrMatrix csr && indexWidth() == csr.indexWidth();
  }

  /**
   * The method that runs {@code weights} as they are.
   *
   * @throws IllegalArgumentException if no method does
   */
  static LayerMethod runningAsIs(WeightMatrix weights) {
    for (LayerMethod method : values()) {
      if (method.runsAsIs(weights)) {
        return method;
      }
    }
    throw new IllegalArgumentException("no layer method runs " + weights + " as it is");
  }

  /**
   * Row ranges ending at the fractions {@code cuts} of the work: by nonzeros for CSR, by rows
   * otherwise (a format whose rows cost unevenly overrides this).
   */
  RowPartition partition(WeightMatrix weights, double[] cuts) {
    return weights instanceof CsrMatrix csr ? RowPartition.byNonzeros(csr, cuts)
        : RowPartition.byRows(weights.rows(), cuts, 1);
  }

  /**
   * Runs rows {@code [begin, end)} of a layer this method built, trusting every argument: the
   * caller ({@link LinearOp}) validated them.
   */
  abstract void runRange(RawKernels kernels, WeightMatrix weights, int begin, int end,
      AlignedBuffer x, int batch, AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue);

  /** The CSR kernels of either index width: spmv at batch 1, spmm for a batch. */
  private static void runCsr(RawKernels kernels, CsrMatrix w, int begin, int end, AlignedBuffer x,
      int batch, AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
    if (batch == 1) {
      kernels.spmv(w, begin, end, x, bias, y, epilogue);
    } else {
      kernels.spmm(w, begin, end, x, batch, bias, y, epilogue);
    }
  }
}
