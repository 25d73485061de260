// AVX2 CSR SpMV with uint16 column indices: per row, 8 nonzeros at a time (widen indices,
// vgatherdps of x), two accumulators, masked tail, one horizontal reduce per row; the epilogue
// runs on 8 row sums at once.
#if defined(__x86_64__)

#include <immintrin.h>

#include "math/avx2-math.h"
#include "snn-internal.h"

static inline __m256i snn_load_idx16(const uint16_t* p) {
  return _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i*)p));
}

extern "C" void snn_f32_spmv_csr16__avx2(int32_t row_begin, int32_t row_end,
                                         const int32_t* row_ptr, const uint16_t* col_idx,
                                         const float* values, const float* x, const float* bias,
                                         float* y, int32_t act, float alpha) {
  const __m256 valpha = _mm256_set1_ps(alpha);
  float sums[8];
  for (int32_t r0 = row_begin; r0 < row_end; r0 += 8) {
    const int32_t n = row_end - r0 < 8 ? row_end - r0 : 8;
    for (int32_t i = 0; i < n; i++) {
      int64_t k = row_ptr[r0 + i];
      const int64_t end = row_ptr[r0 + i + 1];
      __m256 acc0 = _mm256_setzero_ps();
      __m256 acc1 = _mm256_setzero_ps();
      // body: 16 nonzeros
      for (; k + 16 <= end; k += 16) {
        const __m256i i0 = snn_load_idx16(col_idx + k);
        const __m256i i1 = snn_load_idx16(col_idx + k + 8);
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(values + k), _mm256_i32gather_ps(x, i0, 4), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(values + k + 8), _mm256_i32gather_ps(x, i1, 4),
                               acc1);
      }
      if (k + 8 <= end) {
        const __m256i i0 = snn_load_idx16(col_idx + k);
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(values + k), _mm256_i32gather_ps(x, i0, 4), acc0);
        k += 8;
      }
      // tail: indices copied to a local block, masked gather
      if (k < end) {
        const int64_t t = end - k;
        const __m256i m = snn_avx2_tail_mask(t);
        uint16_t idx[8];
        for (int64_t j = 0; j < 8; j++) idx[j] = j < t ? col_idx[k + j] : 0;
        const __m256 xv = _mm256_mask_i32gather_ps(_mm256_setzero_ps(), x, snn_load_idx16(idx),
                                                   _mm256_castsi256_ps(m), 4);
        acc1 = _mm256_fmadd_ps(_mm256_maskload_ps(values + k, m), xv, acc1);
      }
      // reduce
      sums[i] = snn_avx2_reduce_add(_mm256_add_ps(acc0, acc1));
    }
    snn_avx2_store_rows(y, bias, r0, n, sums, act, valpha);
  }
}

#endif  // __x86_64__
