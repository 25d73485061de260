// NEON N:M SpMV (layout: sparsenn/kernels.h). NEON has no float permute over a 32-input
// window short of four-register byte tables (vqtbl4q_u8 covers 16 floats), so the inputs of 4
// slots are loaded lane by lane (zero slots read nothing and add 0), then one FMA; two
// accumulators, the epilogue on 4 row sums at once.
#if defined(__aarch64__)

#include <arm_neon.h>
#include <stddef.h>
#include <stdint.h>

#include "math/neon-math.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmv_nm__neon(SNN_SPMV_NM_PARAMS) {
  (void)cols;
  const int32_t blocks = row_slots / 16;
  const float32x4_t valpha = vdupq_n_f32(alpha);
  float sums[4];
  for (int32_t r0 = row_begin; r0 < row_end; r0 += 4) {
    const int32_t n = row_end - r0 < 4 ? row_end - r0 : 4;
    for (int32_t i = 0; i < n; i++) {
      const float* v = values + (int64_t)(r0 + i) * row_slots;
      const uint8_t* o = offsets + (int64_t)(r0 + i) * row_slots;
      float32x4_t acc0 = vdupq_n_f32(0.0f);
      float32x4_t acc1 = vdupq_n_f32(0.0f);
      for (int32_t b = 0; b < blocks; b++) {
        const float* xw = x + (int64_t)b * window;
        const int32_t s = 16 * b;
        acc0 = snn_neon_fma_window4(v + s, o + s, xw, acc0);
        acc1 = snn_neon_fma_window4(v + s + 4, o + s + 4, xw, acc1);
        acc0 = snn_neon_fma_window4(v + s + 8, o + s + 8, xw, acc0);
        acc1 = snn_neon_fma_window4(v + s + 12, o + s + 12, xw, acc1);
      }
      sums[i] = vaddvq_f32(vaddq_f32(acc0, acc1));
    }
    snn_neon_store_rows(y, bias, r0, n, sums, act, valpha);
  }
}

#endif  // __aarch64__
