// Reference kernel: y = act(y + bias[row]) in place, row by row.
#include "math/scalar-act.h"
#include "snn-internal.h"

extern "C" void snn_f32_bias_act__scalar(SNN_BIAS_ACT_PARAMS) {
  const int64_t nb = batch;
  for (int32_t r = row_begin; r < row_end; r++) {
    const float b0 = bias != NULL ? bias[r] : 0.0f;
    float* yr = y + (int64_t)r * nb;
    for (int64_t b = 0; b < nb; b++) yr[b] = snn_act_scalar(yr[b] + b0, act, alpha);
  }
}
