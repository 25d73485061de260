// NEON in-place epilogue: 4 samples per vector, padded local block for the tail.
#if defined(__aarch64__)

#include <arm_neon.h>

#include "math/neon-math.h"
#include "snn-internal.h"

extern "C" void snn_f32_bias_act__neon(SNN_BIAS_ACT_PARAMS) {
  const float32x4_t valpha = vdupq_n_f32(alpha);
  const int64_t nb = batch;
  if (batch == 1) {
    // batch 1: 4 rows per vector
    for (int32_t r0 = row_begin; r0 < row_end; r0 += 4) {
      const int32_t n = row_end - r0 < 4 ? row_end - r0 : 4;
      float sums[4];
      for (int32_t i = 0; i < n; i++) sums[i] = y[r0 + i];
      snn_neon_store_rows(y, bias, r0, n, sums, act, valpha);
    }
    return;
  }
  for (int32_t r = row_begin; r < row_end; r++) {
    const float b = bias != NULL ? bias[r] : 0.0f;
    const float32x4_t vb = vdupq_n_f32(b);
    float* yr = y + (int64_t)r * nb;
    int64_t i = 0;
    for (; i + 4 <= nb; i += 4) {
      vst1q_f32(yr + i, snn_neon_act(vaddq_f32(vld1q_f32(yr + i), vb), act, valpha));
    }
    if (i < nb) {
      const float bb[4] = {b, b, b, b};
      snn_neon_store_partial(yr + i, (int32_t)(nb - i), yr + i, bb, act, valpha);
    }
  }
}

#endif  // __aarch64__
