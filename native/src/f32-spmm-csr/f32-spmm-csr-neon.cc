// NEON CSR SpMM, int32 column indices, batch contiguous: register blocks of 16 samples (4 q), then
// 4, then scalar. The tile and its notes: f32-spmm-csr-neon.h.
#if defined(__aarch64__)

#include "f32-spmm-csr/f32-spmm-csr-neon.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmm_csr__neon(SNN_SPMM_PARAMS(int32_t)) {
  snn_spmm_csr_loop<SpmmCsrNeon> SNN_SPMM_ARGS;
}

#endif  // __aarch64__
