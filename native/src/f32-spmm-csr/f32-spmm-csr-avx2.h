/*
 * AVX2 CSR SpMM, batch contiguous, for either column index type (int32_t or uint16_t).
 *
 * Per row, each nonzero is one broadcast of its value and one FMA per ymm of contiguous samples
 * of its x row. With one accumulator per vector a small batch makes the row a single dependent
 * FMA chain (latency bound), so the row's nonzeros are dealt round-robin to several accumulator
 * sets (nonzero k into set k % S), summed at the end: S * vectors >= 6 independent chains at
 * every batch. The batch is tiled in register blocks of 32 samples (4 ymm, 2 sets) and a
 * remainder of one ymm (<= 8 samples, 8 sets; indices read 8 at a time in 64-bit words), 2 ymm
 * (4 sets) or 3-4 ymm (2 sets); only the remainder's last vector is masked. Bias and activation
 * are applied before the single store.
 *
 * The summation order depends on the batch size (through S), so results are deterministic per
 * batch size and may differ from the batch-1 kernels by rounding.
 *
 * Include only from the avx2 kernels of the CSR formats (compiled with -mavx2 -mfma, guarded by
 * __x86_64__). Everything here is `static` (internal linkage), so no copy compiled for AVX2 can
 * leak into other files (see docs/build-notes.md).
 */
#ifndef SPARSENN_SRC_F32_SPMM_CSR_F32_SPMM_CSR_AVX2_H
#define SPARSENN_SRC_F32_SPMM_CSR_F32_SPMM_CSR_AVX2_H

#if defined(__x86_64__)

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "f32-spmm-csr/spmm-csr-loop.h"
#include "math/bf16.h"
#include "math/avx2-math.h"

