package org.sparsenn.engine;

import java.util.EnumSet;

/** How one fully connected layer is stored and computed. */
public enum LayerMethod {
  /** Dense weights, OpenBLAS sgemv/sgemm, then the fused epilogue. */
  DENSE_BLAS,
  /**
   * Dense weights, sparsenn's own SIMD kernels: gemv at batch 1, gemm for a batch (register
   * tiles over the feature-major batch, each weight read once per call, fused epilogue).
   */
  DENSE_SIMD,
  /**
   * Dense weights packed in 16-row panels, sparsenn's own SIMD kernel at every batch size: it
   * vectorises over output rows, so batches of 1 to 16 run at full vector width.
   */
  DENSE_PACKED,
  /** CSR with int32 column indices. */
  CSR,
  /** CSR with uint16 column indices (at most 65,536 inputs). */
  CSR16;

  /** The methods that store every weight: what a dense-only session may choose among. */
  public static EnumSet<LayerMethod> denseMethods() {
    return EnumSet.of(DENSE_BLAS, DENSE_SIMD, DENSE_PACKED);
  }

  /** Whether the weights are stored sparse. */
  public boolean isSparse() {
    return this == CSR || this == CSR16;
  }
}
