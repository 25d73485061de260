/*
 * The batched sell loop shared by the SIMD kernels: each ISA's file instantiates it with its
 * vector width in samples (kB), compiled with that ISA's flags, and the compiler vectorises the
 * loops over the batch. Per slice and block of kB samples: 16 x kB accumulators; each nonzero
 * lane adds value x (its input's kB batch values, contiguous in the feature-major x) into its
 * lane's row; zero lanes are skipped before their input is read. The format is built for batch 1
 * (snn_f32_spmv_sell); this is the correct, plainly fast path for a batched call, which the
 * planner prices by measurement. Internal linkage only (docs/build-notes.md).
 */
#ifndef SPARSENN_SRC_F32_SPMM_SELL_SPMM_SELL_LOOP_H
#define SPARSENN_SRC_F32_SPMM_SELL_SPMM_SELL_LOOP_H

#include "math/scalar-act.h"
#include "snn-internal.h"

namespace {

template <int kB>
static inline __attribute__((always_inline)) void snn_spmm_sell_loop(SNN_SPMM_SELL_PARAMS) {
  const int32_t windows = (cols + SNN_SELL_WINDOW - 1) / SNN_SELL_WINDOW;
  for (int32_t s = row_begin / 16; s * 16 < row_end; s++) {
    for (int32_t b0 = 0; b0 < batch; b0 += kB) {
      const int32_t nb = batch - b0 < kB ? batch - b0 : kB;
      float acc[16][kB] = {};
      int64_t k = slice_slots[s];
      for (int32_t w = 0; w < windows; w++) {
        const int64_t base = (int64_t)w * SNN_SELL_WINDOW;
        for (int32_t t = window_slots[(int64_t)s * windows + w]; t > 0; t--, k++) {
          for (int l = 0; l < 16; l++) {
            const float v = values[16 * k + l];
            if (v == 0.0f) continue;
            const float* xc = x + (base + offsets[16 * k + l]) * batch + b0;
            if (nb == kB) {
              for (int b = 0; b < kB; b++) acc[l][b] += v * xc[b];
            } else {
              for (int b = 0; b < nb; b++) acc[l][b] += v * xc[b];
            }
          }
        }
      }
      for (int l = 0; l < 16; l++) {
        const int32_t lane = s * 16 + l;
        const int32_t r = lane_rows[lane];
        if (lane < row_begin || lane >= row_end || r < 0) continue;
        const float bias_r = bias != NULL ? bias[r] : 0.0f;
        float* yr = y + (int64_t)r * batch + b0;
        for (int b = 0; b < nb; b++) yr[b] = snn_act_scalar(acc[l][b] + bias_r, act, alpha);
      }
    }
  }
}

}  // namespace

#endif  // SPARSENN_SRC_F32_SPMM_SELL_SPMM_SELL_LOOP_H
