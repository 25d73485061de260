/*
 * AVX-512 CSR SpMV for either column index type (int32_t or uint16_t, 6 bytes per
 * nonzero instead of 8) and either value type (fp32, or bf16 widened in registers by vpmovzxwd
 * and a shift left by 16: 4 bytes per nonzero with uint16 indices). On Zen 4 vgatherdps is slow, so x is gathered by scalar loads assembled
 * into a vector (indices read 64 bits at a time): 4096x4096 at 90% sparsity, 4.5 G nonzeros/s
 * against 2.7 with vgatherdps for int32 indices, 4.7 against 2.4 for uint16. Body: 32 nonzeros per
 * step into two zmm accumulators; tail: 8 at a time, then the row's last 8 again under a mask (no
 * branchy scalar loop; rows shorter than 8 use one masked vgatherdps); one reduce per row; the
 * epilogue runs on 16 row sums at once.
 * The body prefetches values and col_idx 512 nonzeros (2 KiB of values) ahead, T0: behind the
 * scalar loads the hardware prefetcher alone drew only ~15 of ~21 GB/s from DRAM. 4096x4096 vs
 * 1-thread sgemv on Zen 4 (A/B in one process): uint16 indices 50% sparsity 0.75-0.93x -> 1.10-1.24x, 70%
 * 1.46 -> 2.0x; int32 50% 0.67-0.75x -> 0.82-1.10x, 70% 1.0-1.25x -> 1.3-1.45x; about 5% slower
 * for csr at 90% when the weights sit in L3, unchanged at 99%. 64 nonzeros per step, 4
 * accumulators, prefetching values only, NTA or T1 hints: no better.
 *
 * The row loop is spmv-csr-loop.h; this is its AVX-512 tile. Include only from the AVX-512
 * kernels of the CSR formats (compiled with the AVX-512 flags, guarded by __x86_64__).
 * Everything here has internal linkage (anonymous namespace, `static`), so no copy compiled for
 * AVX-512 can leak into other files (see docs/build-notes.md).
 */
#ifndef SPARSENN_SRC_F32_SPMV_CSR_F32_SPMV_CSR_AVX512_H
#define SPARSENN_SRC_F32_SPMV_CSR_F32_SPMV_CSR_AVX512_H

#if defined(__x86_64__)

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "f32-spmv-csr/spmv-csr-loop.h"
#include "math/bf16.h"
#include "math/avx512-math.h"

namespace {

// x[c[0]], ..., x[c[15]] (gather16) and x[c[0]], ..., x[c[7]] (gather8) by scalar loads assembled
// into a vector; the indices are read 64 bits at a time (2 int32 or 4 uint16 per read).
static inline __m512 snn_gather16(const float* x, const int32_t* c) {
  uint64_t w[8];
  for (int j = 0; j < 8; j++) __builtin_memcpy(&w[j], c + 2 * j, 8);
  const __m128 q0 = _mm_setr_ps(x[(uint32_t)w[0]], x[w[0] >> 32], x[(uint32_t)w[1]], x[w[1] >> 32]);
  const __m128 q1 = _mm_setr_ps(x[(uint32_t)w[2]], x[w[2] >> 32], x[(uint32_t)w[3]], x[w[3] >> 32]);
  const __m128 q2 = _mm_setr_ps(x[(uint32_t)w[4]], x[w[4] >> 32], x[(uint32_t)w[5]], x[w[5] >> 32]);
  const __m128 q3 = _mm_setr_ps(x[(uint32_t)w[6]], x[w[6] >> 32], x[(uint32_t)w[7]], x[w[7] >> 32]);
  const __m256 lo = _mm256_insertf128_ps(_mm256_castps128_ps256(q0), q1, 1);
  const __m256 hi = _mm256_insertf128_ps(_mm256_castps128_ps256(q2), q3, 1);
  return _mm512_castpd_ps(
      _mm512_insertf64x4(_mm512_castpd256_pd512(_mm256_castps_pd(lo)), _mm256_castps_pd(hi), 1));
}

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

static inline __m512 snn_gather16(const float* x, const uint16_t* c) {
  uint64_t w0, w1, w2, w3;
  __builtin_memcpy(&w0, c, 8);
  __builtin_memcpy(&w1, c + 4, 8);
  __builtin_memcpy(&w2, c + 8, 8);
  __builtin_memcpy(&w3, c + 12, 8);
  const __m128 q0 =
      _mm_setr_ps(x[w0 & 0xffff], x[(w0 >> 16) & 0xffff], x[(w0 >> 32) & 0xffff], x[w0 >> 48]);
  const __m128 q1 =
      _mm_setr_ps(x[w1 & 0xffff], x[(w1 >> 16) & 0xffff], x[(w1 >> 32) & 0xffff], x[w1 >> 48]);
  const __m128 q2 =
      _mm_setr_ps(x[w2 & 0xffff], x[(w2 >> 16) & 0xffff], x[(w2 >> 32) & 0xffff], x[w2 >> 48]);
  const __m128 q3 =
      _mm_setr_ps(x[w3 & 0xffff], x[(w3 >> 16) & 0xffff], x[(w3 >> 32) & 0xffff], x[w3 >> 48]);
  const __m256 lo = _mm256_insertf128_ps(_mm256_castps128_ps256(q0), q1, 1);
  const __m256 hi = _mm256_insertf128_ps(_mm256_castps128_ps256(q2), q3, 1);
  return _mm512_castpd_ps(
      _mm512_insertf64x4(_mm512_castpd256_pd512(_mm256_castps_pd(lo)), _mm256_castps_pd(hi), 1));
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

// Up to 16 indices under mask m, widened to int32 lanes (masked-off lanes 0).
static inline __m512i snn_maskz_load_idx16(__mmask16 m, const int32_t* c) {
  return _mm512_maskz_loadu_epi32(m, c);
}

static inline __m512i snn_maskz_load_idx16(__mmask16 m, const uint16_t* c) {
  return _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, c));
}

