// AVX-512 in-place epilogue: 16 samples per vector, masked tail per row.
#if defined(__x86_64__)

#include <immintrin.h>

#include "math/avx512-math.h"
#include "snn-internal.h"

extern "C" void snn_f32_bias_act__avx512(SNN_BIAS_ACT_PARAMS) {
  const __m512 valpha = _mm512_set1_ps(alpha);
  const int64_t nb = batch;
  const int64_t body = nb & ~(int64_t)15;
  const __mmask16 mt = snn_avx512_tail_mask(nb - body);
  if (batch == 1) {
    // batch 1: 16 rows per vector
    for (int32_t r0 = row_begin; r0 < row_end; r0 += 16) {
      const int32_t n = row_end - r0 < 16 ? row_end - r0 : 16;
      snn_avx512_store_rows(y, bias, r0, n, y + r0, act, valpha);
    }
    return;
  }
  for (int32_t r = row_begin; r < row_end; r++) {
    const __m512 vb = _mm512_set1_ps(bias != NULL ? bias[r] : 0.0f);
    float* yr = y + (int64_t)r * nb;
    int64_t b = 0;
    for (; b < body; b += 16) {
      _mm512_storeu_ps(yr + b,
                       snn_avx512_act(_mm512_add_ps(_mm512_loadu_ps(yr + b), vb), act, valpha));
    }
    if (mt != 0) {
      const __m512 v = _mm512_add_ps(_mm512_maskz_loadu_ps(mt, yr + b), vb);
      _mm512_mask_storeu_ps(yr + b, mt, snn_avx512_act(v, act, valpha));
    }
  }
}

#endif  // __x86_64__
