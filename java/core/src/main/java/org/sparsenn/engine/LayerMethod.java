package org.sparsenn.engine;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.stream.Collectors;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.Epilogue;
import org.sparsenn.kernel.IndexWidth;
import org.sparsenn.kernel.BlockOperand;
import org.sparsenn.kernel.PackedOperand;
import org.sparsenn.kernel.SellOperand;
import org.sparsenn.kernel.internal.RawKernels;
import org.sparsenn.sparse.Bf16CsrMatrix;
import org.sparsenn.sparse.BlockMatrix;
import org.sparsenn.sparse.CscMatrix;
import org.sparsenn.sparse.CsrMatrix;
import org.sparsenn.sparse.DenseMatrix;
import org.sparsenn.sparse.NmMatrix;
import org.sparsenn.sparse.NmPattern;
import org.sparsenn.sparse.PackedMatrix;
import org.sparsenn.sparse.RowPartition;
import org.sparsenn.sparse.SellMatrix;
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
 * {@link org.sparsenn.io.snn.LayerStorage}; a format that the file does not store (the packed,
 * csc16 and sell ones) is built from the dense weights when a session starts.
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
   * Sparse, column-major within panels of output rows (uint16 row offsets): the kernels walk
   * only the nonzero inputs, so their cost falls with the fraction of inputs that are exact
   * zeros (after ReLU). Slower than CSR on dense inputs; batched, a feature is skipped only when
   * it is zero in every sample. Built from the dense weights when a session starts.
   */
  CSC16(true) {
    // Tall panels amortise each nonzero input's column lookups (measured: 1024-row panels beat
    // 256-row ones by 1.2-1.9x at batch 1); threads split layers taller than this.
    private static final int MAX_PANEL_ROWS = 2048;

    @Override
    WeightMatrix build(float[] weights, int rows, int cols) {
      return CscMatrix.fromDense(weights, rows, cols, panelRows(rows));
    }

    @Override
    public long storageBytes(int rows, int cols, long nonzeros) {
      return CscMatrix.storageBytes(rows, cols, nonzeros, panelRows(rows));
    }

    @Override
    public boolean skipsZeroInputs() {
      return true;
    }

    @Override
    RowPartition partition(WeightMatrix weights, double[] cuts) {
      return RowPartition.byRows(weights.rows(), cuts, ((CscMatrix) weights).panelRows());
    }

    @Override
    void runRange(RawKernels kernels, WeightMatrix weights, int begin, int end, AlignedBuffer x,
        int batch, AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
      CscMatrix w = (CscMatrix) weights;
      if (batch == 1) {
        kernels.spmvCsc(w, begin, end, x, bias, y, epilogue);
      } else {
        kernels.spmmCsc(w, begin, end, x, batch, bias, y, epilogue);
      }
    }

    private static int panelRows(int rows) {
      return Math.max(1, Math.min(rows, MAX_PANEL_ROWS));
    }
  },
  /**
   * CSR with uint16 column indices and bf16 values (4 bytes per nonzero instead of 6): lossy,
   * chosen only when the session's {@link Precision} allows bf16.
   */
  CSR16_BF16(true) {
    @Override
    IndexWidth indexWidth() {
      return IndexWidth.UINT16;
    }

    @Override
    public Precision precision() {
      return Precision.BF16;
    }

    @Override
    WeightMatrix build(float[] weights, int rows, int cols) {
      if (!fits(cols)) {
        throw new IllegalArgumentException(limitDescription() + ", the layer has " + cols);
      }
      return Bf16CsrMatrix.fromDense(weights, rows, cols);
    }

    @Override
    public long storageBytes(int rows, int cols, long nonzeros) {
      return Bf16CsrMatrix.storageBytes(rows, nonzeros);
    }

    @Override
    boolean runsAsIs(WeightMatrix weights) {
      return weights instanceof Bf16CsrMatrix;
    }

    @Override
    RowPartition partition(WeightMatrix weights, double[] cuts) {
      return RowPartition.byNonzeros((Bf16CsrMatrix) weights, cuts);
    }

    @Override
    void runRange(RawKernels kernels, WeightMatrix weights, int begin, int end, AlignedBuffer x,
        int batch, AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
      Bf16CsrMatrix w = (Bf16CsrMatrix) weights;
      if (batch == 1) {
        kernels.spmv(w, begin, end, x, bias, y, epilogue);
      } else {
        kernels.spmm(w, begin, end, x, batch, bias, y, epilogue);
      }
    }
  },
  /**
   * Block-sparse in 16x1 blocks (panels of 16 rows, one uint16 column per kept block, at most
   * 65,536 inputs): one index and one broadcast of x per 16 values. For weights pruned in such
   * blocks; the planner offers it only where the blocks are mostly full
   * ({@link #MIN_BLOCK_FILL}).
   */
  BSR16(true) {
    @Override
    IndexWidth indexWidth() {
      return IndexWidth.UINT16;
    }

    @Override
    WeightMatrix build(float[] weights, int rows, int cols) {
      return BlockMatrix.of(weights, rows, cols);
    }

    /** The best case: the nonzeros fill whole blocks. */
    @Override
    public long storageBytes(int rows, int cols, long nonzeros) {
      return BlockMatrix.storageBytes(rows, fullBlocks(nonzeros));
    }

    @Override
    public long storedWeights(int rows, int cols, long nonzeros) {
      return fullBlocks(nonzeros) * BlockOperand.PANEL_ROWS;
    }

    @Override
    Footprint footprint(float[] weights, int rows, int cols, long nonzeros) {
      long blocks = BlockMatrix.countBlocks(weights, rows, cols);
      return new Footprint(blocks * BlockOperand.PANEL_ROWS,
          BlockMatrix.storageBytes(rows, blocks));
    }

    @Override
    boolean suits(Footprint footprint, long nonzeros) {
      return nonzeros >= MIN_BLOCK_FILL * footprint.storedWeights();
    }

    @Override
    boolean runsAsIs(WeightMatrix weights) {
      return weights instanceof BlockMatrix;
    }

    @Override
    RowPartition partition(WeightMatrix weights, double[] cuts) {
      return RowPartition.byRows(weights.rows(), cuts, BlockOperand.PANEL_ROWS);
    }

    @Override
    void runRange(RawKernels kernels, WeightMatrix weights, int begin, int end, AlignedBuffer x,
        int batch, AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
      kernels.spmmBlock((BlockMatrix) weights, begin, end, x, batch, bias, y, epilogue);
    }

    private static long fullBlocks(long nonzeros) {
      return (nonzeros + BlockOperand.PANEL_ROWS - 1) / BlockOperand.PANEL_ROWS;
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
    Footprint footprint(float[] weights, int rows, int cols, long nonzeros) {
      NmPattern pattern = NmPattern.tightest(weights, rows, cols);
      return new Footprint(NmMatrix.storedSlots(rows, cols, pattern),
          NmMatrix.storageBytes(rows, cols, pattern));
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
  },
  /**
   * Unstructured sparse in sliced ELL over 64-input windows ({@link SellMatrix}): 16 rows side
   * by side, one SIMD lane each, each slot's inputs picked out of a window of x with permutes,
   * so a nonzero costs a vector lane instead of a scalar load of x, and a slice pads each window
   * to its fullest row (about 40% of the lanes at 90% random sparsity). Built for batch 1 from
   * the dense weights when a session starts; batched, the planner prices it by measurement.
   */
  SELL(true) {
    @Override
    WeightMatrix build(float[] weights, int rows, int cols) {
      return SellMatrix.fromDense(weights, rows, cols);
    }

    /**
     * An estimate for a layer known only by its nonzeros: the padded slots expected of
     * nonzeros spread uniformly at random at that density ({@link SellMatrix#expectedSlots}).
     */
    @Override
    public long storageBytes(int rows, int cols, long nonzeros) {
      return SellMatrix.storageBytes(rows, cols, expectedSlots(rows, cols, nonzeros));
    }

    /** An estimate, as {@link #storageBytes(int, int, long)}: 16 lanes per expected slot. */
    @Override
    public long storedWeights(int rows, int cols, long nonzeros) {
      return SellOperand.SLICE_LANES * expectedSlots(rows, cols, nonzeros);
    }

    @Override
    Footprint footprint(float[] weights, int rows, int cols, long nonzeros) {
      long slots = SellMatrix.countSlots(weights, rows, cols);
      return new Footprint(SellOperand.SLICE_LANES * slots,
          SellMatrix.storageBytes(rows, cols, slots));
    }

    @Override
    public boolean fits(int cols) {
      return cols <= SellMatrix.MAX_COLUMNS;
    }

    @Override
    String limitDescription() {
      return name() + " takes at most " + SellMatrix.MAX_COLUMNS + " inputs";
    }

    /** Whole sorting groups: a lane range aligned to them writes exactly its rows. */
    @Override
    RowPartition partition(WeightMatrix weights, double[] cuts) {
      return RowPartition.byRows(weights.rows(), cuts, SellOperand.GROUP_ROWS);
    }

    @Override
    void runRange(RawKernels kernels, WeightMatrix weights, int begin, int end, AlignedBuffer x,
        int batch, AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
      SellMatrix w = (SellMatrix) weights;
      if (batch == 1) {
        kernels.spmvSell(w, begin, end, x, bias, y, epilogue);
      } else {
        kernels.spmmSell(w, begin, end, x, batch, bias, y, epilogue);
      }
    }

    private static long expectedSlots(int rows, int cols, long nonzeros) {
      return Math.round(SellMatrix.expectedSlots(rows, cols, density(rows, cols, nonzeros)));
    }
  };

  /**
   * The least fraction of a block-sparse layer's stored values that must be nonzero for the
   * planner to offer {@link #BSR16}. Measured on Zen 4 (1024 x 1024), a 16x1 block costs about
   * 0.46 ns against 0.33 ns per csr16 nonzero, so blocks pay from about 9% fill; a quarter keeps
   * a margin and bounds the values stored to four times the nonzeros (unstructured 90% sparsity
   * fills its 16x1 blocks about 12%).
   */
  static final double MIN_BLOCK_FILL = 0.25;

  /** What one pass over a layer stored by a method reads: the planner's cost-model input. */
  record Footprint(long storedWeights, long storageBytes) {}

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

  /**
   * The precision the weights are stored at: {@link Precision#FP32} (exact) unless the method
   * rounds them; a session runs a method only if its {@link SessionOptions#precision()} allows
   * this.
   */
  public Precision precision() {
    return Precision.FP32;
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

  private static double density(int rows, int cols, long nonzeros) {
    long all = (long) rows * cols;
    return all == 0 ? 1.0 : (double) nonzeros / all;
  }

  /** Weights stored for a {@code rows x cols} layer with {@code nonzeros} nonzero weights. */
  public long storedWeights(int rows, int cols, long nonzeros) {
    return sparse ? nonzeros : (long) rows * cols;
  }

  /**
   * Whether this method's cost falls with the fraction of inputs that are exact zeros (its
   * kernels skip them); the planner prices such a method by the zeros it measured on
   * calibration inputs, and as if every input were nonzero without them.
   */
  public boolean skipsZeroInputs() {
    return false;
  }

  /**
   * The weights this method stores for these weights and the bytes a pass reads: what the
   * matrix it builds reports, and the planner's cost-model input. The default is the
   * nonzero-count formula; a block format counts its blocks.
   */
  Footprint footprint(float[] weights, int rows, int cols, long nonzeros) {
    return new Footprint(storedWeights(rows, cols, nonzeros),
        storageBytes(rows, cols, nonzeros));
  }

  /**
   * Whether the planner should offer this method for a layer with this footprint and
   * {@code nonzeros} nonzero weights: false for a block format whose blocks the nonzeros fill
   * poorly. Forcing the method still builds it.
   */
  boolean suits(Footprint footprint, long nonzeros) {
    return true;
  }

  /** The column-index width of a CSR or block method; null for the dense ones. */
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
