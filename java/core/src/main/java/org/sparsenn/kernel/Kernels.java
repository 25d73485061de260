package org.sparsenn.kernel;

/**
 * Which kernels run the arithmetic: native code at one ISA level ({@link NativeKernels}) or
 * pure Java ({@link JavaKernels}). A handle to choose and name them; it has no arithmetic of its
 * own. Layers run through the validating facade ({@code engine.LinearOp}, {@code Session}),
 * which calls the unchecked {@link org.sparsenn.kernel.internal.RawKernels} behind it, as
 * {@link Gemm} does for matrix products.
 */
public sealed interface Kernels permits NativeKernels, JavaKernels {
  /** A short name for reports, e.g. {@code native-avx512} or {@code java}. */
  String name();

  /** Whether these kernels run native code. */
  boolean isNative();

  /**
   * The fastest kernels available: native at the best ISA this CPU runs, capped by the
   * {@code sparsenn.isa} system property, or {@link JavaKernels} when the native library cannot
   * load (or {@code sparsenn.native=false}); the reason is logged once.
   */
  static Kernels best() {
    return KernelSelection.BEST;
  }
}
