// AVX-512 csc16 SpMV: zero inputs found 16 at a time by one compare; the scatter itself is
// scalar (a column's rows are scattered, and vscatterdps is slow on Zen 4).
#if defined(__x86_64__)

#include <immintrin.h>

#include "f32-spmv-csc16/csc16-loop.h"
#include "snn-internal.h"

namespace {

struct Csc16Avx512 {
  static uint64_t nonzero_bits(const float* x, int32_t n) {
    uint64_t bits = 0;
    for (int32_t i = 0; i < n; i += 16) {
      const int32_t m = n - i < 16 ? n - i : 16;
      const __mmask16 load = (__mmask16)((1u << m) - 1u);
      const __m512 v = _mm512_maskz_loadu_ps(load, x + i);
      // not-equal, unordered: NaN counts as nonzero
      bits |= (uint64_t)_mm512_mask_cmp_ps_mask(load, v, _mm512_setzero_ps(), _CMP_NEQ_UQ) << i;
    }
    return bits;
  }
  static void bias_act(SNN_BIAS_ACT_PARAMS) { snn_f32_bias_act__avx512 SNN_BIAS_ACT_ARGS; }
};

}  // namespace

extern "C" void snn_f32_spmv_csc16__avx512(SNN_SPMV_CSC16_PARAMS) {
  snn_spmv_csc16_loop<Csc16Avx512> SNN_SPMV_CSC16_ARGS;
}

#endif  // __x86_64__
