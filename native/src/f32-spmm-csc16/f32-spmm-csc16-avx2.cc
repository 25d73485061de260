// AVX2 batched csc16: a feature's batch tested for zeros 8 samples per compare; each nonzero
// weight adds 8 samples per FMA into its row, scalar tail.
#if defined(__x86_64__)

#include <immintrin.h>

#include "f32-spmv-csc16/csc16-loop.h"
#include "snn-internal.h"

namespace {

struct Csc16BatchAvx2 {
  static bool any_nonzero(const float* x, int32_t n) {
    int32_t i = 0;
    for (; i + 8 <= n; i += 8) {
      const __m256 ne = _mm256_cmp_ps(_mm256_loadu_ps(x + i), _mm256_setzero_ps(), _CMP_NEQ_UQ);
      if (_mm256_movemask_ps(ne) != 0) return true;
    }
    for (; i < n; i++) {
      if (x[i] != 0.0f) return true;
    }
    return false;
  }
  static void axpy(float* y, const float* x, float a, int32_t n) {
    const __m256 va = _mm256_set1_ps(a);
    int32_t i = 0;
    for (; i + 8 <= n; i += 8) {
      _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
    }
    for (; i < n; i++) y[i] = __builtin_fmaf(a, x[i], y[i]);
  }
  static void bias_act(SNN_BIAS_ACT_PARAMS) { snn_f32_bias_act__avx2 SNN_BIAS_ACT_ARGS; }
};

}  // namespace

extern "C" void snn_f32_spmm_csc16__avx2(SNN_SPMM_CSC16_PARAMS) {
  snn_spmm_csc16_loop<Csc16BatchAvx2> SNN_SPMM_CSC16_ARGS;
}

#endif  // __x86_64__
