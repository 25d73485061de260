// AVX2 CSR SpMV, uint16 column indices, bf16 values (4 bytes per nonzero) widened in registers:
// the csr16 tile over another value type. The tile and its notes: f32-spmv-csr/f32-spmv-csr-avx2.h.
#if defined(__x86_64__)

#include "f32-spmv-csr/f32-spmv-csr-avx2.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmv_csr16_bf16__avx2(SNN_SPMV_BF16_PARAMS(uint16_t)) {
  snn_spmv_csr_loop<SpmvCsrAvx2> SNN_SPMV_ARGS;
}

#endif  // __x86_64__
