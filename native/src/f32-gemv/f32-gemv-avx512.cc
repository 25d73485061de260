// AVX-512 dense GEMV for small layers: 4 rows at a time share each load of x (4 independent
// accumulators hide the FMA latency), masked tail over columns, one reduce per row; the
// epilogue runs on 16 row sums at once.
#if defined(__x86_64__)

#include <immintrin.h>

#include "math/avx512-math.h"
#include "snn-internal.h"

extern "C" void snn_f32_gemv__avx512(SNN_GEMV_PARAMS) {
  const __m512 valpha = _mm512_set1_ps(alpha);
  const int64_t nc = cols;
  const int64_t body = nc & ~(int64_t)15;
  const __mmask16 mt = snn_avx512_tail_mask(nc - body);
  float sums[16];
  for (int32_t r0 = row_begin; r0 < row_end; r0 += 16) {
    const int32_t n = row_end - r0 < 16 ? row_end - r0 : 16;
    int32_t i = 0;
    // body: 4 rows at once
    for (; i + 4 <= n; i += 4) {
      const float* w0 = w + (int64_t)(r0 + i) * nc;
      const float* w1 = w0 + nc;
      const float* w2 = w1 + nc;
      const float* w3 = w2 + nc;
      __m512 acc0 = _mm512_setzero_ps();
      __m512 acc1 = _mm512_setzero_ps();
      __m512 acc2 = _mm512_setzero_ps();
      __m512 acc3 = _mm512_setzero_ps();
      int64_t c = 0;
      for (; c < body; c += 16) {
        const __m512 xv = _mm512_loadu_ps(x + c);
        acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(w0 + c), xv, acc0);
        acc1 = _mm512_fmadd_ps(_mm512_loadu_ps(w1 + c), xv, acc1);
        acc2 = _mm512_fmadd_ps(_mm512_loadu_ps(w2 + c), xv, acc2);
        acc3 = _mm512_fmadd_ps(_mm512_loadu_ps(w3 + c), xv, acc3);
      }
      if (mt != 0) {
        const __m512 xv = _mm512_maskz_loadu_ps(mt, x + c);
        acc0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mt, w0 + c), xv, acc0);
        acc1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mt, w1 + c), xv, acc1);
        acc2 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mt, w2 + c), xv, acc2);
        acc3 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mt, w3 + c), xv, acc3);
      }
      sums[i] = _mm512_reduce_add_ps(acc0);
      sums[i + 1] = _mm512_reduce_add_ps(acc1);
      sums[i + 2] = _mm512_reduce_add_ps(acc2);
      sums[i + 3] = _mm512_reduce_add_ps(acc3);
    }
    // tail: single rows, two accumulators
    for (; i < n; i++) {
      const float* w0 = w + (int64_t)(r0 + i) * nc;
      __m512 acc0 = _mm512_setzero_ps();
      __m512 acc1 = _mm512_setzero_ps();
      int64_t c = 0;
      for (; c + 32 <= body; c += 32) {
        acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(w0 + c), _mm512_loadu_ps(x + c), acc0);
        acc1 = _mm512_fmadd_ps(_mm512_loadu_ps(w0 + c + 16), _mm512_loadu_ps(x + c + 16), acc1);
      }
      for (; c < body; c += 16) {
        acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(w0 + c), _mm512_loadu_ps(x + c), acc0);
      }
      if (mt != 0) {
        acc1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mt, w0 + c), _mm512_maskz_loadu_ps(mt, x + c),
                               acc1);
      }
      sums[i] = _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
    }
    snn_avx512_store_rows(y, bias, r0, n, sums, act, valpha);
  }
}

#endif  // __x86_64__
