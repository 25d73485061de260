// AVX-512 CSR SpMM, uint16 column indices, bf16 values (each widened once per block pass and
// broadcast), batch contiguous. The tile and its notes: f32-spmm-csr/f32-spmm-csr-avx512.h.
#if defined(__x86_64__)

#include "f32-spmm-csr/f32-spmm-csr-avx512.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmm_csr16_bf16__avx512(SNN_SPMM_BF16_PARAMS(uint16_t)) {
  snn_spmm_csr_loop<SpmmCsrAvx512> SNN_SPMM_ARGS;
}

#endif  // __x86_64__
