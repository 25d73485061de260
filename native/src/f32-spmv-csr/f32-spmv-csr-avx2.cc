// AVX2 CSR SpMV, int32 column indices: x gathered by scalar loads into a ymm, masked row tail, 8
// row sums per epilogue. The kernel and its notes: f32-spmv-csr-avx2.h.
#if defined(__x86_64__)

#include "f32-spmv-csr/f32-spmv-csr-avx2.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmv_csr__avx2(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                                       const int32_t* col_idx, const float* values, const float* x,
                                       const float* bias, float* y, int32_t act, float alpha) {
  snn_f32_spmv_csr_avx2<int32_t>(row_begin, row_end, row_ptr, col_idx, values, x, bias, y, act,
                                 alpha);
}

#endif  // __x86_64__
