// AVX-512 transpose, dst[c * rows + r] = src[r * cols + c]: for each group of 16 source rows,
// one gather per column collects the 16 values that are consecutive in dst (the last group
// masked). The Session turns row-major batches into the kernels' feature-major layout and back
// with it; gathers hit lines that the previous column brought into L1.
#if defined(__x86_64__)

#include <immintrin.h>

#include "math/avx512-math.h"
#include "snn-internal.h"

extern "C" void snn_f32_transpose__avx512(int32_t rows, int32_t cols, const float* src,
                                          float* dst) {
  // the gather offsets are int32: a group must span less than 2^31 floats
  if ((int64_t)cols * 16 > INT32_MAX) {
    snn_f32_transpose__scalar(rows, cols, src, dst);
    return;
  }
  const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512i index = _mm512_mullo_epi32(lanes, _mm512_set1_epi32(cols));
  for (int32_t r0 = 0; r0 < rows; r0 += 16) {
    const int32_t n = rows - r0 < 16 ? rows - r0 : 16;
    const __mmask16 m = n == 16 ? (__mmask16)0xFFFF : snn_avx512_tail_mask(n);
    const float* s = src + (int64_t)r0 * cols;
    float* d = dst + r0;
    for (int32_t c = 0; c < cols; c++) {
      const __m512 v = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, index, s + c, 4);
      _mm512_mask_storeu_ps(d + (int64_t)c * rows, m, v);
    }
  }
}

#endif  // __x86_64__
