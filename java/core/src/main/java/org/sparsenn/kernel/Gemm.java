package org.sparsenn.kernel;

import java.util.Objects;

/**
 * Single-precision matrix multiply on {@link AlignedBuffer}s, row-major, BLAS-style:
 * {@code C = alpha * op(A) * op(B) + beta * C}, where {@code op(X)} is {@code X} or its
 * transpose, {@code op(A)} is {@code m x k}, {@code op(B)} is {@code k x n} and {@code C} is
 * {@code m x n}. Matrices start at a float offset in their buffer and have a leading dimension
 * (the distance between rows, in floats), as in {@code cblas_sgemm(CblasRowMajor, ...)}.
 *
 * <p>This class is the validating facade; the implementation behind it (OpenBLAS from the
 * JavaCPP presets, or a blocked pure-Java loop) trusts what it is given. {@link #best()} is
 * OpenBLAS when the native library and OpenBLAS are loaded, else the pure-Java one, chosen
 * like {@link Kernels#best()} ({@code -Dsparsenn.native=false} forces pure Java). When
 * {@code beta} is 0, {@code C} is not read (NaNs in it do not propagate). {@code C} must not
 * overlap {@code A} or {@code B}. Thread-safe for disjoint outputs.
 */
public final class Gemm {
  private static final Gemm JAVA = new Gemm(KernelSelection.JAVA_GEMM);
  private static final Gemm BEST = KernelSelection.BEST_GEMM == KernelSelection.JAVA_GEMM
      ? JAVA : new Gemm(KernelSelection.BEST_GEMM);

  private final GemmKernel kernel;

  private Gemm(GemmKernel kernel) {
    this.kernel = kernel;
  }

  /**
   * OpenBLAS where it is loaded, else {@link #java()}, as {@link KernelSelection} chose it with
   * {@link Kernels#best()}; the reason for a fallback is logged.
   */
  public static Gemm best() {
    return BEST;
  }

  /** The blocked pure-Java implementation: the reference, and the fallback. */
  public static Gemm java() {
    return JAVA;
  }

  /**
   * OpenBLAS through the JavaCPP presets.
   *
   * @throws IllegalStateException if the native library or OpenBLAS did not load
   */
  public static Gemm blas() {
    if (!OpenBlas.isAvailable()) {
      throw new IllegalStateException("OpenBLAS is not available: " + OpenBlas.failure());
    }
    return new Gemm(new BlasGemm());
  }

  /**
   * Sets OpenBLAS's thread count for the whole process (a no-op without OpenBLAS): the
   * engine's calls assume 1 (see {@code sparsenn.blas.threads}), so callers that raise it
   * restore it afterwards.
   *
   * @return the count in force before
   * @throws IllegalArgumentException if {@code threads < 1}
   */
  public static int setBlasThreads(int threads) {
    return OpenBlas.setThreads(threads);
  }

  /** A short name for reports: {@code openblas} or {@code java}. */
  public String name() {
    return kernel.name();
  }

  /** Whether this runs native code. */
  public boolean isNative() {
    return kernel instanceof BlasGemm;
  }

  /**
   * {@code C = alpha * op(A) * op(B) + beta * C}, all row-major.
   *
   * @param transA whether {@code op(A)} is {@code A} transposed ({@code A} stored {@code k x m})
   * @param transB whether {@code op(B)} is {@code B} transposed ({@code B} stored {@code n x k})
   * @param aOffset index of A's first float in {@code a}; likewise {@code bOffset},
   *     {@code cOffset}
   * @param lda floats between rows of A as stored; likewise {@code ldb}, {@code ldc}
   * @throws NullPointerException if a buffer is null
   * @throws IllegalArgumentException if a size is negative, a leading dimension is smaller than
   *     its stored row, or a matrix does not fit its buffer
   * @throws IllegalStateException if a buffer is closed or {@code c} is sealed
   */
  public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      AlignedBuffer a, long aOffset, int lda, AlignedBuffer b, long bOffset, int ldb, float beta,
      AlignedBuffer c, long cOffset, int ldc) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    Objects.requireNonNull(c, "c");
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException("gemm sizes must be non-negative, got m=" + m + " n="
          + n + " k=" + k);
    }
    checkMatrix("A", a, aOffset, transA ? k : m, transA ? m : k, lda);
    checkMatrix("B", b, bOffset, transB ? n : k, transB ? k : n, ldb);
    checkMatrix("C", c, cOffset, m, n, ldc);
    if (c.isSealed()) {
      throw new IllegalStateException("gemm output C is sealed (read-only)");
    }
    if (m == 0 || n == 0) {
      return;
    }
    kernel.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c,
        cOffset, ldc);
  }

  private static void checkMatrix(String name, AlignedBuffer buffer, long offset, int rows,
      int cols, int ld) {
    if (buffer.isClosed()) {
      throw new IllegalStateException("gemm operand " + name + " is closed");
    }
    if (ld < Math.max(1, cols)) {
      throw new IllegalArgumentException("leading dimension of " + name + " is " + ld
          + ", its stored rows have " + cols + " columns");
    }
    long last = rows == 0 || cols == 0 ? offset : offset + (long) (rows - 1) * ld + cols;
    if (offset < 0 || last > buffer.floatCapacity()) {
      throw new IllegalArgumentException("gemm operand " + name + " (" + rows + " x " + cols
          + ", leading dimension " + ld + ", offset " + offset + ") does not fit its buffer of "
          + buffer.floatCapacity() + " floats");
    }
  }

  @Override
  public String toString() {
    return "Gemm[" + name() + "]";
  }
}
