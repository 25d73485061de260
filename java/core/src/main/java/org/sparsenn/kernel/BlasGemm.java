package org.sparsenn.kernel;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * {@link Gemm} through OpenBLAS's {@code cblas_sgemm} from the JavaCPP presets, on the
 * buffers' native addresses: nothing is copied across JNI. The library is {@link OpenBlas}, the
 * same one the native inference kernels call; it is loaded and threaded there.
 */
final class BlasGemm implements GemmKernel {
  private static final int ROW_MAJOR = openblas_nolapack.CblasRowMajor;
  private static final int NO_TRANS = openblas_nolapack.CblasNoTrans;
  private static final int TRANS = openblas_nolapack.CblasTrans;

  @Override
  public String name() {
    return "openblas";
  }

  @Override
  public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      AlignedBuffer a, long aOffset, int lda, AlignedBuffer b, long bOffset, int ldb, float beta,
      AlignedBuffer c, long cOffset, int ldc) {
    openblas_nolapack.cblas_sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS,
        transB ? TRANS : NO_TRANS, m, n, k, alpha, at(a, aOffset), lda, at(b, bOffset), ldb,
        beta, at(c, cOffset), ldc);
  }

  private static FloatPointer at(AlignedBuffer buffer, long floatOffset) {
    return new AddressPointer(buffer.address() + floatOffset * Float.BYTES);
  }

  /** A pointer at a raw address that it does not own (no deallocator): made without JNI. */
  private static final class AddressPointer extends FloatPointer {
    AddressPointer(long address) {
      this.address = address;
    }
  }
}
