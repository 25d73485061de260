package org.sparsenn.engine;

/** How one fully connected layer is stored and computed. */
public enum LayerMethod {
  /** Dense weights, OpenBLAS sgemv/sgemm, then the fused epilogue. */
  DENSE_BLAS,
  /**
   * Dense weights, sparsenn's own SIMD kernels: gemv at batch 1, gemm for a batch (register
   * tiles over the feature-major batch, each weight read once per call, fused epilogue).
   */
  DENSE_SIMD,
  /** CSR with int32 column indices. */
  CSR,
  /** CSR with uint16 column indices (at most 65,536 inputs). */
  CSR16;

  /** Whether the weights are stored sparse. */
  public boolean isSparse() {
    return this == CSR || this == CSR16;
  }
}
