// AVX-512 CSR SpMV, uint16 column indices: x gathered by scalar loads into a zmm, masked row tail,
// 16 row sums per epilogue. The tile and its notes: f32-spmv-csr/f32-spmv-csr-avx512.h.
#if defined(__x86_64__)

#include "f32-spmv-csr/f32-spmv-csr-avx512.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmv_csr16__avx512(SNN_SPMV_PARAMS(uint16_t)) {
  snn_spmv_csr_loop<SpmvCsrAvx512> SNN_SPMV_ARGS;
}

#endif  // __x86_64__
