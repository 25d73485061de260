package org.sparsenn.kernel;

import java.lang.System.Logger.Level;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * The process's one dense-BLAS provider: OpenBLAS from the JavaCPP presets, loaded once. The
 * native inference kernels ({@code gemv_blas}, {@code gemm_blas}) call its {@code cblas_sgemv}
 * and {@code cblas_sgemm} through addresses bound into native code, which keeps the fused
 * epilogue on the native side; training's {@link BlasGemm} calls the same library through the
 * presets. Its thread count is set here only, for both.
 */
final class OpenBlas {
  private static final System.Logger LOG = System.getLogger(OpenBlas.class.getName());
  /** Property: OpenBLAS threads (the engine owns parallelism, so 1 by default). */
  static final String THREADS_PROPERTY = "sparsenn.blas.threads";

  // OpenBLAS's getter is unreliable, so the last count set is remembered here.
  private static int threads = Integer.getInteger(THREADS_PROPERTY, 1);

  private OpenBlas() {}

  /**
   * Loads the presets' OpenBLAS at the configured thread count and binds its sgemv and sgemm
   * into the native kernels; called once, by {@link NativeKernels} after its own library loaded.
   *
   * @return null, or why OpenBLAS is unavailable (logged)
   */
  static Throwable loadAndBind() {
    try {
      String library = Loader.load(openblas_nolapack.class);
      LOG.log(Level.DEBUG, "OpenBLAS from the presets: {0}", library);
      openblas_nolapack.blas_set_num_threads(threads);
      Pointer sgemv = Loader.addressof("cblas_sgemv");
      Pointer sgemm = Loader.addressof("cblas_sgemm");
      if (sgemv == null || sgemm == null) {
        throw new UnsatisfiedLinkError("cblas_sgemv/cblas_sgemm not found in the loaded OpenBLAS");
      }
      NativeKernels.snn_blas_bind(sgemv, sgemm);
      return null;
    } catch (Throwable t) {
      LOG.log(Level.WARNING, "OpenBLAS unavailable, dense BLAS kernels disabled: {0}",
          t.toString());
      return t;
    }
  }

  /** Whether OpenBLAS is loaded and bound. */
  static boolean isAvailable() {
    return NativeKernels.isBlasBound();
  }

  /** Why OpenBLAS is not available: the native library's or OpenBLAS's load failure. */
  static Throwable failure() {
    return NativeKernels.isLoaded() ? NativeKernels.blasFailure() : NativeKernels.loadFailure();
  }

  /**
   * Sets the thread count for the whole process (remembered without OpenBLAS).
   *
   * @return the count in force before
   * @throws IllegalArgumentException if {@code count < 1}
   */
  static synchronized int setThreads(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("BLAS threads must be at least 1, got " + count);
    }
    int before = threads;
    if (isAvailable()) {
      openblas_nolapack.blas_set_num_threads(count);
    }
    threads = count;
    return before;
  }
}
