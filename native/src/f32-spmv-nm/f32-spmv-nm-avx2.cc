// AVX2 N:M SpMV (layout: sparsenn/kernels.h). AVX2 has no two-register permute, and a 2:4
// block's 32-input window would take four vpermps and three blends per 8 slots, so the inputs
// of 8 slots come from one masked vgatherdps (offsets widened with vpmovzxbd, plus the block's
// window start); zero slots are masked off, so they add exactly 0 whatever x holds. Two
// accumulators, one reduce per row, the epilogue on 8 row sums at once.
#if defined(__x86_64__)

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "math/avx2-math.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmv_nm__avx2(SNN_SPMV_NM_PARAMS) {
  (void)cols;
  const int32_t blocks = row_slots / 16;
  const __m256 valpha = _mm256_set1_ps(alpha);
  float sums[8];
  for (int32_t r0 = row_begin; r0 < row_end; r0 += 8) {
    const int32_t n = row_end - r0 < 8 ? row_end - r0 : 8;
    for (int32_t i = 0; i < n; i++) {
      const float* v = values + (int64_t)(r0 + i) * row_slots;
      const uint8_t* o = offsets + (int64_t)(r0 + i) * row_slots;
      __m256 acc0 = _mm256_setzero_ps();
      __m256 acc1 = _mm256_setzero_ps();
      for (int32_t b = 0; b < blocks; b++) {
        const float* xw = x + (int64_t)b * window;
        acc0 = snn_avx2_fma_window8(v + 16 * b, o + 16 * b, xw, acc0);
        acc1 = snn_avx2_fma_window8(v + 16 * b + 8, o + 16 * b + 8, xw, acc1);
      }
      sums[i] = snn_avx2_reduce_add(_mm256_add_ps(acc0, acc1));
    }
    snn_avx2_store_rows(y, bias, r0, n, sums, act, valpha);
  }
}

#endif  // __x86_64__
