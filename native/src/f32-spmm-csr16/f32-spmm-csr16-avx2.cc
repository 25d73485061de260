// AVX2 CSR SpMM, uint16 column indices, batch contiguous: register blocks of 32 samples (4 ymm),
// then a masked remainder. The tile and its notes: f32-spmm-csr/f32-spmm-csr-avx2.h.
#if defined(__x86_64__)

#include "f32-spmm-csr/f32-spmm-csr-avx2.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmm_csr16__avx2(SNN_SPMM_PARAMS(uint16_t)) {
  snn_spmm_csr_loop<SpmmCsrAvx2> SNN_SPMM_ARGS;
}

#endif  // __x86_64__
