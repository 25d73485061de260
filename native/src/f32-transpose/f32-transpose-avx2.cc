// AVX2 transpose, as f32-transpose-avx512.cc with 8-row groups: one gather per column of a
// group, the last group masked.
#if defined(__x86_64__)

#include <immintrin.h>

#include "math/avx2-math.h"
#include "snn-internal.h"

extern "C" void snn_f32_transpose__avx2(int32_t rows, int32_t cols, const float* src,
                                        float* dst) {
  // the gather offsets are int32: a group must span less than 2^31 floats
  if ((int64_t)cols * 16 > INT32_MAX) {
    snn_f32_transpose__scalar(rows, cols, src, dst);
    return;
  }
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i index = _mm256_mullo_epi32(lanes, _mm256_set1_epi32(cols));
  for (int32_t r0 = 0; r0 < rows; r0 += 8) {
    const int32_t n = rows - r0 < 8 ? rows - r0 : 8;
    const __m256i m = snn_avx2_tail_mask(n);
    const float* s = src + (int64_t)r0 * cols;
    float* d = dst + r0;
    for (int32_t c = 0; c < cols; c++) {
      const __m256 v =
          _mm256_mask_i32gather_ps(_mm256_setzero_ps(), s + c, index, _mm256_castsi256_ps(m), 4);
      _mm256_maskstore_ps(d + (int64_t)c * rows, m, v);
    }
  }
}

#endif  // __x86_64__
