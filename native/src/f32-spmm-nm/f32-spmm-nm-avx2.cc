// AVX2 N:M SpMM, feature-major batch (layout: sparsenn/kernels.h): for each row and each
// chunk of 8 samples, the row's nonzero slots (found 8 at a time by vcmpps + vmovmskps, walked
// by their bit mask) each add weight * x[col][chunk] with one FMA into two alternating
// accumulators; the epilogue on the chunk. A chunk beyond the batch is masked.
#if defined(__x86_64__)

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "math/avx2-math.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmm_nm__avx2(SNN_SPMM_NM_PARAMS) {
  (void)cols;
  const int32_t blocks = row_slots / 16;
  const __m256 valpha = _mm256_set1_ps(alpha);
  for (int32_t r = row_begin; r < row_end; r++) {
    const float* v = values + (int64_t)r * row_slots;
    const uint8_t* o = offsets + (int64_t)r * row_slots;
    for (int32_t c0 = 0; c0 < batch; c0 += 8) {
      const __m256i lanes = snn_avx2_tail_mask(batch - c0 >= 8 ? 8 : batch - c0);
      const float* xc = x + c0;
      __m256 acc0 = _mm256_setzero_ps();
      __m256 acc1 = _mm256_setzero_ps();
      for (int32_t s = 0; s < 2 * blocks; s++) {
        const float* vs = v + 8 * s;
        const uint8_t* os = o + 8 * s;
        const int64_t base = (int64_t)(s / 2) * window;
        uint32_t k = (uint32_t)_mm256_movemask_ps(
            _mm256_cmp_ps(_mm256_loadu_ps(vs), _mm256_setzero_ps(), _CMP_NEQ_UQ));
        while (k != 0) {
          const int i = __builtin_ctz(k);
          k &= k - 1;
          acc0 = _mm256_fmadd_ps(_mm256_set1_ps(vs[i]),
                                 _mm256_maskload_ps(xc + (base + os[i]) * batch, lanes), acc0);
          if (k == 0) break;
          const int j = __builtin_ctz(k);
          k &= k - 1;
          acc1 = _mm256_fmadd_ps(_mm256_set1_ps(vs[j]),
                                 _mm256_maskload_ps(xc + (base + os[j]) * batch, lanes), acc1);
        }
      }
      __m256 sum = _mm256_add_ps(acc0, acc1);
      if (bias != NULL) sum = _mm256_add_ps(sum, _mm256_set1_ps(bias[r]));
      _mm256_maskstore_ps(y + (int64_t)r * batch + c0, lanes, snn_avx2_act(sum, act, valpha));
    }
  }
}

#endif  // __x86_64__
