/*
 * NEON CSR SpMM, batch contiguous, for either column index type (int32_t or uint16_t).
 *
 * Per row, each nonzero is one broadcast of its value and one FMA per q register of contiguous
 * samples of its x row. With one accumulator per vector a small batch makes the row a single
 * dependent FMA chain (latency bound), so the row's nonzeros are dealt round-robin to several
 * accumulator sets (nonzero k into set k % S), summed at the end. The batch is tiled in blocks
 * of 16 samples (4 q, 2 sets), then at most one block of 8 (2 q, 4 sets), one of 4 (1 q,
 * 8 sets; indices read 8 at a time in 64-bit words) and fewer than 4 samples with scalar
 * accumulators (2 sets). Bias and activation before the single store.
 *
 * The summation order depends on the batch size (through S), so results are deterministic per
 * batch size and may differ from the batch-1 kernels by rounding.
 *
 * Include only from the neon kernels of the CSR formats (guarded by __aarch64__). Everything
 * here is `static` (internal linkage).
 */
#ifndef SPARSENN_SRC_F32_SPMM_CSR_F32_SPMM_CSR_NEON_H
#define SPARSENN_SRC_F32_SPMM_CSR_F32_SPMM_CSR_NEON_H

#if defined(__aarch64__)

#include <arm_neon.h>
#include <stddef.h>
#include <stdint.h>

#include "f32-spmm-csr/spmm-csr-loop.h"
#include "math/bf16.h"
#include "math/neon-math.h"

