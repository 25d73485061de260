package org.sparsenn.kernel;

import java.lang.System.Logger.Level;

/**
 * The one selector: chooses, once and from the same facts (native library loaded, OpenBLAS
 * bound, ISA cap), the layer kernels of {@link Kernels#best()} and the matrix product of
 * {@link Gemm#best()}, and logs why when either falls back.
 */
final class KernelSelection {
  private static final System.Logger LOG = System.getLogger(KernelSelection.class.getName());

  /** Property that caps the native ISA level: {@code scalar}, {@code avx2}, {@code avx512}, {@code neon}. */
  static final String ISA_PROPERTY = "sparsenn.isa";

  static final Kernels BEST = choose();
  /** The pure-Java matrix product: the reference, and the fallback. */
  static final GemmKernel JAVA_GEMM = new JavaGemm();
  /** OpenBLAS through {@link OpenBlas} where it is bound, else {@link #JAVA_GEMM}. */
  static final GemmKernel BEST_GEMM = chooseGemm();

  private KernelSelection() {}

  private static Kernels choose() {
    if (!NativeKernels.isLoaded()) {
      LOG.log(Level.WARNING, "sparsenn native library not loaded, using pure-Java kernels: {0}",
          String.valueOf(NativeKernels.loadFailure()));
      return JavaKernels.instance();
    }
    Isa best = NativeKernels.bestIsa();
    Isa isa;
    try {
      isa = cappedIsa(best, System.getProperty(ISA_PROPERTY));
    } catch (IllegalArgumentException e) {
      LOG.log(Level.WARNING, "ignoring -D{0}: {1}; using {2}", ISA_PROPERTY, e.getMessage(),
          best.label());
      isa = best;
    }
    LOG.log(Level.DEBUG, "sparsenn kernels: native {0}", isa.label());
    return NativeKernels.at(isa);
  }

  private static GemmKernel chooseGemm() {
    if (!NativeKernels.isLoaded()) {
      LOG.log(Level.DEBUG, "sparsenn gemm: pure Java (native library not loaded)");
      return JAVA_GEMM;
    }
    if (!OpenBlas.isAvailable()) {
      LOG.log(Level.WARNING, "OpenBLAS unavailable, gemm uses pure Java: {0}",
          String.valueOf(OpenBlas.failure()));
      return JAVA_GEMM;
    }
    return new BlasGemm();
  }

  /**
   * The best level at or below {@code cap} that the CPU runs; {@code best} when there is no cap.
   *
   * @throws IllegalArgumentException if the cap names no known level
   */
  static Isa cappedIsa(Isa best, String cap) {
    if (cap == null || cap.isBlank()) {
      return best;
    }
    Isa limit = Isa.parse(cap);
    if (best.isAtMost(limit)) {
      return best;
    }
    return limit.isAtMost(best) && NativeKernels.supports(limit) ? limit : Isa.SCALAR;
  }
}
