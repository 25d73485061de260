// AVX-512 gate epilogue: 16 units (batch 1) or 16 sequences per vector; strided lanes by
// gather and scatter.
#if defined(__x86_64__)

#include <immintrin.h>

#include "f32-gates/gates-loop.h"
#include "math/avx512-math.h"

namespace {

struct GatesAvx512 {
  typedef __m512 V;
  static const int W = 16;
  static __m512i lanes(int64_t step) {
    return _mm512_mullo_epi32(
        _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
        _mm512_set1_epi32((int32_t)step));
  }
  static V load(const float* p, int64_t step, int32_t n) {
    const __mmask16 m = snn_avx512_tail_mask(n);
    if (step == 1) return _mm512_maskz_loadu_ps(m, p);
    if (step <= INT32_MAX / 16) {
      return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, lanes(step), p, 4);
    }
    float t[16] = {0.0f};
    for (int32_t l = 0; l < n; l++) t[l] = p[l * step];
    return _mm512_loadu_ps(t);
  }
  static void store(float* p, int64_t step, int32_t n, V v) {
    const __mmask16 m = snn_avx512_tail_mask(n);
    if (step == 1) {
      _mm512_mask_storeu_ps(p, m, v);
    } else if (step <= INT32_MAX / 16) {
      _mm512_mask_i32scatter_ps(p, m, lanes(step), v, 4);
    } else {
      float t[16];
      _mm512_storeu_ps(t, v);
      for (int32_t l = 0; l < n; l++) p[l * step] = t[l];
    }
  }
  static V set1(float v) { return _mm512_set1_ps(v); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V sub(V a, V b) { return _mm512_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V sigmoid(V v) { return snn_avx512_sigmoid(v); }
  static V tanh(V v) { return snn_avx512_tanh(v); }
  static V act(V v, int32_t a) { return snn_avx512_act(v, a, _mm512_setzero_ps()); }
};

}  // namespace

extern "C" void snn_f32_gates__avx512(SNN_GATES_PARAMS) {
  snn_gates_loop<GatesAvx512> SNN_GATES_ARGS;
}

#endif  // __x86_64__
