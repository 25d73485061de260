// NEON N:M SpMM, feature-major batch (layout: sparsenn/kernels.h): for each row and each chunk
// of 4 samples, each nonzero slot adds weight * x[col][chunk] with one FMA; the last chunk of
// a batch that is not a multiple of 4 goes through a padded local copy.
#if defined(__aarch64__)

#include <arm_neon.h>
#include <stddef.h>
#include <stdint.h>

#include "math/neon-math.h"
#include "snn-internal.h"

namespace {

static inline float32x4_t nm_load4(const float* p, int32_t n) {
  if (n >= 4) return vld1q_f32(p);
  float t[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  for (int32_t i = 0; i < n; i++) t[i] = p[i];
  return vld1q_f32(t);
}

}  // namespace

extern "C" void snn_f32_spmm_nm__neon(SNN_SPMM_NM_PARAMS) {
  (void)cols;
  const float32x4_t valpha = vdupq_n_f32(alpha);
  for (int32_t r = row_begin; r < row_end; r++) {
    const float* v = values + (int64_t)r * row_slots;
    const uint8_t* o = offsets + (int64_t)r * row_slots;
    for (int32_t c0 = 0; c0 < batch; c0 += 4) {
      const int32_t n = batch - c0 < 4 ? batch - c0 : 4;
      float32x4_t acc = vdupq_n_f32(0.0f);
      for (int32_t k = 0; k < row_slots; k++) {
        if (v[k] == 0.0f) continue;
        const int64_t col = (int64_t)(k / 16) * window + o[k];
        acc = vfmaq_n_f32(acc, nm_load4(x + col * batch + c0, n), v[k]);
      }
      float sums[4];
      vst1q_f32(sums, acc);
      const float b = bias != NULL ? bias[r] : 0.0f;
      float bs[4] = {b, b, b, b};
      float out[4];
      vst1q_f32(out, snn_neon_act(vaddq_f32(vld1q_f32(sums), vld1q_f32(bs)), act, valpha));
      for (int32_t i = 0; i < n; i++) y[(int64_t)r * batch + c0 + i] = out[i];
    }
  }
}

#endif  // __aarch64__
