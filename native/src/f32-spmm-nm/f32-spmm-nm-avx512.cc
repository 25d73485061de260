// AVX-512 N:M SpMM, feature-major batch (layout: sparsenn/kernels.h): for each row and each
// chunk of 16 samples, the row's nonzero slots (found 16 at a time by vcmpps, walked by their
// bit mask, so zero slots cost no branch each) each add weight * x[col][chunk] with one FMA into
// two alternating accumulators; the epilogue on the chunk. A chunk beyond the batch is masked.
#if defined(__x86_64__)

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "math/avx512-math.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmm_nm__avx512(SNN_SPMM_NM_PARAMS) {
  (void)cols;
  const int32_t blocks = row_slots / 16;
  const __m512 valpha = _mm512_set1_ps(alpha);
  for (int32_t r = row_begin; r < row_end; r++) {
    const float* v = values + (int64_t)r * row_slots;
    const uint8_t* o = offsets + (int64_t)r * row_slots;
    for (int32_t c0 = 0; c0 < batch; c0 += 16) {
      const __mmask16 lanes = batch - c0 >= 16 ? (__mmask16)0xFFFF : snn_avx512_tail_mask(batch - c0);
      const float* xc = x + c0;
      __m512 acc0 = _mm512_setzero_ps();
      __m512 acc1 = _mm512_setzero_ps();
      for (int32_t b = 0; b < blocks; b++) {
        const float* vb = v + 16 * b;
        const uint8_t* ob = o + 16 * b;
        const int64_t base = (int64_t)b * window;
        uint32_t k = _mm512_cmp_ps_mask(_mm512_loadu_ps(vb), _mm512_setzero_ps(), _CMP_NEQ_UQ);
        while (k != 0) {
          const int i = __builtin_ctz(k);
          k &= k - 1;
          acc0 = _mm512_fmadd_ps(_mm512_set1_ps(vb[i]),
                                 _mm512_maskz_loadu_ps(lanes, xc + (base + ob[i]) * batch), acc0);
          if (k == 0) break;
          const int j = __builtin_ctz(k);
          k &= k - 1;
          acc1 = _mm512_fmadd_ps(_mm512_set1_ps(vb[j]),
                                 _mm512_maskz_loadu_ps(lanes, xc + (base + ob[j]) * batch), acc1);
        }
      }
      __m512 sum = _mm512_add_ps(acc0, acc1);
      if (bias != NULL) sum = _mm512_add_ps(sum, _mm512_set1_ps(bias[r]));
      _mm512_mask_storeu_ps(y + (int64_t)r * batch + c0, lanes, snn_avx512_act(sum, act, valpha));
    }
  }
}

#endif  // __x86_64__
