// Reference sell SpMM, feature-major batch (layout: sparsenn/kernels.h): for each slice and
// sample, one accumulator per lane over the lane's slots in order; zero lanes are skipped.
#include "math/scalar-act.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmm_sell__scalar(SNN_SPMM_SELL_PARAMS) {
  const int32_t windows = (cols + SNN_SELL_WINDOW - 1) / SNN_SELL_WINDOW;
  for (int32_t s = row_begin / 16; s * 16 < row_end; s++) {
    for (int32_t b = 0; b < batch; b++) {
      float acc[16] = {0};
      int64_t k = slice_slots[s];
      for (int32_t w = 0; w < windows; w++) {
        const int64_t base = (int64_t)w * SNN_SELL_WINDOW;
        for (int32_t t = window_slots[(int64_t)s * windows + w]; t > 0; t--, k++) {
          for (int l = 0; l < 16; l++) {
            const float v = values[16 * k + l];
            if (v != 0.0f) acc[l] += v * x[(base + offsets[16 * k + l]) * batch + b];
          }
        }
      }
      for (int l = 0; l < 16; l++) {
        const int32_t lane = s * 16 + l;
        const int32_t r = lane_rows[lane];
        if (lane < row_begin || lane >= row_end || r < 0) continue;
        y[(int64_t)r * batch + b] =
            snn_act_scalar(bias != NULL ? acc[l] + bias[r] : acc[l], act, alpha);
      }
    }
  }
}