namespace {

// The 2-4 ymm blocks prefetch the x row of the nonzero this many ahead, one per group of S
// nonzeros: prefetching every nonzero's row (as before) cost 10% at batch 64 with x in L2, and
// none cost up to 20% with x beyond L2 (4096 columns).
static const int64_t kPrefetchDistance = 12;

// One ymm from sample b0 (under lane mask ml when Masked), the row's nonzeros [k, end) dealt to
// 8 accumulators, summed pairwise. Stride, when not 0, is the batch nb known at compile time (4
// or 8): a shift instead of a multiply per nonzero.
template <bool Masked, int Stride, typename Index, typename Value>
static inline __attribute__((always_inline)) void snn_spmm_avx2_block1(
    __m256i ml, int64_t k, int64_t end, const Index* col_idx, const Value* values,
    const float* x, int64_t nb, int64_t b0, float b, float* yr, int32_t act, __m256 valpha) {
  const float* xb = x + b0;
  const auto xrow = [&](int64_t c) __attribute__((always_inline)) {
    const float* xp = xb + c * (Stride != 0 ? Stride : nb);
    return Masked ? _mm256_maskload_ps(xp, ml) : _mm256_loadu_ps(xp);
  };
  const auto term = [&](__m256 acc, int64_t kk, int64_t c) __attribute__((always_inline)) {
    return _mm256_fmadd_ps(_mm256_set1_ps(snn_weight(values[kk])), xrow(c), acc);
  };
  __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0,
         a7 = a0;
  for (; k + 8 <= end; k += 8) {
    int64_t c[8];
    snn_spmm_columns8(col_idx + k, c);
    a0 = term(a0, k, c[0]);
    a1 = term(a1, k + 1, c[1]);
    a2 = term(a2, k + 2, c[2]);
    a3 = term(a3, k + 3, c[3]);
    a4 = term(a4, k + 4, c[4]);
    a5 = term(a5, k + 5, c[5]);
    a6 = term(a6, k + 6, c[6]);
    a7 = term(a7, k + 7, c[7]);
  }
  // The last 0-7 nonzeros, k + j into accumulator j.
  switch (end - k) {
    case 7:
      a6 = term(a6, k + 6, col_idx[k + 6]);
      [[fallthrough]];
    case 6:
      a5 = term(a5, k + 5, col_idx[k + 5]);
      [[fallthrough]];
    case 5:
      a4 = term(a4, k + 4, col_idx[k + 4]);
      [[fallthrough]];
    case 4:
      a3 = term(a3, k + 3, col_idx[k + 3]);
      [[fallthrough]];
    case 3:
      a2 = term(a2, k + 2, col_idx[k + 2]);
      [[fallthrough]];
    case 2:
      a1 = term(a1, k + 1, col_idx[k + 1]);
      [[fallthrough]];
    case 1:
      a0 = term(a0, k, col_idx[k]);
      [[fallthrough]];
    default:
      break;
  }
  const __m256 sum = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                                   _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
  const __m256 out = snn_avx2_act(_mm256_add_ps(sum, _mm256_set1_ps(b)), act, valpha);
  if (Masked) {
    _mm256_maskstore_ps(yr + b0, ml, out);
  } else {
    _mm256_storeu_ps(yr + b0, out);
  }
}

// NV (2-4) ymm from sample b0 (the last one under lane mask ml when Masked), the row's nonzeros
// [k, end) dealt to S (2 or 4; S * NV <= 8) accumulator sets: set s holds a<s>0..a<s>3.
template <int NV, int S, bool Masked, typename Index, typename Value>
static inline __attribute__((always_inline)) void snn_spmm_avx2_block_wide(
    __m256i ml, int64_t k, int64_t end, int64_t pf_end, const Index* col_idx,
    const Value* values, const float* x, int64_t nb, int64_t b0, float b, float* yr, int32_t act,
    __m256 valpha) {
  static_assert(NV >= 2 && NV <= 4 && (S == 2 || S == 4) && NV * S <= 8, "block shape");
  const float* xb = x + b0;
  // Vector j of an x row; only the last vector of a masked block takes the mask.
  const auto xvec = [&](const float* xp, int j) __attribute__((always_inline)) {
    return Masked && j == NV - 1 ? _mm256_maskload_ps(xp + 8 * j, ml)
                                 : _mm256_loadu_ps(xp + 8 * j);
  };
  __m256 a00 = _mm256_setzero_ps(), a01 = a00, a02 = a00, a03 = a00;
  __m256 a10 = a00, a11 = a00, a12 = a00, a13 = a00;
  __m256 a20 = a00, a21 = a00, a30 = a00, a31 = a00;
  // Nonzero kk into set 0..3 (sets 2 and 3 have 2 vectors: used only when NV == 2).
#define SNN_SPMM_INTO(set, kk)                                                  \
  do {                                                                          \
    const __m256 v = _mm256_set1_ps(snn_weight(values[kk]));            \
    const float* xp = xb + (int64_t)col_idx[kk] * nb;                           \
    a##set##0 = _mm256_fmadd_ps(v, xvec(xp, 0), a##set##0);                     \
    a##set##1 = _mm256_fmadd_ps(v, xvec(xp, 1), a##set##1);                     \
    if (NV > 2) a##set##2 = _mm256_fmadd_ps(v, xvec(xp, 2), a##set##2);         \
    if (NV > 3) a##set##3 = _mm256_fmadd_ps(v, xvec(xp, 3), a##set##3);         \
  } while (0)
#define SNN_SPMM_INTO_PAIR(set, kk)                                             \
  do {                                                                          \
    const __m256 v = _mm256_set1_ps(snn_weight(values[kk]));            \
    const float* xp = xb + (int64_t)col_idx[kk] * nb;                           \
    a##set##0 = _mm256_fmadd_ps(v, xvec(xp, 0), a##set##0);                     \
    a##set##1 = _mm256_fmadd_ps(v, xvec(xp, 1), a##set##1);                     \
  } while (0)
  for (; k + S <= end; k += S) {
    if (k + kPrefetchDistance < pf_end) {
      const char* p = (const char*)(xb + (int64_t)col_idx[k + kPrefetchDistance] * nb);
      for (int j = 0; j < NV; j += 2) _mm_prefetch(p + 32 * j, _MM_HINT_T0);
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
    a00 = _mm256_add_ps(a00, a20);
    a01 = _mm256_add_ps(a01, a21);
    a10 = _mm256_add_ps(a10, a30);
    a11 = _mm256_add_ps(a11, a31);
  }
  const __m256 vb = _mm256_set1_ps(b);
  const auto out = [&](__m256 s0, __m256 s1) __attribute__((always_inline)) {
    return snn_avx2_act(_mm256_add_ps(_mm256_add_ps(s0, s1), vb), act, valpha);
  };
  // Vector j to the output; only the last vector of a masked block takes the mask.
  const auto store = [&](int j, __m256 v) __attribute__((always_inline)) {
    if (Masked && j == NV - 1) {
      _mm256_maskstore_ps(yr + b0 + 8 * j, ml, v);
    } else {
      _mm256_storeu_ps(yr + b0 + 8 * j, v);
    }
  };
  store(0, out(a00, a10));
  store(1, out(a01, a11));
  if (NV > 2) store(2, out(a02, a12));
  if (NV > 3) store(3, out(a03, a13));
}

// The tile of the shared loop (spmm-csr-loop.h).
struct SpmmCsrAvx2 {
  __m256 valpha;
  int64_t nb;    // batch
  int64_t full;  // samples in blocks of 32
  int nv;        // vectors of the remainder block (0-4)
  bool masked;   // whether the remainder's last vector is partial
  __m256i ml;    // its lanes
  int64_t pf_end;  // the range's last nonzero + 1 (prefetch limit)

  SpmmCsrAvx2(int32_t row_begin, int32_t row_end, const int32_t* row_ptr, int32_t batch,
              float alpha)
      : valpha(_mm256_set1_ps(alpha)), nb(batch), full(nb & ~(int64_t)31) {
    const int64_t rem = nb - full;
    nv = (int)((rem + 7) / 8);
    const int64_t last = rem == 0 ? 0 : rem - 8 * (nv - 1);
    masked = last != 8;
    ml = snn_avx2_tail_mask(last);
    pf_end = row_end > row_begin ? row_ptr[row_end] : 0;
  }

  template <typename Index, typename Value>
  inline __attribute__((always_inline)) void row(int64_t k, int64_t end, const Index* col_idx,
                                                 const Value* values, const float* x, float b,
                                                 float* yr, int32_t act) const {
    // body: blocks of 32 samples
    for (int64_t b0 = 0; b0 < full; b0 += 32) {
      snn_spmm_avx2_block_wide<4, 2, false>(ml, k, end, pf_end, col_idx, values, x, nb, b0, b,
                                            yr, act, valpha);
    }
    // tail: 1-4 ymm, the last one masked when partial
#define SNN_SPMM_BLOCK1(Masked, Stride)                                                        \
  snn_spmm_avx2_block1<Masked, Stride>(ml, k, end, col_idx, values, x, nb, full, b, yr, act, valpha)
#define SNN_SPMM_BLOCK_WIDE(NV, S)                                                            \
  (masked ? snn_spmm_avx2_block_wide<NV, S, true>(ml, k, end, pf_end, col_idx, values, x, nb,  \
                                                  full, b, yr, act, valpha)                    \
          : snn_spmm_avx2_block_wide<NV, S, false>(ml, k, end, pf_end, col_idx, values, x, nb, \
                                                   full, b, yr, act, valpha))
    switch (nv) {
      case 1:
        if (nb == 8) {
          SNN_SPMM_BLOCK1(false, 8);
        } else if (nb == 4) {
          SNN_SPMM_BLOCK1(true, 4);
        } else if (masked) {
          SNN_SPMM_BLOCK1(true, 0);
        } else {
          SNN_SPMM_BLOCK1(false, 0);
        }
        break;
      case 2:
        SNN_SPMM_BLOCK_WIDE(2, 4);
        break;
      case 3:
        SNN_SPMM_BLOCK_WIDE(3, 2);
        break;
      case 4:
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

#endif  // SPARSENN_SRC_F32_SPMM_CSR_F32_SPMM_CSR_AVX2_H
