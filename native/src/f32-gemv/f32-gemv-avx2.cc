// AVX2 dense GEMV for small layers: 4 rows at a time share each load of x (4 independent
// accumulators hide the FMA latency), masked tail over columns, one reduce per row; the
// epilogue runs on 8 row sums at once.
#if defined(__x86_64__)

#include <immintrin.h>

#include "math/avx2-math.h"
#include "snn-internal.h"

extern "C" void snn_f32_gemv__avx2(SNN_GEMV_PARAMS) {
  const __m256 valpha = _mm256_set1_ps(alpha);
  const int64_t nc = cols;
  const int64_t body = nc & ~(int64_t)7;
  const bool has_tail = body < nc;
  const __m256i mt = snn_avx2_tail_mask(nc - body);
  float sums[8];
  for (int32_t r0 = row_begin; r0 < row_end; r0 += 8) {
    const int32_t n = row_end - r0 < 8 ? row_end - r0 : 8;
    int32_t i = 0;
    // body: 4 rows at once
    for (; i + 4 <= n; i += 4) {
      const float* w0 = w + (int64_t)(r0 + i) * nc;
      const float* w1 = w0 + nc;
      const float* w2 = w1 + nc;
      const float* w3 = w2 + nc;
      __m256 acc0 = _mm256_setzero_ps();
      __m256 acc1 = _mm256_setzero_ps();
      __m256 acc2 = _mm256_setzero_ps();
      __m256 acc3 = _mm256_setzero_ps();
      int64_t c = 0;
      for (; c < body; c += 8) {
        const __m256 xv = _mm256_loadu_ps(x + c);
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(w0 + c), xv, acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(w1 + c), xv, acc1);
        acc2 = _mm256_fmadd_ps(_mm256_loadu_ps(w2 + c), xv, acc2);
        acc3 = _mm256_fmadd_ps(_mm256_loadu_ps(w3 + c), xv, acc3);
      }
      if (has_tail) {
        const __m256 xv = _mm256_maskload_ps(x + c, mt);
        acc0 = _mm256_fmadd_ps(_mm256_maskload_ps(w0 + c, mt), xv, acc0);
        acc1 = _mm256_fmadd_ps(_mm256_maskload_ps(w1 + c, mt), xv, acc1);
        acc2 = _mm256_fmadd_ps(_mm256_maskload_ps(w2 + c, mt), xv, acc2);
        acc3 = _mm256_fmadd_ps(_mm256_maskload_ps(w3 + c, mt), xv, acc3);
      }
      sums[i] = snn_avx2_reduce_add(acc0);
      sums[i + 1] = snn_avx2_reduce_add(acc1);
      sums[i + 2] = snn_avx2_reduce_add(acc2);
      sums[i + 3] = snn_avx2_reduce_add(acc3);
    }
    // tail: single rows, two accumulators
    for (; i < n; i++) {
      const float* w0 = w + (int64_t)(r0 + i) * nc;
      __m256 acc0 = _mm256_setzero_ps();
      __m256 acc1 = _mm256_setzero_ps();
      int64_t c = 0;
      for (; c + 16 <= body; c += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(w0 + c), _mm256_loadu_ps(x + c), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(w0 + c + 8), _mm256_loadu_ps(x + c + 8), acc1);
      }
      for (; c < body; c += 8) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(w0 + c), _mm256_loadu_ps(x + c), acc0);
      }
      if (has_tail) {
        acc1 = _mm256_fmadd_ps(_mm256_maskload_ps(w0 + c, mt), _mm256_maskload_ps(x + c, mt), acc1);
      }
      sums[i] = snn_avx2_reduce_add(_mm256_add_ps(acc0, acc1));
    }
    snn_avx2_store_rows(y, bias, r0, n, sums, act, valpha);
  }
}

#endif  // __x86_64__
