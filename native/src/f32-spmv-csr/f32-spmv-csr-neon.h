/*
 * NEON CSR SpMV for either column index type (int32_t: csr, uint16_t: csr16): no gather on NEON,
 * so per row 8 nonzeros at a time are loaded lane by lane into two q registers (two
 * accumulators), a scalar tail, one horizontal add per row; the epilogue runs on 4 row sums at
 * once.
 *
 * Include only from the entry points f32-spmv-csr-neon.cc and f32-spmv-csr16-neon.cc (guarded by
 * __aarch64__). Everything here is `static` (internal linkage).
 */
#ifndef SPARSENN_SRC_F32_SPMV_CSR_F32_SPMV_CSR_NEON_H
#define SPARSENN_SRC_F32_SPMV_CSR_F32_SPMV_CSR_NEON_H

#if defined(__aarch64__)

#include <arm_neon.h>
#include <stddef.h>
#include <stdint.h>

#include "math/neon-math.h"

// x[idx[0]], ..., x[idx[3]], loaded lane by lane.
template <typename Index>
static inline float32x4_t snn_load_x4(const float* x, const Index* idx) {
  float32x4_t v = vdupq_n_f32(0.0f);
  v = vsetq_lane_f32(x[idx[0]], v, 0);
  v = vsetq_lane_f32(x[idx[1]], v, 1);
  v = vsetq_lane_f32(x[idx[2]], v, 2);
  v = vsetq_lane_f32(x[idx[3]], v, 3);
  return v;
}

// The whole kernel; the entry points instantiate it with their index type.
template <typename Index>
static inline __attribute__((always_inline)) void snn_f32_spmv_csr_neon(
    int32_t row_begin, int32_t row_end, const int32_t* row_ptr, const Index* col_idx,
    const float* values, const float* x, const float* bias, float* y, int32_t act, float alpha) {
  const float32x4_t valpha = vdupq_n_f32(alpha);
  float sums[4];
  for (int32_t r0 = row_begin; r0 < row_end; r0 += 4) {
    const int32_t n = row_end - r0 < 4 ? row_end - r0 : 4;
    for (int32_t i = 0; i < n; i++) {
      int64_t k = row_ptr[r0 + i];
      const int64_t end = row_ptr[r0 + i + 1];
      float32x4_t acc0 = vdupq_n_f32(0.0f);
      float32x4_t acc1 = vdupq_n_f32(0.0f);
      // body: 8 nonzeros
      for (; k + 8 <= end; k += 8) {
        acc0 = vfmaq_f32(acc0, vld1q_f32(values + k), snn_load_x4(x, col_idx + k));
        acc1 = vfmaq_f32(acc1, vld1q_f32(values + k + 4), snn_load_x4(x, col_idx + k + 4));
      }
      // tail: scalar
      float s = 0.0f;
      for (; k < end; k++) s += values[k] * x[col_idx[k]];
      // reduce
      sums[i] = vaddvq_f32(vaddq_f32(acc0, acc1)) + s;
    }
    snn_neon_store_rows(y, bias, r0, n, sums, act, valpha);
  }
}

#endif  // __aarch64__

#endif  // SPARSENN_SRC_F32_SPMV_CSR_F32_SPMV_CSR_NEON_H
