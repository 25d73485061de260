// NEON batched csc16: a feature's batch tested for zeros 4 samples per compare; each nonzero
// weight adds 4 samples per FMA into its row, scalar tail.
#if defined(__aarch64__)

#include <arm_neon.h>

#include "f32-spmv-csc16/csc16-loop.h"
#include "snn-internal.h"

namespace {

struct Csc16BatchNeon {
  static bool any_nonzero(const float* x, int32_t n) {
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
      // a lane equal to zero is all ones; NaN is not equal, so it counts as nonzero
      if (vminvq_u32(vceqq_f32(vld1q_f32(x + i), vdupq_n_f32(0.0f))) == 0) return true;
    }
    for (; i < n; i++) {
      if (x[i] != 0.0f) return true;
    }
    return false;
  }
  static void axpy(float* y, const float* x, float a, int32_t n) {
    const float32x4_t va = vdupq_n_f32(a);
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) vst1q_f32(y + i, vfmaq_f32(vld1q_f32(y + i), va, vld1q_f32(x + i)));
    for (; i < n; i++) y[i] = __builtin_fmaf(a, x[i], y[i]);
  }
  static void bias_act(SNN_BIAS_ACT_PARAMS) { snn_f32_bias_act__neon SNN_BIAS_ACT_ARGS; }
};

}  // namespace

extern "C" void snn_f32_spmm_csc16__neon(SNN_SPMM_CSC16_PARAMS) {
  snn_spmm_csc16_loop<Csc16BatchNeon> SNN_SPMM_CSC16_ARGS;
}

#endif  // __aarch64__
