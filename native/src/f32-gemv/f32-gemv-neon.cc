// NEON dense GEMV for small layers: 4 rows at a time share each load of x (4 accumulators),
// scalar tail over columns, one horizontal add per row; the epilogue runs on 4 rows at once.
#if defined(__aarch64__)

#include <arm_neon.h>

#include "math/neon-math.h"
#include "snn-internal.h"

extern "C" void snn_f32_gemv__neon(SNN_GEMV_PARAMS) {
  const float32x4_t valpha = vdupq_n_f32(alpha);
  const int64_t nc = cols;
  const int64_t body = nc & ~(int64_t)3;
  float sums[4];
  for (int32_t r0 = row_begin; r0 < row_end; r0 += 4) {
    const int32_t n = row_end - r0 < 4 ? row_end - r0 : 4;
    if (n == 4) {
      // body: 4 rows at once
      const float* w0 = w + (int64_t)r0 * nc;
      const float* w1 = w0 + nc;
      const float* w2 = w1 + nc;
      const float* w3 = w2 + nc;
      float32x4_t acc0 = vdupq_n_f32(0.0f), acc1 = vdupq_n_f32(0.0f);
      float32x4_t acc2 = vdupq_n_f32(0.0f), acc3 = vdupq_n_f32(0.0f);
      int64_t c = 0;
      for (; c < body; c += 4) {
        const float32x4_t xv = vld1q_f32(x + c);
        acc0 = vfmaq_f32(acc0, vld1q_f32(w0 + c), xv);
        acc1 = vfmaq_f32(acc1, vld1q_f32(w1 + c), xv);
        acc2 = vfmaq_f32(acc2, vld1q_f32(w2 + c), xv);
        acc3 = vfmaq_f32(acc3, vld1q_f32(w3 + c), xv);
      }
      float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
      for (; c < nc; c++) {
        s0 += w0[c] * x[c];
        s1 += w1[c] * x[c];
        s2 += w2[c] * x[c];
        s3 += w3[c] * x[c];
      }
      sums[0] = vaddvq_f32(acc0) + s0;
      sums[1] = vaddvq_f32(acc1) + s1;
      sums[2] = vaddvq_f32(acc2) + s2;
      sums[3] = vaddvq_f32(acc3) + s3;
    } else {
      // tail: single rows
      for (int32_t i = 0; i < n; i++) {
        const float* w0 = w + (int64_t)(r0 + i) * nc;
        float32x4_t acc0 = vdupq_n_f32(0.0f);
        int64_t c = 0;
        for (; c < body; c += 4) acc0 = vfmaq_f32(acc0, vld1q_f32(w0 + c), vld1q_f32(x + c));
        float s = 0.0f;
        for (; c < nc; c++) s += w0[c] * x[c];
        sums[i] = vaddvq_f32(acc0) + s;
      }
    }
    snn_neon_store_rows(y, bias, r0, n, sums, act, valpha);
  }
}

#endif  // __aarch64__
