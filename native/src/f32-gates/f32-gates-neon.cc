// NEON gate epilogue: 4 units (batch 1) or 4 sequences per vector; partial and strided lanes
// through a local block.
#if defined(__aarch64__)

#include <arm_neon.h>

#include "f32-gates/gates-loop.h"
#include "math/neon-math.h"

namespace {

struct GatesNeon {
  typedef float32x4_t V;
  static const int W = 4;
  static V load(const float* p, int64_t step, int32_t n) {
    if (step == 1 && n == 4) return vld1q_f32(p);
    float t[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    for (int32_t l = 0; l < n; l++) t[l] = p[l * step];
    return vld1q_f32(t);
  }
  static void store(float* p, int64_t step, int32_t n, V v) {
    if (step == 1 && n == 4) {
      vst1q_f32(p, v);
      return;
    }
    float t[4];
    vst1q_f32(t, v);
    for (int32_t l = 0; l < n; l++) p[l * step] = t[l];
  }
  static V set1(float v) { return vdupq_n_f32(v); }
  static V add(V a, V b) { return vaddq_f32(a, b); }
  static V sub(V a, V b) { return vsubq_f32(a, b); }
  static V mul(V a, V b) { return vmulq_f32(a, b); }
  static V sigmoid(V v) { return snn_neon_sigmoid(v); }
  static V tanh(V v) { return snn_neon_tanh(v); }
  static V act(V v, int32_t a) { return snn_neon_act(v, a, vdupq_n_f32(0.0f)); }
};

}  // namespace

extern "C" void snn_f32_gates__neon(SNN_GATES_PARAMS) {
  snn_gates_loop<GatesNeon> SNN_GATES_ARGS;
}

#endif  // __aarch64__
