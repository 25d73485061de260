// Reference SpMM on the bsr16 format (kernels.h), feature-major batch: one fp32 accumulator per
// output, the panel's blocks summed in order, then the epilogue.
#include "math/scalar-act.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmm_bsr16__scalar(SNN_SPMM_PARAMS(uint16_t)) {
  const int64_t nb = batch;
  for (int32_t r = row_begin; r < row_end; r++) {
    const int32_t panel = r / SNN_BSR16_ROWS;
    const float* w = values + r % SNN_BSR16_ROWS;
    const float b = bias != NULL ? bias[r] : 0.0f;
    for (int64_t s = 0; s < nb; s++) {
      float acc = 0.0f;
      for (int32_t k = row_ptr[panel]; k < row_ptr[panel + 1]; k++) {
        acc += w[(int64_t)k * SNN_BSR16_ROWS] * x[col_idx[k] * nb + s];
      }
      y[r * nb + s] = snn_act_scalar(acc + b, act, alpha);
    }
  }
}
