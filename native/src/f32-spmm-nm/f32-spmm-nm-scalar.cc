// Reference N:M SpMM, feature-major batch (layout: sparsenn/kernels.h): for each row and each
// sample, one accumulator over the row's slots in order; zero slots are skipped.
#include "math/scalar-act.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmm_nm__scalar(SNN_SPMM_NM_PARAMS) {
  (void)cols;
  for (int32_t r = row_begin; r < row_end; r++) {
    const float* v = values + (int64_t)r * row_slots;
    const uint8_t* o = offsets + (int64_t)r * row_slots;
    for (int32_t b = 0; b < batch; b++) {
      float acc = 0.0f;
      for (int32_t k = 0; k < row_slots; k++) {
        if (v[k] != 0.0f) acc += v[k] * x[((int64_t)(k / 16) * window + o[k]) * batch + b];
      }
      if (bias != NULL) acc += bias[r];
      y[(int64_t)r * batch + b] = snn_act_scalar(acc, act, alpha);
    }
  }
}
