// NEON CSR SpMV, int32 column indices: x loaded lane by lane, scalar row tail, 4 row sums per
// epilogue. The kernel and its notes: f32-spmv-csr-neon.h.
#if defined(__aarch64__)

#include "f32-spmv-csr/f32-spmv-csr-neon.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmv_csr__neon(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                                       const int32_t* col_idx, const float* values, const float* x,
                                       const float* bias, float* y, int32_t act, float alpha) {
  snn_f32_spmv_csr_neon<int32_t>(row_begin, row_end, row_ptr, col_idx, values, x, bias, y, act,
                                 alpha);
}

#endif  // __aarch64__
