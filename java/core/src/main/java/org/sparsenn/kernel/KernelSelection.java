package org.sparsenn.kernel;

import java.lang.System.Logger.Level;

/** Chooses {@link Kernels#best()} once, and logs why when it falls back. */
final class KernelSelection {
  private static final System.Logger LOG = System.getLogger(KernelSelection.class.getName());

  /** Property that caps the native ISA level: {@code scalar}, {@code avx2}, {@code avx512}, {@code neon}. */
  static final String ISA_PROPERTY = "sparsenn.isa";

  static final Kernels BEST = choose();

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
