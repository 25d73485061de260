// Reference kernel: for each row and each sample, one accumulator over the row's nonzeros.
#include "math/scalar-act.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmm_csr16__scalar(int32_t row_begin, int32_t row_end,
                                           const int32_t* row_ptr, const uint16_t* col_idx,
                                           const float* values, const float* x, int32_t batch,
                                           const float* bias, float* y, int32_t act, float alpha) {
  const int64_t nb = batch;
  for (int32_t r = row_begin; r < row_end; r++) {
    const float b0 = bias != NULL ? bias[r] : 0.0f;
    for (int64_t b = 0; b < nb; b++) {
      float acc = 0.0f;
      for (int32_t k = row_ptr[r]; k < row_ptr[r + 1]; k++) {
        acc += values[k] * x[(int64_t)col_idx[k] * nb + b];
      }
      y[(int64_t)r * nb + b] = snn_act_scalar(acc + b0, act, alpha);
    }
  }
}
