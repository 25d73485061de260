package org.sparsenn.kernel;

/**
 * One implementation behind {@link Gemm}: trusts its arguments (the facade validated them, and
 * {@code m} and {@code n} are positive).
 */
interface GemmKernel {
  /** A short name for reports. */
  String name();

  /** See {@link Gemm#sgemm}. */
  void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, AlignedBuffer a,
      long aOffset, int lda, AlignedBuffer b, long bOffset, int ldb, float beta, AlignedBuffer c,
      long cOffset, int ldc);
}
