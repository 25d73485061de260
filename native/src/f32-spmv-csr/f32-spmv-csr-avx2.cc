// AVX2 CSR SpMV, int32 column indices: x gathered by scalar loads into a ymm, masked row tail, 8
// row sums per epilogue. The tile and its notes: f32-spmv-csr-avx2.h.
#if defined(__x86_64__)

#include "f32-spmv-csr/f32-spmv-csr-avx2.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmv_csr__avx2(SNN_SPMV_PARAMS(int32_t)) {
  snn_spmv_csr_loop<SpmvCsrAvx2> SNN_SPMV_ARGS;
}

#endif  // __x86_64__
