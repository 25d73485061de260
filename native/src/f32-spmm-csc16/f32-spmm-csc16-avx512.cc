// AVX-512 batched csc16: a feature's batch tested for zeros 16 samples per compare; each
// nonzero weight adds 16 samples per FMA into its row (masked tail).
#if defined(__x86_64__)

#include <immintrin.h>

#include "f32-spmv-csc16/csc16-loop.h"
#include "math/avx512-math.h"
#include "snn-internal.h"

namespace {

struct Csc16BatchAvx512 {
  static bool any_nonzero(const float* x, int32_t n) {
    int32_t i = 0;
    for (; i + 16 <= n; i += 16) {
      if (_mm512_cmp_ps_mask(_mm512_loadu_ps(x + i), _mm512_setzero_ps(), _CMP_NEQ_UQ) != 0) {
        return true;
      }
    }
    if (i == n) return false;
    const __mmask16 m = snn_avx512_tail_mask(n - i);
    return _mm512_mask_cmp_ps_mask(m, _mm512_maskz_loadu_ps(m, x + i), _mm512_setzero_ps(),
                                   _CMP_NEQ_UQ) != 0;
  }
  static void axpy(float* y, const float* x, float a, int32_t n) {
    const __m512 va = _mm512_set1_ps(a);
    int32_t i = 0;
    for (; i + 16 <= n; i += 16) {
      _mm512_storeu_ps(y + i, _mm512_fmadd_ps(va, _mm512_loadu_ps(x + i), _mm512_loadu_ps(y + i)));
    }
    if (i < n) {
      const __mmask16 m = snn_avx512_tail_mask(n - i);
      _mm512_mask_storeu_ps(
          y + i, m,
          _mm512_fmadd_ps(va, _mm512_maskz_loadu_ps(m, x + i), _mm512_maskz_loadu_ps(m, y + i)));
    }
  }
  static void bias_act(SNN_BIAS_ACT_PARAMS) { snn_f32_bias_act__avx512 SNN_BIAS_ACT_ARGS; }
};

}  // namespace

extern "C" void snn_f32_spmm_csc16__avx512(SNN_SPMM_CSC16_PARAMS) {
  snn_spmm_csc16_loop<Csc16BatchAvx512> SNN_SPMM_CSC16_ARGS;
}

#endif  // __x86_64__
