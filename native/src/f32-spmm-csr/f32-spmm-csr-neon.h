/*
 * NEON CSR SpMM, batch contiguous, for either column index type (int32_t or uint16_t):
 * per row, the batch is tiled in register blocks of 16 (4 q accumulators), each nonzero one
 * broadcast and 4 FMAs over contiguous x; then blocks of 4, then < 4 samples with scalar
 * accumulators. Bias and activation before the single store.
 *
 * Include only from the neon kernels of the CSR formats (guarded by
 * __aarch64__). Everything here is `static` (internal linkage).
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

// The tile of the shared loop (spmm-csr-loop.h).
struct SpmmCsrNeon {
  float32x4_t valpha;
  int64_t nb;  // batch

  SpmmCsrNeon(int32_t, int32_t, const int32_t*, int32_t batch, float alpha)
      : valpha(vdupq_n_f32(alpha)), nb(batch) {}

  template <typename Index, typename Value>
  inline __attribute__((always_inline)) void row(int64_t k0, int64_t end, const Index* col_idx,
                                                 const Value* values, const float* x, float b,
                                                 float* yr, int32_t act) const {
    const float32x4_t vb = vdupq_n_f32(b);
    int64_t b0 = 0;
    // body: blocks of 16 samples
    for (; b0 + 16 <= nb; b0 += 16) {
      float32x4_t acc0 = vdupq_n_f32(0.0f), acc1 = vdupq_n_f32(0.0f);
      float32x4_t acc2 = vdupq_n_f32(0.0f), acc3 = vdupq_n_f32(0.0f);
      for (int64_t k = k0; k < end; k++) {
        const float32x4_t v = vdupq_n_f32(snn_weight(values[k]));
        const float* xp = x + (int64_t)col_idx[k] * nb + b0;
        acc0 = vfmaq_f32(acc0, v, vld1q_f32(xp));
        acc1 = vfmaq_f32(acc1, v, vld1q_f32(xp + 4));
        acc2 = vfmaq_f32(acc2, v, vld1q_f32(xp + 8));
        acc3 = vfmaq_f32(acc3, v, vld1q_f32(xp + 12));
      }
      vst1q_f32(yr + b0, snn_neon_act(vaddq_f32(acc0, vb), act, valpha));
      vst1q_f32(yr + b0 + 4, snn_neon_act(vaddq_f32(acc1, vb), act, valpha));
      vst1q_f32(yr + b0 + 8, snn_neon_act(vaddq_f32(acc2, vb), act, valpha));
      vst1q_f32(yr + b0 + 12, snn_neon_act(vaddq_f32(acc3, vb), act, valpha));
    }
    // tail: blocks of 4 samples
    for (; b0 + 4 <= nb; b0 += 4) {
      float32x4_t acc0 = vdupq_n_f32(0.0f);
      for (int64_t k = k0; k < end; k++) {
        acc0 = vfmaq_f32(acc0, vdupq_n_f32(snn_weight(values[k])),
                         vld1q_f32(x + (int64_t)col_idx[k] * nb + b0));
      }
      vst1q_f32(yr + b0, snn_neon_act(vaddq_f32(acc0, vb), act, valpha));
    }
    // tail: fewer than 4 samples
    if (b0 < nb) {
      const int32_t t = (int32_t)(nb - b0);
      float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
      for (int64_t k = k0; k < end; k++) {
        const float* xp = x + (int64_t)col_idx[k] * nb + b0;
        for (int32_t j = 0; j < t; j++) acc[j] += snn_weight(values[k]) * xp[j];
      }
      const float bb[4] = {b, b, b, b};
      snn_neon_store_partial(yr + b0, t, acc, bb, act, valpha);
    }
  }
};

}  // namespace

#endif  // __aarch64__

#endif  // SPARSENN_SRC_F32_SPMM_CSR_F32_SPMM_CSR_NEON_H
