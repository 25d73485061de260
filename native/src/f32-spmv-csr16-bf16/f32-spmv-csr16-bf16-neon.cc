// NEON CSR SpMV, uint16 column indices, bf16 values widened by vshll: the csr16 tile over
// another value type. The tile and its notes: f32-spmv-csr/f32-spmv-csr-neon.h.
#if defined(__aarch64__)

#include "f32-spmv-csr/f32-spmv-csr-neon.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmv_csr16_bf16__neon(SNN_SPMV_BF16_PARAMS(uint16_t)) {
  snn_spmv_csr_loop<SpmvCsrNeon> SNN_SPMV_ARGS;
}

#endif  // __aarch64__
