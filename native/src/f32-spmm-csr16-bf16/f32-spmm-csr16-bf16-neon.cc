// NEON CSR SpMM, uint16 column indices, bf16 values, batch contiguous. The tile and its notes:
// f32-spmm-csr/f32-spmm-csr-neon.h.
#if defined(__aarch64__)

#include "f32-spmm-csr/f32-spmm-csr-neon.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmm_csr16_bf16__neon(SNN_SPMM_BF16_PARAMS(uint16_t)) {
  snn_spmm_csr_loop<SpmmCsrNeon> SNN_SPMM_ARGS;
}

#endif  // __aarch64__
