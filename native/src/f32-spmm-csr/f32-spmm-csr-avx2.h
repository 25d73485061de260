/*
 * AVX2 CSR SpMM, batch contiguous, for either column index type (int32_t or uint16_t):
 * per row, the batch is tiled in register blocks of 32 (4 ymm accumulators), each nonzero one
 * broadcast and 4 FMAs over contiguous x; the remainder (< 32) is one more pass of 1-4 ymm with a
 * masked last vector. Bias and activation are applied before the single store.
 *
 * Include only from the avx2 kernels of the CSR formats (compiled
 * with -mavx2 -mfma, guarded by __x86_64__). Everything here is `static` (internal linkage), so
 * no copy compiled for AVX2 can leak into other files (see docs/build-notes.md).
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

// Prefetch the x rows of the nonzero this many ahead: +15% on Zen 4 when x rows are not
// 64-byte aligned, neutral when they are (then ~48 GFLOP/s useful at batch 64).
static const int64_t kPrefetchDistance = 12;

// One block of NV vectors (NV constant after inlining) starting at sample b0; the last vector
// uses lane mask `ml` (all ones for full blocks).
template <typename Index, typename Value>
static inline __attribute__((always_inline)) void snn_spmm_block(
    const int NV, __m256i ml, int64_t k, int64_t end, int64_t pf_end, const Index* col_idx,
    const Value* values, const float* x, int64_t nb, int64_t b0, float b, float* yr, int32_t act,
    __m256 valpha) {
  const __m256i ones = _mm256_set1_epi32(-1);
  const __m256i m0 = NV == 1 ? ml : ones;
  const __m256i m1 = NV == 2 ? ml : ones;
  const __m256i m2 = NV == 3 ? ml : ones;
  const __m256i m3 = NV == 4 ? ml : ones;
  __m256 acc0 = _mm256_setzero_ps();
  __m256 acc1 = _mm256_setzero_ps();
  __m256 acc2 = _mm256_setzero_ps();
  __m256 acc3 = _mm256_setzero_ps();
  const float* xb = x + b0;
  for (; k < end; k++) {
    if (k + kPrefetchDistance < pf_end) {
      const char* p = (const char*)(xb + (int64_t)col_idx[k + kPrefetchDistance] * nb);
      _mm_prefetch(p, _MM_HINT_T0);
      _mm_prefetch(p + 64, _MM_HINT_T0);
    }
    const __m256 v = _mm256_set1_ps(snn_weight(values[k]));
    const float* xp = xb + (int64_t)col_idx[k] * nb;
    acc0 = _mm256_fmadd_ps(v, NV == 1 ? _mm256_maskload_ps(xp, m0) : _mm256_loadu_ps(xp), acc0);
    if (NV > 1)
      acc1 = _mm256_fmadd_ps(v, NV == 2 ? _mm256_maskload_ps(xp + 8, m1) : _mm256_loadu_ps(xp + 8),
                             acc1);
    if (NV > 2)
      acc2 = _mm256_fmadd_ps(
          v, NV == 3 ? _mm256_maskload_ps(xp + 16, m2) : _mm256_loadu_ps(xp + 16), acc2);
    if (NV > 3) acc3 = _mm256_fmadd_ps(v, _mm256_maskload_ps(xp + 24, m3), acc3);
  }
  const __m256 vb = _mm256_set1_ps(b);
  float* yp = yr + b0;
  _mm256_maskstore_ps(yp, m0, snn_avx2_act(_mm256_add_ps(acc0, vb), act, valpha));
  if (NV > 1) _mm256_maskstore_ps(yp + 8, m1, snn_avx2_act(_mm256_add_ps(acc1, vb), act, valpha));
  if (NV > 2) _mm256_maskstore_ps(yp + 16, m2, snn_avx2_act(_mm256_add_ps(acc2, vb), act, valpha));
  if (NV > 3) _mm256_maskstore_ps(yp + 24, m3, snn_avx2_act(_mm256_add_ps(acc3, vb), act, valpha));
}

// Full block of 32 samples: plain loads and stores.
template <typename Index, typename Value>
static inline void snn_spmm_block32(int64_t k, int64_t end, int64_t pf_end, const Index* col_idx,
                                    const Value* values, const float* x, int64_t nb, int64_t b0,
                                    float b, float* yr, int32_t act, __m256 valpha) {
  __m256 acc0 = _mm256_setzero_ps();
  __m256 acc1 = _mm256_setzero_ps();
  __m256 acc2 = _mm256_setzero_ps();
  __m256 acc3 = _mm256_setzero_ps();
  const float* xb = x + b0;
  for (; k < end; k++) {
    if (k + kPrefetchDistance < pf_end) {
      const char* p = (const char*)(xb + (int64_t)col_idx[k + kPrefetchDistance] * nb);
      _mm_prefetch(p, _MM_HINT_T0);
      _mm_prefetch(p + 64, _MM_HINT_T0);
    }
    const __m256 v = _mm256_set1_ps(snn_weight(values[k]));
    const float* xp = xb + (int64_t)col_idx[k] * nb;
    acc0 = _mm256_fmadd_ps(v, _mm256_loadu_ps(xp), acc0);
    acc1 = _mm256_fmadd_ps(v, _mm256_loadu_ps(xp + 8), acc1);
    acc2 = _mm256_fmadd_ps(v, _mm256_loadu_ps(xp + 16), acc2);
    acc3 = _mm256_fmadd_ps(v, _mm256_loadu_ps(xp + 24), acc3);
  }
  const __m256 vb = _mm256_set1_ps(b);
  float* yp = yr + b0;
  _mm256_storeu_ps(yp, snn_avx2_act(_mm256_add_ps(acc0, vb), act, valpha));
  _mm256_storeu_ps(yp + 8, snn_avx2_act(_mm256_add_ps(acc1, vb), act, valpha));
  _mm256_storeu_ps(yp + 16, snn_avx2_act(_mm256_add_ps(acc2, vb), act, valpha));
  _mm256_storeu_ps(yp + 24, snn_avx2_act(_mm256_add_ps(acc3, vb), act, valpha));
}

// The tile of the shared loop (spmm-csr-loop.h).
struct SpmmCsrAvx2 {
  __m256 valpha;
  int64_t nb;      // batch
  int64_t full;    // samples in blocks of 32
  int nv;          // vectors of the remainder block (0-4), the last one masked by ml
  __m256i ml;
  int64_t pf_end;  // the range's last nonzero + 1 (prefetch limit)

  SpmmCsrAvx2(int32_t row_begin, int32_t row_end, const int32_t* row_ptr, int32_t batch,
              float alpha)
      : valpha(_mm256_set1_ps(alpha)), nb(batch), full(nb & ~(int64_t)31) {
    const int64_t rem = nb - full;
    nv = (int)((rem + 7) / 8);
    ml = snn_avx2_tail_mask(rem - 8 * (nv > 1 ? nv - 1 : 0));
    pf_end = row_end > row_begin ? row_ptr[row_end] : 0;
  }

  template <typename Index, typename Value>
  inline __attribute__((always_inline)) void row(int64_t k, int64_t end, const Index* col_idx,
                                                 const Value* values, const float* x, float b,
                                                 float* yr, int32_t act) const {
    // body: blocks of 32 samples
    for (int64_t b0 = 0; b0 < full; b0 += 32) {
      snn_spmm_block32(k, end, pf_end, col_idx, values, x, nb, b0, b, yr, act, valpha);
    }
    // tail: 1-4 vectors, the last one masked
    switch (nv) {
      case 1:
        snn_spmm_block(1, ml, k, end, pf_end, col_idx, values, x, nb, full, b, yr, act, valpha);
        break;
      case 2:
        snn_spmm_block(2, ml, k, end, pf_end, col_idx, values, x, nb, full, b, yr, act, valpha);
        break;
      case 3:
        snn_spmm_block(3, ml, k, end, pf_end, col_idx, values, x, nb, full, b, yr, act, valpha);
        break;
      case 4:
        snn_spmm_block(4, ml, k, end, pf_end, col_idx, values, x, nb, full, b, yr, act, valpha);
        break;
      default:
        break;
    }
  }
};

}  // namespace

#endif  // __x86_64__

#endif  // SPARSENN_SRC_F32_SPMM_CSR_F32_SPMM_CSR_AVX2_H
