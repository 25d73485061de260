// Reference N:M SpMV (layout: sparsenn/kernels.h): one row at a time, one accumulator over the
// row's slots in order; a zero slot is skipped before its input is read, so padding never
// multiplies an input.
#include "math/scalar-act.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmv_nm__scalar(SNN_SPMV_NM_PARAMS) {
  (void)cols;
  for (int32_t r = row_begin; r < row_end; r++) {
    const float* v = values + (int64_t)r * row_slots;
    const uint8_t* o = offsets + (int64_t)r * row_slots;
    float acc = 0.0f;
    for (int32_t k = 0; k < row_slots; k++) {
      if (v[k] != 0.0f) acc += v[k] * x[(int64_t)(k / 16) * window + o[k]];
    }
    if (bias != NULL) acc += bias[r];
    y[r] = snn_act_scalar(acc, act, alpha);
  }
}
