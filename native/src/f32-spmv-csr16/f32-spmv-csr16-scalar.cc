// Reference kernel, uint16 column indices: one row at a time, one accumulator, the order of the
// nonzeros. The kernel and its notes: f32-spmv-csr/f32-spmv-csr-scalar.h.
#include "f32-spmv-csr/f32-spmv-csr-scalar.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmv_csr16__scalar(int32_t row_begin, int32_t row_end,
                                           const int32_t* row_ptr, const uint16_t* col_idx,
                                           const float* values, const float* x, const float* bias,
                                           float* y, int32_t act, float alpha) {
  snn_f32_spmv_csr_scalar<uint16_t>(row_begin, row_end, row_ptr, col_idx, values, x, bias, y, act,
                                    alpha);
}
