package org.sparsenn.kernel.internal;

import org.sparsenn.kernel.ActivationFunction;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.CscOperand;
import org.sparsenn.kernel.BlockOperand;
import org.sparsenn.kernel.CsrOperand;
import org.sparsenn.kernel.DenseOperand;
import org.sparsenn.kernel.Epilogue;
import org.sparsenn.kernel.NmOperand;
import org.sparsenn.kernel.SellOperand;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.kernel.PackedOperand;

/**
 * Internal: the arithmetic of one fully connected layer, {@code y = f(W x + bias)}, over a row
 * range {@code [rowBegin, rowEnd)}, with no checks at all. Applications never call this: they
 * run layers through the validating facade, {@code engine.LinearOp} (and {@code Session}),
 * which checks buffer sizes, the batch and the row ranges once per call. A row range or buffer
 * that does not fit the matrix reads or writes out of bounds in native code and can crash the
 * JVM. The engine, the kernel conformance tests and the call-overhead benchmark are its callers.
 *
 * <p>Vectors are indexed by absolute row, so a row range writes only {@code y[rowBegin ..
 * rowEnd)} and reads the whole input. Batched operations use the feature-major layout of the
 * native header: input {@code x[c * batch + b]}, output {@code y[r * batch + b]}. {@code bias}
 * may be null. Outputs never alias inputs. Methods are thread-safe for disjoint output ranges.
 */
public interface RawKernels {
  /**
   * The arithmetic behind a {@link Kernels} handle (every implementation is both).
   *
   * @throws NullPointerException if {@code kernels} is null
   */
  static RawKernels of(Kernels kernels) {
    return (RawKernels) java.util.Objects.requireNonNull(kernels, "kernels");
  }

  /** The name of the kernels, as {@link Kernels#name()}. */
  String name();

  /** Whether they run native code, as {@link Kernels#isNative()}. */
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
   * Sparse matrix in column panels times vector: only the columns whose input is nonzero are
   * read (NaN and infinities are nonzero). Any row range; ranges on panel boundaries waste
   * nothing.
   */
  void spmvCsc(CscOperand a, int rowBegin, int rowEnd, AlignedBuffer x, AlignedBuffer bias,
      AlignedBuffer y, Epilogue epilogue);

  /**
   * Sparse matrix in column panels times a batch, feature-major: a feature is skipped when it
   * is zero in every sample.
   */
  void spmmCsc(CscOperand a, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue);

  /**
   * Block-sparse matrix in 16x1 blocks times a batch, feature-major, any batch (1 is a
   * matrix-vector product): native kernels vectorise over the 16 rows of a block, one index and
   * one broadcast of x per block. Any row range.
   */
  void spmmBlock(BlockOperand w, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue);

  /** N:M semi-structured matrix times vector. */
  void spmvNm(NmOperand a, int rowBegin, int rowEnd, AlignedBuffer x, AlignedBuffer bias,
      AlignedBuffer y, Epilogue epilogue);

  /** N:M semi-structured matrix times a batch, feature-major. */
  void spmmNm(NmOperand a, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue);

  /**
   * One step's recurrent gate math, fused, in place ({@code snn_f32_gates} in the native
   * header). For unit {@code j < hidden} of sequence {@code b < batch} and gate row block
   * {@code g}: {@code p_g = projected[projectedOffset + (g * hidden + j) * projectedStride + b]}
   * (this step's column of the feature-major projection of all steps),
   * {@code q_g = product[(g * hidden + j) * batch + b]}, the state {@code h[j * batch + b]} and
   * {@code c[j * batch + b]} updated in place, and the new h written again to
   * {@code out[outOffset + j * outStride + b]} (the output sequence) unless {@code out} is
   * null. {@code c} is unused (may be null) for {@link GateCell#GRU} and {@link GateCell#RNN};
   * {@code activation} applies to {@link GateCell#RNN} only. Offsets and strides count floats.
   * Native kernels compute sigmoid and tanh with vector approximations: h, c and out within
   * {@code 8e-6 (1 + |h| + |c| + sum |q_g|)} of this interface's Java implementation per step.
   */
  void gates(GateCell cell, int hidden, int batch, AlignedBuffer projected, long projectedOffset,
      int projectedStride, AlignedBuffer product, AlignedBuffer h, AlignedBuffer c,
      AlignedBuffer out, long outOffset, int outStride, ActivationFunction activation);

  /**
   * Sliced-ELL matrix ({@link SellOperand}) times vector. The range counts lanes: it starts on
   * a multiple of 16, and lanes {@code [rowBegin, rowEnd)} write their rows (for a range
   * aligned to {@link SellOperand#GROUP_ROWS}, or ending at the row count, exactly the rows in
   * it).
   */
  void spmvSell(SellOperand a, int rowBegin, int rowEnd, AlignedBuffer x, AlignedBuffer bias,
      AlignedBuffer y, Epilogue epilogue);

  /** Sliced-ELL matrix times a batch, feature-major; the range as for {@link #spmvSell}. */
  void spmmSell(SellOperand a, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue);
}
