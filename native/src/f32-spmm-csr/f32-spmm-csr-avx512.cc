// AVX-512 CSR SpMM, int32 column indices, batch contiguous: register blocks of 64 samples (4 zmm),
// then a masked remainder. The tile and its notes: f32-spmm-csr-avx512.h.
#if defined(__x86_64__)

#include "f32-spmm-csr/f32-spmm-csr-avx512.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmm_csr__avx512(SNN_SPMM_PARAMS(int32_t)) {
  snn_spmm_csr_loop<SpmmCsrAvx512> SNN_SPMM_ARGS;
}

#endif  // __x86_64__
