// AVX2 gate epilogue: 8 units (batch 1) or 8 sequences per vector; strided projection lanes
// by gather, strided output lanes through a local block.
#if defined(__x86_64__)

#include <immintrin.h>

#include "f32-gates/gates-loop.h"
#include "math/avx2-math.h"

namespace {

struct GatesAvx2 {
  typedef __m256 V;
  static const int W = 8;
  static V load(const float* p, int64_t step, int32_t n) {
    const __m256i m = snn_avx2_tail_mask(n);
    if (step == 1) return _mm256_maskload_ps(p, m);
    if (step <= INT32_MAX / 8) {
      const __m256i idx = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                                             _mm256_set1_epi32((int32_t)step));
      return _mm256_mask_i32gather_ps(_mm256_setzero_ps(), p, idx, _mm256_castsi256_ps(m), 4);
    }
    float t[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
    for (int32_t l = 0; l < n; l++) t[l] = p[l * step];
    return _mm256_loadu_ps(t);
  }
  static void store(float* p, int64_t step, int32_t n, V v) {
    if (step == 1) {
      _mm256_maskstore_ps(p, snn_avx2_tail_mask(n), v);
      return;
    }
    float t[8];
    _mm256_storeu_ps(t, v);
    for (int32_t l = 0; l < n; l++) p[l * step] = t[l];
  }
  static V set1(float v) { return _mm256_set1_ps(v); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V sigmoid(V v) { return snn_avx2_sigmoid(v); }
  static V tanh(V v) { return snn_avx2_tanh(v); }
  static V act(V v, int32_t a) { return snn_avx2_act(v, a, _mm256_setzero_ps()); }
};

}  // namespace

extern "C" void snn_f32_gates__avx2(SNN_GATES_PARAMS) {
  snn_gates_loop<GatesAvx2> SNN_GATES_ARGS;
}

#endif  // __x86_64__
