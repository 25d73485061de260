// Reference kernel: one row at a time, one accumulator, the order of the nonzeros.
#include "math/scalar-act.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmv_csr__scalar(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                                         const int32_t* col_idx, const float* values,
                                         const float* x, const float* bias, float* y, int32_t act,
                                         float alpha) {
  for (int32_t r = row_begin; r < row_end; r++) {
    float acc = 0.0f;
    for (int32_t k = row_ptr[r]; k < row_ptr[r + 1]; k++) {
      acc += values[k] * x[col_idx[k]];
    }
    if (bias != NULL) acc += bias[r];
    y[r] = snn_act_scalar(acc, act, alpha);
  }
}