namespace {

// One q register from sample b0, the row's nonzeros [k, end) dealt to 8 accumulators, summed
// pairwise.
template <typename Index, typename Value>
static inline __attribute__((always_inline)) void snn_spmm_neon_block1(
    int64_t k, int64_t end, const Index* col_idx, const Value* values, const float* x,
    int64_t nb, int64_t b0, float b, float* yr, int32_t act, float32x4_t valpha) {
  const float* xb = x + b0;
  const auto term = [&](float32x4_t acc, int64_t kk, int64_t c) __attribute__((always_inline)) {
    return vfmaq_n_f32(acc, vld1q_f32(xb + c * nb), snn_weight(values[kk]));
  };
  float32x4_t a0 = vdupq_n_f32(0.0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0,
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
  const float32x4_t sum = vaddq_f32(vaddq_f32(vaddq_f32(a0, a1), vaddq_f32(a2, a3)),
                                    vaddq_f32(vaddq_f32(a4, a5), vaddq_f32(a6, a7)));
  vst1q_f32(yr + b0, snn_neon_act(vaddq_f32(sum, vdupq_n_f32(b)), act, valpha));
}

// NV (2 or 4) q registers from sample b0, the row's nonzeros [k, end) dealt to S (4 or 2;
// S * NV == 8) accumulator sets: set s holds a<s>0..a<s>3.
template <int NV, int S, typename Index, typename Value>
static inline __attribute__((always_inline)) void snn_spmm_neon_block_wide(
    int64_t k, int64_t end, const Index* col_idx, const Value* values, const float* x,
    int64_t nb, int64_t b0, float b, float* yr, int32_t act, float32x4_t valpha) {
  static_assert((NV == 2 && S == 4) || (NV == 4 && S == 2), "block shape");
  const float* xb = x + b0;
  float32x4_t a00 = vdupq_n_f32(0.0f), a01 = a00, a02 = a00, a03 = a00;
  float32x4_t a10 = a00, a11 = a00, a12 = a00, a13 = a00;
  float32x4_t a20 = a00, a21 = a00, a30 = a00, a31 = a00;
  // Nonzero kk into set 0..3 (sets 2 and 3 have 2 vectors: used only when NV == 2).
#define SNN_SPMM_INTO(set, kk)                                                       \
  do {                                                                               \
    const float v = snn_weight(values[kk]);                                          \
    const float* xp = xb + (int64_t)col_idx[kk] * nb;                                \
    a##set##0 = vfmaq_n_f32(a##set##0, vld1q_f32(xp), v);                            \
    a##set##1 = vfmaq_n_f32(a##set##1, vld1q_f32(xp + 4), v);                        \
    if (NV > 2) a##set##2 = vfmaq_n_f32(a##set##2, vld1q_f32(xp + 8), v);            \
    if (NV > 2) a##set##3 = vfmaq_n_f32(a##set##3, vld1q_f32(xp + 12), v);           \
  } while (0)
#define SNN_SPMM_INTO_PAIR(set, kk)                                                  \
  do {                                                                               \
    const float v = snn_weight(values[kk]);                                          \
    const float* xp = xb + (int64_t)col_idx[kk] * nb;                                \
    a##set##0 = vfmaq_n_f32(a##set##0, vld1q_f32(xp), v);                            \
    a##set##1 = vfmaq_n_f32(a##set##1, vld1q_f32(xp + 4), v);                        \
  } while (0)
  for (; k + S <= end; k += S) {
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
    a00 = vaddq_f32(a00, a20);
    a01 = vaddq_f32(a01, a21);
    a10 = vaddq_f32(a10, a30);
    a11 = vaddq_f32(a11, a31);
  }
  const float32x4_t vb = vdupq_n_f32(b);
  const auto out = [&](float32x4_t s0, float32x4_t s1) __attribute__((always_inline)) {
    return snn_neon_act(vaddq_f32(vaddq_f32(s0, s1), vb), act, valpha);
  };
  float* yp = yr + b0;
  vst1q_f32(yp, out(a00, a10));
  vst1q_f32(yp + 4, out(a01, a11));
  if (NV > 2) vst1q_f32(yp + 8, out(a02, a12));
  if (NV > 2) vst1q_f32(yp + 12, out(a03, a13));
}

// The tile of the shared loop (spmm-csr-loop.h).
struct SpmmCsrNeon {
  float32x4_t valpha;
  int64_t nb;  // batch

  SpmmCsrNeon(int32_t, int32_t, const int32_t*, int32_t batch, float alpha)
      : valpha(vdupq_n_f32(alpha)), nb(batch) {}

  template <typename Index, typename Value>
  inline __attribute__((always_inline)) void row(int64_t k, int64_t end, const Index* col_idx,
                                                 const Value* values, const float* x, float b,
                                                 float* yr, int32_t act) const {
    int64_t b0 = 0;
    // body: blocks of 16 samples
    for (; b0 + 16 <= nb; b0 += 16) {
      snn_spmm_neon_block_wide<4, 2>(k, end, col_idx, values, x, nb, b0, b, yr, act, valpha);
    }
    // tail: a block of 8, a block of 4, then fewer than 4 samples
    if (b0 + 8 <= nb) {
      snn_spmm_neon_block_wide<2, 4>(k, end, col_idx, values, x, nb, b0, b, yr, act, valpha);
      b0 += 8;
    }
    if (b0 + 4 <= nb) {
      snn_spmm_neon_block1(k, end, col_idx, values, x, nb, b0, b, yr, act, valpha);
      b0 += 4;
    }
    if (b0 < nb) {
      const int32_t t = (int32_t)(nb - b0);
      float acc0[4] = {0.0f, 0.0f, 0.0f, 0.0f};
      float acc1[4] = {0.0f, 0.0f, 0.0f, 0.0f};
      int64_t kk = k;
      for (; kk + 2 <= end; kk += 2) {
        const float* xp = x + (int64_t)col_idx[kk] * nb + b0;
        const float* xq = x + (int64_t)col_idx[kk + 1] * nb + b0;
        for (int32_t j = 0; j < t; j++) {
          acc0[j] += snn_weight(values[kk]) * xp[j];
          acc1[j] += snn_weight(values[kk + 1]) * xq[j];
        }
      }
      if (kk < end) {
        const float* xp = x + (int64_t)col_idx[kk] * nb + b0;
        for (int32_t j = 0; j < t; j++) acc0[j] += snn_weight(values[kk]) * xp[j];
      }
      for (int32_t j = 0; j < t; j++) acc0[j] += acc1[j];
      const float bb[4] = {b, b, b, b};
      snn_neon_store_partial(yr + b0, t, acc0, bb, act, valpha);
    }
  }
};

}  // namespace

#endif  // __aarch64__

#endif  // SPARSENN_SRC_F32_SPMM_CSR_F32_SPMM_CSR_NEON_H
