package org.sparsenn.kernel;

/**
 * The arithmetic of one fully connected layer, {@code y = f(W x + bias)}, over a row range
 * {@code [rowBegin, rowEnd)}.
 *
 * <p>Implementations trust their arguments: callers (matrices and the engine) validate sizes
 * once. A row range or buffer that does not fit the matrix, passed straight to
 * {@link NativeKernels}, reads or writes out of bounds and can crash the JVM; applications call
 * kernels through the validating {@code engine} classes instead. Vectors are indexed by absolute row, so a row range writes only
 * {@code y[rowBegin .. rowEnd)} and reads the whole input. Batched operations use the
 * feature-major layout of the native header: input {@code x[c * batch + b]}, output
 * {@code y[r * batch + b]}. {@code bias} may be null. Outputs never alias inputs. Methods are
 * thread-safe for disjoint output ranges.
 */
public interface Kernels {
  /** A short name for reports, e.g. {@code native-avx512} or {@code java}. */
  String name();

  /** Whether these kernels run native code. */
  boolean isNative();

  /** Sparse matrix times vector. */
  void spmv(CsrOperand a, int rowBegin, int rowEnd, AlignedBuffer x, AlignedBuffer bias,
      AlignedBuffer y, Epilogue epilogue);

  /** Sparse matrix times a batch, feature-major. */
  void spmm(CsrOperand a, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue);

  /** Dense matrix times vector, with this implementation's own loops. */
  void gemv(DenseOperand w, int rowBegin, int rowEnd, AlignedBuffer x, AlignedBuffer bias,
      AlignedBuffer y, Epilogue epilogue);

  /** Dense matrix times vector through BLAS where this implementation has it. */
  void gemvBlas(DenseOperand w, int rowBegin, int rowEnd, AlignedBuffer x, AlignedBuffer bias,
      AlignedBuffer y, Epilogue epilogue);

  /**
   * Dense matrix times a batch, feature-major, with this implementation's own loops: native
   * kernels read each weight once per call and fuse the epilogue; any batch size.
   */
  void gemm(DenseOperand w, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue);

  /**
   * Dense matrix in 16-row panels times a batch, feature-major, any batch (1 is a
   * matrix-vector product): native kernels vectorise over output rows, so small batches run at
   * full vector width. Any row range; ranges that start on a panel boundary waste nothing.
   */
  void gemmPacked(PackedOperand w, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue);

  /** Dense matrix times a batch, feature-major, through BLAS where this implementation has it. */
  void gemmBlas(DenseOperand w, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue);

  /**
   * Softmax over the {@code features} rows of each of the {@code batch} columns
   * (feature-major). {@code x} and {@code y} may be the same buffer.
   */
  void softmax(int features, int batch, AlignedBuffer x, AlignedBuffer y);

  /**
   * {@code dst[c * rows + r] = src[r * cols + c]}: a row-major batch ({@code rows} samples) to
   * the feature-major layout, and back with rows and cols swapped. The buffers must not be
   * the same.
   */
  void transpose(int rows, int cols, AlignedBuffer src, AlignedBuffer dst);

  /**
   * The fastest kernels available: native at the best ISA this CPU runs, capped by the
   * {@code sparsenn.isa} system property, or {@link JavaKernels} when the native library cannot
   * load (or {@code sparsenn.native=false}); the reason is logged once.
   */
  static Kernels best() {
    return KernelSelection.BEST;
  }
}
