/*
 * AVX-512 CSR SpMM, batch contiguous, for either column index type (int32_t or uint16_t).
 *
 * Per row, each nonzero is one broadcast of its value and one FMA per vector of contiguous
 * samples of its x row. With one accumulator per vector a small batch makes the row a single
 * dependent FMA chain (4 cycles per nonzero on Zen 4, latency bound), so the row's nonzeros are
 * dealt round-robin to several accumulator sets (nonzero k into set k % S), summed at the end:
 * S * vectors >= 6 independent chains at every batch. The batch is tiled in register blocks of
 * 64 samples (4 zmm, 2 sets), and a remainder of one ymm (<= 8 samples, 8 sets), one zmm
 * (8 sets), 2 zmm (4 sets) or 3-4 zmm (2 sets); only the remainder's last vector is masked.
 * The one-vector blocks are load bound: they read the indices of 8 nonzeros in 64-bit words and
 * their values in one vector, broadcast by permutes. Bias and activation are applied before the
 * single store.
 *
 * The summation order depends on the batch size (through S), so results are deterministic per
 * batch size and may differ from the batch-1 kernels by rounding.
 *
 * Include only from the avx512 kernels of the CSR formats (compiled with the AVX-512 flags,
 * guarded by __x86_64__). Everything here has internal linkage (anonymous namespace, `static`),
 * so no copy compiled for AVX-512 can leak into other files (see docs/build-notes.md).
 */
#ifndef SPARSENN_SRC_F32_SPMM_CSR_F32_SPMM_CSR_AVX512_H
#define SPARSENN_SRC_F32_SPMM_CSR_F32_SPMM_CSR_AVX512_H

#if defined(__x86_64__)

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "f32-spmm-csr/spmm-csr-loop.h"
#include "math/bf16.h"
#include "math/avx512-math.h"

namespace {

// The 8 weights at `values`, widened to fp32 (a bf16 is the upper half of an fp32).
static inline __m256 snn_load8_weights(const float* values) { return _mm256_loadu_ps(values); }

static inline __m256 snn_load8_weights(const snn_bf16* values) {
  const __m128i bits = _mm_loadu_si128((const __m128i*)values);
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(bits), 16));
}

// The 2-4 zmm blocks prefetch the x row of the nonzero this many ahead, one per group of S
// nonzeros: prefetching every nonzero's row (as before) cost 10% at batch 64 with x in L2
// (1024 columns), none cost up to 20% with x beyond L2 (4096 columns).
static const int64_t kPrefetchDistance = 12;

