/*
 * AVX2 CSR SpMV for either column index type (int32_t or uint16_t) and either value type (fp32,
 * or bf16 widened in registers: vpmovzxwd, shift left by 16): x gathered by
 * scalar loads assembled into a ymm (indices read 64 bits at a time: 2 int32 or 4 uint16 per
 * load), which beats vgatherdps on Zen 4; two accumulators; the row tail re-reads the row's last 8
 * nonzeros under a mask (rows shorter than 8: scalar); one reduce per row; the epilogue runs on 8
 * row sums at once. The body prefetches values and col_idx 512 nonzeros ahead (T0), as behind
 * the scalar loads the hardware prefetcher alone draws only ~15 of ~21 GB/s from DRAM: 4096x4096
 * vs 1-thread sgemv on Zen 4, uint16 indices 50% sparsity 0.93 -> 1.14x, 70% 1.48 -> 1.95x; int32 50% 0.95
 * -> 1.0x, 70% 1.27 -> 1.54x; about 5% slower at 90% when the weights sit in L3.
 *
 * The row loop is spmv-csr-loop.h; this is its AVX2 tile. Include only from the AVX2 kernels of
 * the CSR formats (compiled with -mavx2 -mfma, guarded by __x86_64__). Everything here has
 * internal linkage (anonymous namespace, `static`), so no copy compiled for AVX2 can leak into
 * other files (see docs/build-notes.md).
 */
#ifndef SPARSENN_SRC_F32_SPMV_CSR_F32_SPMV_CSR_AVX2_H
#define SPARSENN_SRC_F32_SPMV_CSR_F32_SPMV_CSR_AVX2_H

#if defined(__x86_64__)

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "f32-spmv-csr/spmv-csr-loop.h"
#include "math/bf16.h"
#include "math/avx2-math.h"

namespace {

// x[c[0]], ..., x[c[7]] by scalar loads assembled into a ymm; the indices are read 64 bits at a
// time (2 int32 or 4 uint16 per read).
static inline __m256 snn_gather8(const float* x, const int32_t* c) {
  uint64_t w0, w1, w2, w3;
  __builtin_memcpy(&w0, c, 8);
  __builtin_memcpy(&w1, c + 2, 8);
  __builtin_memcpy(&w2, c + 4, 8);
  __builtin_memcpy(&w3, c + 6, 8);
  const __m128 q0 = _mm_setr_ps(x[(uint32_t)w0], x[w0 >> 32], x[(uint32_t)w1], x[w1 >> 32]);
  const __m128 q1 = _mm_setr_ps(x[(uint32_t)w2], x[w2 >> 32], x[(uint32_t)w3], x[w3 >> 32]);
  return _mm256_insertf128_ps(_mm256_castps128_ps256(q0), q1, 1);
}

static inline __m256 snn_gather8(const float* x, const uint16_t* c) {
  uint64_t w0, w1;
  __builtin_memcpy(&w0, c, 8);
  __builtin_memcpy(&w1, c + 4, 8);
  const __m128 q0 =
      _mm_setr_ps(x[w0 & 0xffff], x[(w0 >> 16) & 0xffff], x[(w0 >> 32) & 0xffff], x[w0 >> 48]);
  const __m128 q1 =
      _mm_setr_ps(x[w1 & 0xffff], x[(w1 >> 16) & 0xffff], x[(w1 >> 32) & 0xffff], x[w1 >> 48]);
  return _mm256_insertf128_ps(_mm256_castps128_ps256(q0), q1, 1);
}

// Eight weights as fp32 (w8), and the same under a lane mask m (masked-off lanes 0.0f): fp32
// loaded, bf16 zero-extended to 32 bits and shifted left by 16 (exact).
static inline __m256 snn_load_w8(const float* v) { return _mm256_loadu_ps(v); }

static inline __m256 snn_load_w8(const snn_bf16* v) {
  const __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i*)v));
  return _mm256_castsi256_ps(_mm256_slli_epi32(w, 16));
}

static inline __m256 snn_maskload_w8(const float* v, __m256i m) {
  return _mm256_maskload_ps(v, m);
}

// the 8 bf16 are inside the row (the caller reads the row's last 8), so no masked load is needed
static inline __m256 snn_maskload_w8(const snn_bf16* v, __m256i m) {
  return _mm256_and_ps(snn_load_w8(v), _mm256_castsi256_ps(m));
}

// Prefetch distance of the body loop, in nonzeros (2 KiB of values ahead).
static constexpr int64_t kSnnSpmvPfDistAvx2 = 512;

// The tile of the shared loop (spmv-csr-loop.h).
struct SpmvCsrAvx2 {
  static constexpr int32_t kRows = 8;
  static constexpr int64_t kPrefetchWindow = 16;
  typedef __m256 Vec;
  static Vec set1(float alpha) { return _mm256_set1_ps(alpha); }
  static void store_rows(float* y, const float* bias, int32_t r0, int32_t n, const float* sums,
                         int32_t act, Vec valpha) {
    snn_avx2_store_rows(y, bias, r0, n, sums, act, valpha);
  }

  template <typename Index, typename Value>
  static inline __attribute__((always_inline)) float row_dot(int64_t start, int64_t end,
                                                             const Index* col_idx,
                                                             const Value* values, const float* x,
                                                             int64_t pf_last) {
    int64_t k = start;
    __m256 acc0 = _mm256_setzero_ps();
    __m256 acc1 = _mm256_setzero_ps();
    // body: 16 nonzeros, prefetching both streams kSnnSpmvPfDistAvx2 nonzeros ahead (clamped to
    // the range's last 16 nonzeros, so the prefetched lines stay inside the arrays)
    for (; k + 16 <= end; k += 16) {
      const int64_t ahead = k + kSnnSpmvPfDistAvx2;
      const int64_t p = ahead < pf_last ? ahead : pf_last;
      _mm_prefetch((const char*)(values + p), _MM_HINT_T0);
      _mm_prefetch((const char*)(col_idx + p), _MM_HINT_T0);
      acc0 = _mm256_fmadd_ps(snn_load_w8(values + k), snn_gather8(x, col_idx + k), acc0);
      acc1 =
          _mm256_fmadd_ps(snn_load_w8(values + k + 8), snn_gather8(x, col_idx + k + 8), acc1);
    }
    if (k + 8 <= end) {
      acc0 = _mm256_fmadd_ps(snn_load_w8(values + k), snn_gather8(x, col_idx + k), acc0);
      k += 8;
    }
    // tail
    if (k < end) {
      const int64_t t = end - k;
      if (end - start >= 8) {
        // the row's last 8 nonzeros, masked to the t not yet summed
        const __m256i m = _mm256_cmpgt_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                                             _mm256_set1_epi32((int32_t)(7 - t)));
        // masked-off lanes: 0 * 0, never 0 * x (x may be inf there)
        const __m256 xv =
            _mm256_and_ps(snn_gather8(x, col_idx + end - 8), _mm256_castsi256_ps(m));
        acc1 = _mm256_fmadd_ps(snn_maskload_w8(values + end - 8, m), xv, acc1);
      } else {
        float s = 0.0f;
        for (; k < end; k++) s += snn_weight(values[k]) * x[col_idx[k]];
        acc1 = _mm256_add_ps(acc1, _mm256_setr_ps(s, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f));
      }
    }
    // reduce
    return snn_avx2_reduce_add(_mm256_add_ps(acc0, acc1));
  }
};

}  // namespace

#endif  // __x86_64__

#endif  // SPARSENN_SRC_F32_SPMV_CSR_F32_SPMV_CSR_AVX2_H
