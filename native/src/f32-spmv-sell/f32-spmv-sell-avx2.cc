// AVX2 sell SpMV (layout: sparsenn/kernels.h). AVX2 has no two-register permute (a 64-input
// window would take eight vpermps and seven blends per 8 lanes), so each half slot's 8 inputs
// come from one masked vgatherdps off the window's start (offsets widened with vpmovzxbd); zero
// lanes are masked off, so they add exactly 0 whatever x holds. Rows 0-7 and 8-15 of the slice
// in two accumulators, no horizontal sum; the planner times it against csr16 on AVX2 machines.
#if defined(__x86_64__)

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "math/avx2-math.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmv_sell__avx2(SNN_SPMV_SELL_PARAMS) {
  const int32_t windows = (cols + SNN_SELL_WINDOW - 1) / SNN_SELL_WINDOW;
  const __m256 valpha = _mm256_set1_ps(alpha);
  for (int32_t s = row_begin / 16; s * 16 < row_end; s++) {
    __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
    const uint8_t* counts = window_slots + (int64_t)s * windows;
    int64_t k = slice_slots[s];
    for (int32_t w = 0; w < windows; w++) {
      const float* xw = x + (int64_t)w * SNN_SELL_WINDOW;
      for (int32_t t = counts[w]; t > 0; t--, k++) {
        lo = snn_avx2_fma_window8(values + 16 * k, offsets + 16 * k, xw, lo);
        hi = snn_avx2_fma_window8(values + 16 * k + 8, offsets + 16 * k + 8, xw, hi);
      }
    }
    float sums[16];
    _mm256_storeu_ps(sums, lo);
    _mm256_storeu_ps(sums + 8, hi);
    for (int l = 0; l < 16; l++) {
      const int32_t lane = s * 16 + l;
      if (lane >= row_end) break;
      if (lane >= row_begin && bias != NULL && lane_rows[lane] >= 0) {
        sums[l] += bias[lane_rows[lane]];
      }
    }
    _mm256_storeu_ps(sums, snn_avx2_act(_mm256_loadu_ps(sums), act, valpha));
    _mm256_storeu_ps(sums + 8, snn_avx2_act(_mm256_loadu_ps(sums + 8), act, valpha));
    for (int l = 0; l < 16; l++) {
      const int32_t lane = s * 16 + l;
      if (lane >= row_end) break;
      if (lane >= row_begin && lane_rows[lane] >= 0) y[lane_rows[lane]] = sums[l];
    }
  }
}

#endif  // __x86_64__
