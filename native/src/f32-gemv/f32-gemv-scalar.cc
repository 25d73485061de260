// Reference kernel: one row at a time, one accumulator, columns in order.
#include "math/scalar-act.h"
#include "snn-internal.h"

extern "C" void snn_f32_gemv__scalar(SNN_GEMV_PARAMS) {
  for (int32_t r = row_begin; r < row_end; r++) {
    const float* wr = w + (int64_t)r * cols;
    float acc = 0.0f;
    for (int32_t c = 0; c < cols; c++) acc += wr[c] * x[c];
    if (bias != NULL) acc += bias[r];
    y[r] = snn_act_scalar(acc, act, alpha);
  }
}
