/*
 * NEON CSR SpMV for either column index type (int32_t or uint16_t) and either value type (fp32,
 * or bf16 widened by vshll #16): no gather on NEON,
 * so per row 8 nonzeros at a time are loaded lane by lane into two q registers (two
 * accumulators), a scalar tail, one horizontal add per row; the epilogue runs on 4 row sums at
 * once.
 *
 * The row loop is spmv-csr-loop.h; this is its NEON tile. Include only from the NEON kernels of
 * the CSR formats (guarded by __aarch64__). Everything here has internal linkage.
 */
#ifndef SPARSENN_SRC_F32_SPMV_CSR_F32_SPMV_CSR_NEON_H
#define SPARSENN_SRC_F32_SPMV_CSR_F32_SPMV_CSR_NEON_H

#if defined(__aarch64__)

#include <arm_neon.h>
#include <stddef.h>
#include <stdint.h>

#include "f32-spmv-csr/spmv-csr-loop.h"
#include "math/bf16.h"
#include "math/neon-math.h"

namespace {

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

// Four weights as fp32: fp32 loaded, bf16 widened (shift each 16-bit lane left by 16).
static inline float32x4_t snn_load_w4(const float* v) { return vld1q_f32(v); }

static inline float32x4_t snn_load_w4(const snn_bf16* v) {
  return vreinterpretq_f32_u32(vshll_n_u16(vld1_u16((const uint16_t*)v), 16));
}

// The tile of the shared loop (spmv-csr-loop.h).
struct SpmvCsrNeon {
  static constexpr int32_t kRows = 4;
  static constexpr int64_t kPrefetchWindow = 0;  // no software prefetch
  typedef float32x4_t Vec;
  static Vec set1(float alpha) { return vdupq_n_f32(alpha); }
  static void store_rows(float* y, const float* bias, int32_t r0, int32_t n, const float* sums,
                         int32_t act, Vec valpha) {
    snn_neon_store_rows(y, bias, r0, n, sums, act, valpha);
  }

  template <typename Index, typename Value>
  static inline __attribute__((always_inline)) float row_dot(int64_t start, int64_t end,
                                                             const Index* col_idx,
                                                             const Value* values, const float* x,
                                                             int64_t) {
    int64_t k = start;
    float32x4_t acc0 = vdupq_n_f32(0.0f);
    float32x4_t acc1 = vdupq_n_f32(0.0f);
    // body: 8 nonzeros
    for (; k + 8 <= end; k += 8) {
      acc0 = vfmaq_f32(acc0, snn_load_w4(values + k), snn_load_x4(x, col_idx + k));
      acc1 = vfmaq_f32(acc1, snn_load_w4(values + k + 4), snn_load_x4(x, col_idx + k + 4));
    }
    // tail: scalar
    float s = 0.0f;
    for (; k < end; k++) s += snn_weight(values[k]) * x[col_idx[k]];
    // reduce
    return vaddvq_f32(vaddq_f32(acc0, acc1)) + s;
  }
};

}  // namespace

#endif  // __aarch64__

#endif  // SPARSENN_SRC_F32_SPMV_CSR_F32_SPMV_CSR_NEON_H
