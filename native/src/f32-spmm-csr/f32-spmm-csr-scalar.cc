// Reference kernel, int32 column indices: for each row and each sample, one accumulator over the
// row's nonzeros. The kernel and its notes: f32-spmm-csr-scalar.h.
#include "f32-spmm-csr/f32-spmm-csr-scalar.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmm_csr__scalar(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                                         const int32_t* col_idx, const float* values,
                                         const float* x, int32_t batch, const float* bias, float* y,
                                         int32_t act, float alpha) {
  snn_f32_spmm_csr_scalar<int32_t>(row_begin, row_end, row_ptr, col_idx, values, x, batch, bias, y,
                                   act, alpha);
}
