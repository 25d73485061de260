// NEON sell SpMV (layout: sparsenn/kernels.h). NEON has no float permute over a 64-input window
// short of byte tables (vqtbl4q_u8 covers 16 floats), so each quarter slot's 4 inputs are loaded
// lane by lane (zero lanes read nothing and add 0), then one FMA into that quarter's accumulator:
// the slice's 16 rows in four accumulators, no horizontal sum.
#if defined(__aarch64__)

#include <arm_neon.h>
#include <stddef.h>
#include <stdint.h>

#include "math/neon-math.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmv_sell__neon(SNN_SPMV_SELL_PARAMS) {
  const int32_t windows = (cols + SNN_SELL_WINDOW - 1) / SNN_SELL_WINDOW;
  const float32x4_t valpha = vdupq_n_f32(alpha);
  for (int32_t s = row_begin / 16; s * 16 < row_end; s++) {
    float32x4_t acc[4] = {vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f),
                          vdupq_n_f32(0.0f)};
    const uint8_t* counts = window_slots + (int64_t)s * windows;
    int64_t k = slice_slots[s];
    for (int32_t w = 0; w < windows; w++) {
      const float* xw = x + (int64_t)w * SNN_SELL_WINDOW;
      for (int32_t t = counts[w]; t > 0; t--, k++) {
        for (int q = 0; q < 4; q++) {
          const int64_t lane0 = 16 * k + 4 * q;
          acc[q] = snn_neon_fma_window4(values + lane0, offsets + lane0, xw, acc[q]);
        }
      }
    }
    float sums[16];
    for (int q = 0; q < 4; q++) vst1q_f32(sums + 4 * q, acc[q]);
    for (int l = 0; l < 16; l++) {
      const int32_t lane = s * 16 + l;
      if (lane >= row_end) break;
      if (lane >= row_begin && bias != NULL && lane_rows[lane] >= 0) {
        sums[l] += bias[lane_rows[lane]];
      }
    }
    for (int q = 0; q < 4; q++) {
      vst1q_f32(sums + 4 * q, snn_neon_act(vld1q_f32(sums + 4 * q), act, valpha));
    }
    for (int l = 0; l < 16; l++) {
      const int32_t lane = s * 16 + l;
      if (lane >= row_end) break;
      if (lane >= row_begin && lane_rows[lane] >= 0) y[lane_rows[lane]] = sums[l];
    }
  }
}

#endif  // __aarch64__
