// AVX2 in-place epilogue: 8 samples per vector, masked tail per row.
#if defined(__x86_64__)

#include <immintrin.h>

#include "math/avx2-math.h"
#include "snn-internal.h"

extern "C" void snn_f32_bias_act__avx2(SNN_BIAS_ACT_PARAMS) {
  const __m256 valpha = _mm256_set1_ps(alpha);
  const int64_t nb = batch;
  const int64_t body = nb & ~(int64_t)7;
  const bool has_tail = body < nb;
  const __m256i mt = snn_avx2_tail_mask(nb - body);
  if (batch == 1) {
    // batch 1: 8 rows per vector
    for (int32_t r0 = row_begin; r0 < row_end; r0 += 8) {
      const int32_t n = row_end - r0 < 8 ? row_end - r0 : 8;
      snn_avx2_store_rows(y, bias, r0, n, y + r0, act, valpha);
    }
    return;
  }
  for (int32_t r = row_begin; r < row_end; r++) {
    const __m256 vb = _mm256_set1_ps(bias != NULL ? bias[r] : 0.0f);
    float* yr = y + (int64_t)r * nb;
    int64_t b = 0;
    for (; b < body; b += 8) {
      _mm256_storeu_ps(yr + b,
                       snn_avx2_act(_mm256_add_ps(_mm256_loadu_ps(yr + b), vb), act, valpha));
    }
    if (has_tail) {
      const __m256 v = _mm256_add_ps(_mm256_maskload_ps(yr + b, mt), vb);
      _mm256_maskstore_ps(yr + b, mt, snn_avx2_act(v, act, valpha));
    }
  }
}

#endif  // __x86_64__
