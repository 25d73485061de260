// AVX-512 CSR SpMV: per row, 16 nonzeros at a time (vgatherdps of x), two accumulators to hide
// FMA/gather latency, masked gather for the tail, one horizontal reduce per row; the epilogue
// runs on 16 row sums at once.
#if defined(__x86_64__)

#include <immintrin.h>

#include "math/avx512-math.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmv_csr__avx512(int32_t row_begin, int32_t row_end,
                                         const int32_t* row_ptr, const int32_t* col_idx,
                                         const float* values, const float* x, const float* bias,
                                         float* y, int32_t act, float alpha) {
  const __m512 valpha = _mm512_set1_ps(alpha);
  float sums[16];
  for (int32_t r0 = row_begin; r0 < row_end; r0 += 16) {
    const int32_t n = row_end - r0 < 16 ? row_end - r0 : 16;
    for (int32_t i = 0; i < n; i++) {
      int64_t k = row_ptr[r0 + i];
      const int64_t end = row_ptr[r0 + i + 1];
      __m512 acc0 = _mm512_setzero_ps();
      __m512 acc1 = _mm512_setzero_ps();
      // body: 32 nonzeros
      for (; k + 32 <= end; k += 32) {
        const __m512i i0 = _mm512_loadu_si512(col_idx + k);
        const __m512i i1 = _mm512_loadu_si512(col_idx + k + 16);
        acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(values + k), _mm512_i32gather_ps(i0, x, 4), acc0);
        acc1 = _mm512_fmadd_ps(_mm512_loadu_ps(values + k + 16), _mm512_i32gather_ps(i1, x, 4),
                               acc1);
      }
      if (k + 16 <= end) {
        const __m512i i0 = _mm512_loadu_si512(col_idx + k);
        acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(values + k), _mm512_i32gather_ps(i0, x, 4), acc0);
        k += 16;
      }
      // tail: masked
      if (k < end) {
        const __mmask16 m = snn_avx512_tail_mask(end - k);
        const __m512i i0 = _mm512_maskz_loadu_epi32(m, col_idx + k);
        const __m512 xv = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, i0, x, 4);
        acc1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, values + k), xv, acc1);
      }
      // reduce
      sums[i] = _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
    }
    snn_avx512_store_rows(y, bias, r0, n, sums, act, valpha);
  }
}

#endif  // __x86_64__