// 16 or 8 weights as fp32, or 16 under mask m (masked-off lanes 0.0f): fp32 loaded, bf16
// zero-extended to 32 bits and shifted left by 16 (exact).
static inline __m512 snn_load_w16(const float* v) { return _mm512_loadu_ps(v); }

static inline __m512 snn_load_w16(const snn_bf16* v) {
  const __m512i w = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i*)v));
  return _mm512_castsi512_ps(_mm512_slli_epi32(w, 16));
}

static inline __m256 snn_load_w8(const float* v) { return _mm256_loadu_ps(v); }

static inline __m256 snn_load_w8(const snn_bf16* v) {
  const __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i*)v));
  return _mm256_castsi256_ps(_mm256_slli_epi32(w, 16));
}

static inline __m512 snn_maskz_load_w16(__mmask16 m, const float* v) {
  return _mm512_maskz_loadu_ps(m, v);
}

static inline __m512 snn_maskz_load_w16(__mmask16 m, const snn_bf16* v) {
  const __m512i w = _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, v));
  return _mm512_castsi512_ps(_mm512_slli_epi32(w, 16));
}

// Prefetch distance of the body loop, in nonzeros (2 KiB of values ahead).
static constexpr int64_t kSnnSpmvPfDistAvx512 = 512;

// The tile of the shared loop (spmv-csr-loop.h).
struct SpmvCsrAvx512 {
  static constexpr int32_t kRows = 16;
  static constexpr int64_t kPrefetchWindow = 32;
  typedef __m512 Vec;
  static Vec set1(float alpha) { return _mm512_set1_ps(alpha); }
  static void store_rows(float* y, const float* bias, int32_t r0, int32_t n, const float* sums,
                         int32_t act, Vec valpha) {
    snn_avx512_store_rows(y, bias, r0, n, sums, act, valpha);
  }

  template <typename Index, typename Value>
  static inline __attribute__((always_inline)) float row_dot(int64_t start, int64_t end,
                                                             const Index* col_idx,
                                                             const Value* values, const float* x,
                                                             int64_t pf_last) {
    int64_t k = start;
    __m512 acc0 = _mm512_setzero_ps();
    __m512 acc1 = _mm512_setzero_ps();
    // body: 32 nonzeros, prefetching both streams kSnnSpmvPfDistAvx512 nonzeros ahead (clamped
    // to the range's last 32 nonzeros, so the prefetched lines stay inside the arrays)
    for (; k + 32 <= end; k += 32) {
      const int64_t ahead = k + kSnnSpmvPfDistAvx512;
      const int64_t p = ahead < pf_last ? ahead : pf_last;
      _mm_prefetch((const char*)(values + p), _MM_HINT_T0);
      if (sizeof(Value) == 4) _mm_prefetch((const char*)(values + p + 16), _MM_HINT_T0);
      _mm_prefetch((const char*)(col_idx + p), _MM_HINT_T0);
      if (sizeof(Index) == 4) _mm_prefetch((const char*)(col_idx + p + 16), _MM_HINT_T0);
      acc0 = _mm512_fmadd_ps(snn_load_w16(values + k), snn_gather16(x, col_idx + k), acc0);
      acc1 = _mm512_fmadd_ps(snn_load_w16(values + k + 16), snn_gather16(x, col_idx + k + 16),
                             acc1);
    }
    if (k + 16 <= end) {
      acc0 = _mm512_fmadd_ps(snn_load_w16(values + k), snn_gather16(x, col_idx + k), acc0);
      k += 16;
    }
    // tail (< 16): 8-wide, then the row's last 8 nonzeros under a mask
    __m256 acc2 = _mm256_setzero_ps();
    if (k + 8 <= end) {
      acc2 = _mm256_mul_ps(snn_load_w8(values + k), snn_gather8(x, col_idx + k));
      k += 8;
    }
    if (k < end) {
      const int64_t t = end - k;
      if (end - start >= 8) {
        // masked-off lanes keep acc2 (no 0 * x: x may be inf there)
        const __mmask8 m = (__mmask8)(0xFFu << (8 - t));
        const __m256 xv = snn_gather8(x, col_idx + end - 8);
        acc2 = _mm256_mask3_fmadd_ps(snn_load_w8(values + end - 8), xv, acc2, m);
      } else {
        const __mmask16 m = snn_avx512_tail_mask(t);
        const __m512i idx = snn_maskz_load_idx16(m, col_idx + k);
        const __m512 xv = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, idx, x, 4);
        acc1 = _mm512_fmadd_ps(snn_maskz_load_w16(m, values + k), xv, acc1);
      }
    }
    acc1 = _mm512_add_ps(acc1, _mm512_castpd_ps(_mm512_insertf64x4(_mm512_setzero_pd(),
                                                                   _mm256_castps_pd(acc2), 0)));
    // reduce
    return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
  }
};

}  // namespace

#endif  // __x86_64__

#endif  // SPARSENN_SRC_F32_SPMV_CSR_F32_SPMV_CSR_AVX512_H
