// AVX2 csc16 SpMV: zero inputs found 8 at a time by one compare; the scatter is scalar.
#if defined(__x86_64__)

#include <immintrin.h>

#include "f32-spmv-csc16/csc16-loop.h"
#include "snn-internal.h"

namespace {

struct Csc16Avx2 {
  static uint64_t nonzero_bits(const float* x, int32_t n) {
    uint64_t bits = 0;
    int32_t i = 0;
    for (; i + 8 <= n; i += 8) {
      // not-equal, unordered: NaN counts as nonzero
      const __m256 ne = _mm256_cmp_ps(_mm256_loadu_ps(x + i), _mm256_setzero_ps(), _CMP_NEQ_UQ);
      bits |= (uint64_t)(uint32_t)_mm256_movemask_ps(ne) << i;
    }
    for (; i < n; i++) bits |= (uint64_t)(x[i] != 0.0f) << i;
    return bits;
  }
  static void bias_act(SNN_BIAS_ACT_PARAMS) { snn_f32_bias_act__avx2 SNN_BIAS_ACT_ARGS; }
};

}  // namespace

extern "C" void snn_f32_spmv_csc16__avx2(SNN_SPMV_CSC16_PARAMS) {
  snn_spmv_csc16_loop<Csc16Avx2> SNN_SPMV_CSC16_ARGS;
}

#endif  // __x86_64__
