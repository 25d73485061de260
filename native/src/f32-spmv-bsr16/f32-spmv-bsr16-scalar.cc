// Reference SpMV on the bsr16 format (kernels.h): one fp32 accumulator per output row, the
// panel's blocks summed in order (a zero stored inside a block is multiplied like any value),
// then the epilogue.
#include "math/scalar-act.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmv_bsr16__scalar(SNN_SPMV_PARAMS(uint16_t)) {
  for (int32_t r = row_begin; r < row_end; r++) {
    const int32_t panel = r / SNN_BSR16_ROWS;
    const float* w = values + r % SNN_BSR16_ROWS;
    float acc = 0.0f;
    for (int32_t k = row_ptr[panel]; k < row_ptr[panel + 1]; k++) {
      acc += w[(int64_t)k * SNN_BSR16_ROWS] * x[col_idx[k]];
    }
    y[r] = snn_act_scalar(acc + (bias != NULL ? bias[r] : 0.0f), act, alpha);
  }
}
