// AVX2 transpose, dst[c * rows + r] = src[r * cols + c], also the AVX-512 table's: blocks of
// 8 x 8 go through registers (8 row loads, 24 shuffles, 8 column stores); the columns past the
// last full block of a group of 8 rows, and a last group of fewer rows, take one masked gather
// per column. The Session turns row-major batches into the kernels' feature-major layout and
// back with it. (A gather per column for everything, as before, spent about 10% of the mlp's
// batch-64 call in the input transpose.)
#if defined(__x86_64__)

#include <immintrin.h>

#include "math/avx2-math.h"
#include "snn-internal.h"

namespace {

// Transposes the 8 x 8 block at s (row stride src_stride) into d (row stride dst_stride).
inline void transpose8x8(const float* s, int64_t src_stride, float* d, int64_t dst_stride) {
  const __m256 r0 = _mm256_loadu_ps(s);
  const __m256 r1 = _mm256_loadu_ps(s + src_stride);
  const __m256 r2 = _mm256_loadu_ps(s + 2 * src_stride);
  const __m256 r3 = _mm256_loadu_ps(s + 3 * src_stride);
  const __m256 r4 = _mm256_loadu_ps(s + 4 * src_stride);
  const __m256 r5 = _mm256_loadu_ps(s + 5 * src_stride);
  const __m256 r6 = _mm256_loadu_ps(s + 6 * src_stride);
  const __m256 r7 = _mm256_loadu_ps(s + 7 * src_stride);
  // pairs of rows interleaved, then quadruples, then the 128-bit halves exchanged
  const __m256 t0 = _mm256_unpacklo_ps(r0, r1);
  const __m256 t1 = _mm256_unpackhi_ps(r0, r1);
  const __m256 t2 = _mm256_unpacklo_ps(r2, r3);
  const __m256 t3 = _mm256_unpackhi_ps(r2, r3);
  const __m256 t4 = _mm256_unpacklo_ps(r4, r5);
  const __m256 t5 = _mm256_unpackhi_ps(r4, r5);
  const __m256 t6 = _mm256_unpacklo_ps(r6, r7);
  const __m256 t7 = _mm256_unpackhi_ps(r6, r7);
  const __m256 u0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 u1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 u2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 u3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 u4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 u5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 u6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 u7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
  _mm256_storeu_ps(d, _mm256_permute2f128_ps(u0, u4, 0x20));
  _mm256_storeu_ps(d + dst_stride, _mm256_permute2f128_ps(u1, u5, 0x20));
  _mm256_storeu_ps(d + 2 * dst_stride, _mm256_permute2f128_ps(u2, u6, 0x20));
  _mm256_storeu_ps(d + 3 * dst_stride, _mm256_permute2f128_ps(u3, u7, 0x20));
  _mm256_storeu_ps(d + 4 * dst_stride, _mm256_permute2f128_ps(u0, u4, 0x31));
  _mm256_storeu_ps(d + 5 * dst_stride, _mm256_permute2f128_ps(u1, u5, 0x31));
  _mm256_storeu_ps(d + 6 * dst_stride, _mm256_permute2f128_ps(u2, u6, 0x31));
  _mm256_storeu_ps(d + 7 * dst_stride, _mm256_permute2f128_ps(u3, u7, 0x31));
}

}  // namespace

extern "C" void snn_f32_transpose__avx2(SNN_TRANSPOSE_PARAMS) {
  // the gather offsets are int32: a group must span less than 2^31 floats
  if ((int64_t)cols * 8 > INT32_MAX) {
    snn_f32_transpose__scalar(rows, cols, src, dst);
    return;
  }
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i index = _mm256_mullo_epi32(lanes, _mm256_set1_epi32(cols));
  for (int32_t r0 = 0; r0 < rows; r0 += 8) {
    const int32_t n = rows - r0 < 8 ? rows - r0 : 8;
    const float* s = src + (int64_t)r0 * cols;
    float* d = dst + r0;
    int32_t c = 0;
    if (n == 8) {
      for (; c + 8 <= cols; c += 8) {
        transpose8x8(s + c, cols, d + (int64_t)c * rows, rows);
      }
    }
    const __m256i m = snn_avx2_tail_mask(n);
    for (; c < cols; c++) {
      const __m256 v =
          _mm256_mask_i32gather_ps(_mm256_setzero_ps(), s + c, index, _mm256_castsi256_ps(m), 4);
      _mm256_maskstore_ps(d + (int64_t)c * rows, m, v);
    }
  }
}

#endif  // __x86_64__
