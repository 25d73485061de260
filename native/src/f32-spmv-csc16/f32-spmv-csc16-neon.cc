// NEON csc16 SpMV: zero inputs found 4 at a time by one compare; the scatter is scalar.
#if defined(__aarch64__)

#include <arm_neon.h>

#include "f32-spmv-csc16/csc16-loop.h"
#include "snn-internal.h"

namespace {

struct Csc16Neon {
  static uint64_t nonzero_bits(const float* x, int32_t n) {
    // lane i's bit of one compare: equal-to-zero lanes are all ones, so keep the others
    const uint32x4_t lane_bits = {1u, 2u, 4u, 8u};
    uint64_t bits = 0;
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
      const uint32x4_t eq = vceqq_f32(vld1q_f32(x + i), vdupq_n_f32(0.0f));
      bits |= (uint64_t)vaddvq_u32(vbicq_u32(lane_bits, eq)) << i;
    }
    for (; i < n; i++) bits |= (uint64_t)(x[i] != 0.0f) << i;
    return bits;
  }
  static void bias_act(SNN_BIAS_ACT_PARAMS) { snn_f32_bias_act__neon SNN_BIAS_ACT_ARGS; }
};

}  // namespace

extern "C" void snn_f32_spmv_csc16__neon(SNN_SPMV_CSC16_PARAMS) {
  snn_spmv_csc16_loop<Csc16Neon> SNN_SPMV_CSC16_ARGS;
}

#endif  // __aarch64__