// The one-vector blocks' vector: 8 lanes (ymm, AVX-512VL masks) or 16 (zmm). The epilogue runs
// in zmm either way.
struct Avx512Ymm {
  typedef __m256 V;
  static const __mmask16 kFull = 0x00FF;
  static V zero() { return _mm256_setzero_ps(); }
  static V set1(float v) { return _mm256_set1_ps(v); }
  static V load(__mmask16 m, const float* p) { return _mm256_maskz_loadu_ps((__mmask8)m, p); }
  static V loadu(const float* p) { return _mm256_loadu_ps(p); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V fmadd(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  // Lane j of the 8 values, in every lane.
  static V lane(__m256 values8, int j) {
    return _mm256_permutevar8x32_ps(values8, _mm256_set1_epi32(j));
  }
  static __m512 widen(V v) { return _mm512_zextps256_ps512(v); }
};

struct Avx512Zmm {
  typedef __m512 V;
  static const __mmask16 kFull = 0xFFFF;
  static V zero() { return _mm512_setzero_ps(); }
  static V set1(float v) { return _mm512_set1_ps(v); }
  static V load(__mmask16 m, const float* p) { return _mm512_maskz_loadu_ps(m, p); }
  static V loadu(const float* p) { return _mm512_loadu_ps(p); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V fmadd(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V lane(__m256 values8, int j) {
    return _mm512_permutexvar_ps(_mm512_set1_epi32(j), _mm512_castps256_ps512(values8));
  }
  static __m512 widen(V v) { return v; }
};

// One vector of Vec from sample b0 (under mask ml when Masked), the row's nonzeros [k, end)
// dealt to 8 accumulators, summed pairwise. Stride, when not 0, is the batch nb known at compile
// time (4, 8 or 16): a shift instead of a multiply per nonzero, 5-20% faster.
template <class Vec, bool Masked, int Stride, typename Index, typename Value>
static inline __attribute__((always_inline)) void snn_spmm_block1(
    __mmask16 ml, int64_t k, int64_t end, const Index* col_idx, const Value* values,
    const float* x, int64_t nb, int64_t b0, float b, float* yr, int32_t act, __m512 valpha) {
  typedef typename Vec::V V;
  const float* xb = x + b0;
  const auto xrow = [&](int64_t c) __attribute__((always_inline)) {
    const float* xp = xb + c * (Stride != 0 ? Stride : nb);
    return Masked ? Vec::load(ml, xp) : Vec::loadu(xp);
  };
  V a0 = Vec::zero(), a1 = Vec::zero(), a2 = Vec::zero(), a3 = Vec::zero();
  V a4 = Vec::zero(), a5 = Vec::zero(), a6 = Vec::zero(), a7 = Vec::zero();
  for (; k + 8 <= end; k += 8) {
    int64_t c[8];
    snn_spmm_columns8(col_idx + k, c);
    const __m256 v = snn_load8_weights(values + k);
    a0 = Vec::fmadd(Vec::lane(v, 0), xrow(c[0]), a0);
    a1 = Vec::fmadd(Vec::lane(v, 1), xrow(c[1]), a1);
    a2 = Vec::fmadd(Vec::lane(v, 2), xrow(c[2]), a2);
    a3 = Vec::fmadd(Vec::lane(v, 3), xrow(c[3]), a3);
    a4 = Vec::fmadd(Vec::lane(v, 4), xrow(c[4]), a4);
    a5 = Vec::fmadd(Vec::lane(v, 5), xrow(c[5]), a5);
    a6 = Vec::fmadd(Vec::lane(v, 6), xrow(c[6]), a6);
    a7 = Vec::fmadd(Vec::lane(v, 7), xrow(c[7]), a7);
  }
  // The last 0-7 nonzeros, k + j into accumulator j.
  const auto term = [&](V acc, int64_t kk) __attribute__((always_inline)) {
    return Vec::fmadd(Vec::set1(snn_weight(values[kk])), xrow(col_idx[kk]), acc);
  };
  switch (end - k) {
    case 7:
      a6 = term(a6, k + 6);
      [[fallthrough]];
    case 6:
      a5 = term(a5, k + 5);
      [[fallthrough]];
    case 5:
      a4 = term(a4, k + 4);
      [[fallthrough]];
    case 4:
      a3 = term(a3, k + 3);
      [[fallthrough]];
    case 3:
      a2 = term(a2, k + 2);
      [[fallthrough]];
    case 2:
      a1 = term(a1, k + 1);
      [[fallthrough]];
    case 1:
      a0 = term(a0, k);
      [[fallthrough]];
    default:
      break;
  }
  const V sum = Vec::add(Vec::add(Vec::add(a0, a1), Vec::add(a2, a3)),
                         Vec::add(Vec::add(a4, a5), Vec::add(a6, a7)));
  const __m512 out =
      snn_avx512_act(_mm512_add_ps(Vec::widen(sum), _mm512_set1_ps(b)), act, valpha);
  _mm512_mask_storeu_ps(yr + b0, Masked ? ml : Vec::kFull, out);
}

// NV (2-4) zmm from sample b0 (the last one under mask ml when Masked), the row's nonzeros
// [k, end) dealt to S (2 or 4; S * NV <= 8) accumulator sets: set s holds a<s>0..a<s>3.
template <int NV, int S, bool Masked, typename Index, typename Value>
static inline __attribute__((always_inline)) void snn_spmm_block_wide(
    __mmask16 ml, int64_t k, int64_t end, int64_t pf_end, const Index* col_idx,
    const Value* values, const float* x, int64_t nb, int64_t b0, float b, float* yr, int32_t act,
    __m512 valpha) {
  static_assert(NV >= 2 && NV <= 4 && (S == 2 || S == 4) && NV * S <= 8, "block shape");
  const float* xb = x + b0;
  // Vector j of the x row of nonzero kk; only the last vector of a masked block takes the mask.
  const auto xvec = [&](const float* xp, int j) __attribute__((always_inline)) {
    return Masked && j == NV - 1 ? _mm512_maskz_loadu_ps(ml, xp + 16 * j)
                                 : _mm512_loadu_ps(xp + 16 * j);
  };
  __m512 a00 = _mm512_setzero_ps(), a01 = a00, a02 = a00, a03 = a00;
  __m512 a10 = a00, a11 = a00, a12 = a00, a13 = a00;
  __m512 a20 = a00, a21 = a00, a30 = a00, a31 = a00;
  // Nonzero kk into set 0..3 (sets 2 and 3 have 2 vectors: used only when NV == 2).
#define SNN_SPMM_INTO(set, kk)                                                        \
  do {                                                                                \
    const __m512 v = _mm512_set1_ps(snn_weight(values[kk]));                          \
    const float* xp = xb + (int64_t)col_idx[kk] * nb;                                 \
    a##set##0 = _mm512_fmadd_ps(v, xvec(xp, 0), a##set##0);                           \
    a##set##1 = _mm512_fmadd_ps(v, xvec(xp, 1), a##set##1);                           \
    if (NV > 2) a##set##2 = _mm512_fmadd_ps(v, xvec(xp, 2), a##set##2);               \
    if (NV > 3) a##set##3 = _mm512_fmadd_ps(v, xvec(xp, 3), a##set##3);               \
  } while (0)
#define SNN_SPMM_INTO_PAIR(set, kk)                                                   \
  do {                                                                                \
    const __m512 v = _mm512_set1_ps(snn_weight(values[kk]));                          \
    const float* xp = xb + (int64_t)col_idx[kk] * nb;                                 \
    a##set##0 = _mm512_fmadd_ps(v, xvec(xp, 0), a##set##0);                           \
    a##set##1 = _mm512_fmadd_ps(v, xvec(xp, 1), a##set##1);                           \
  } while (0)
  for (; k + S <= end; k += S) {
    if (k + kPrefetchDistance < pf_end) {
      const char* p = (const char*)(xb + (int64_t)col_idx[k + kPrefetchDistance] * nb);
      for (int j = 0; j < NV; j++) _mm_prefetch(p + 64 * j, _MM_HINT_T0);
    }
    SNN_SPMM_INTO(0, k);
    SNN_SPMM_INTO(1, k + 1);
    if (S == 4) {
      SNN_SPMM_INTO_PAIR(2, k + 2);
      SNN_SPMM_INTO_PAIR(3, k + 3);
    }
  }
  // The last 0 to S-1 nonzeros, k + s into set s.
  if (k < end) SNN_SPMM_INTO(0, k);
  if (S == 4 && k + 1 < end) SNN_SPMM_INTO(1, k + 1);
  if (S == 4 && k + 2 < end) SNN_SPMM_INTO_PAIR(2, k + 2);
#undef SNN_SPMM_INTO
#undef SNN_SPMM_INTO_PAIR
  if (S == 4) {
    a00 = _mm512_add_ps(a00, a20);
    a01 = _mm512_add_ps(a01, a21);
    a10 = _mm512_add_ps(a10, a30);
    a11 = _mm512_add_ps(a11, a31);
  }
  const __m512 vb = _mm512_set1_ps(b);
  const auto out = [&](__m512 s0, __m512 s1) __attribute__((always_inline)) {
    return snn_avx512_act(_mm512_add_ps(_mm512_add_ps(s0, s1), vb), act, valpha);
  };
  const __mmask16 full = 0xFFFF;
  float* yp = yr + b0;
  _mm512_storeu_ps(yp, out(a00, a10));
  _mm512_mask_storeu_ps(yp + 16, Masked && NV == 2 ? ml : full, out(a01, a11));
  if (NV > 2) _mm512_mask_storeu_ps(yp + 32, Masked && NV == 3 ? ml : full, out(a02, a12));
  if (NV > 3) _mm512_mask_storeu_ps(yp + 48, Masked && NV == 4 ? ml : full, out(a03, a13));
}

// The tile of the shared loop (spmm-csr-loop.h).
struct SpmmCsrAvx512 {
  __m512 valpha;
  int64_t nb;      // batch
  int64_t full;    // samples in blocks of 64
  int tail;        // the remainder block: 0 none, 1 one ymm, 2-5 one to four zmm
  bool masked;     // whether the remainder's last vector is partial
  __mmask16 ml;    // its lanes
  int64_t pf_end;  // the range's last nonzero + 1 (prefetch limit)

  SpmmCsrAvx512(int32_t row_begin, int32_t row_end, const int32_t* row_ptr, int32_t batch,
                float alpha)
      : valpha(_mm512_set1_ps(alpha)), nb(batch), full(nb & ~(int64_t)63) {
    const int64_t rem = nb - full;
    const int64_t lanes = rem <= 8 ? 8 : 16;
    tail = rem == 0 ? 0 : rem <= 8 ? 1 : 1 + (int)((rem + 15) / 16);
    const int64_t last = rem == 0 ? 0 : rem - lanes * ((rem - 1) / lanes);
    masked = last != lanes;
    ml = snn_avx512_tail_mask(last);
    pf_end = row_end > row_begin ? row_ptr[row_end] : 0;
  }

  template <typename Index, typename Value>
  inline __attribute__((always_inline)) void row(int64_t k, int64_t end, const Index* col_idx,
                                                 const Value* values, const float* x, float b,
                                                 float* yr, int32_t act) const {
    // body: blocks of 64 samples
    for (int64_t b0 = 0; b0 < full; b0 += 64) {
      snn_spmm_block_wide<4, 2, false>(0xFFFF, k, end, pf_end, col_idx, values, x, nb, b0, b, yr,
                                       act, valpha);
    }
    // tail: one ymm, or 1-4 zmm, the last one masked when partial
#define SNN_SPMM_BLOCK1(Vec, Masked, Stride)                                                   \
  snn_spmm_block1<Vec, Masked, Stride>(ml, k, end, col_idx, values, x, nb, full, b, yr, act, valpha)
#define SNN_SPMM_BLOCK_WIDE(NV, S)                                                              \
  (masked ? snn_spmm_block_wide<NV, S, true>(ml, k, end, pf_end, col_idx, values, x, nb, full, \
                                             b, yr, act, valpha)                               \
          : snn_spmm_block_wide<NV, S, false>(ml, k, end, pf_end, col_idx, values, x, nb,      \
                                              full, b, yr, act, valpha))
    switch (tail) {
      case 1:
        if (nb == 8) {
          SNN_SPMM_BLOCK1(Avx512Ymm, false, 8);
        } else if (nb == 4) {
          SNN_SPMM_BLOCK1(Avx512Ymm, true, 4);
        } else if (masked) {
          SNN_SPMM_BLOCK1(Avx512Ymm, true, 0);
        } else {
          SNN_SPMM_BLOCK1(Avx512Ymm, false, 0);
        }
        break;
      case 2:
        if (nb == 16) {
          SNN_SPMM_BLOCK1(Avx512Zmm, false, 16);
        } else if (masked) {
          SNN_SPMM_BLOCK1(Avx512Zmm, true, 0);
        } else {
          SNN_SPMM_BLOCK1(Avx512Zmm, false, 0);
        }
        break;
      case 3:
        SNN_SPMM_BLOCK_WIDE(2, 4);
        break;
      case 4:
        SNN_SPMM_BLOCK_WIDE(3, 2);
        break;
      case 5:
        SNN_SPMM_BLOCK_WIDE(4, 2);
        break;
      default:
        break;
    }
#undef SNN_SPMM_BLOCK1
#undef SNN_SPMM_BLOCK_WIDE
  }
};

}  // namespace

#endif  // __x86_64__

#endif  // SPARSENN_SRC_F32_SPMM_CSR_F32_SPMM_CSR_AVX512_H
