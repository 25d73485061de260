/*
 * AVX-512F vector math for the epilogue. Include only from files compiled with -mavx512f
 * (and guarded by __x86_64__). Everything is `static inline` over intrinsics: no library
 * inline code, so no COMDAT copy compiled for AVX-512 can leak into other files.
 *
 * Accuracy (fp32, measured against libm in the tests): exp ~2 ulp; sigmoid, tanh abs error
 * < 1e-6 (tanh uses an odd Taylor polynomial for |x| < 0.25, so it is relatively accurate near
 * 0); erf (Abramowitz-Stegun 7.1.26) abs error < 1e-6. NaN propagates; exp(+inf) = inf,
 * exp(-inf) = 0, sigmoid(+-inf) = 1/0, tanh(+-inf) = +-1, relu/leaky keep NaN.
 */
#ifndef SPARSENN_SRC_MATH_AVX512_MATH_H
#define SPARSENN_SRC_MATH_AVX512_MATH_H

#if defined(__x86_64__)

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "sparsenn/kernels.h"

/* exp: n = round(x log2 e), r = x - n ln2 (Cody-Waite), Cephes polynomial, scalef by 2^n
 * (scalef gives inf / 0 on overflow / underflow). The clamp keeps NaN (second operand). */
static inline __m512 snn_avx512_exp(__m512 x) {
  x = _mm512_min_ps(_mm512_set1_ps(89.0f), x);
  x = _mm512_max_ps(_mm512_set1_ps(-104.0f), x);
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
  return _mm512_scalef_ps(p, n);
}

static inline __m512 snn_avx512_abs(__m512 x) {
  return _mm512_castsi512_ps(
      _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32(0x7fffffff)));
}

/* Copies the sign of `s` onto the non-negative `m`. */
static inline __m512 snn_avx512_copysign(__m512 m, __m512 s) {
  const __m512i sign = _mm512_and_si512(_mm512_castps_si512(s), _mm512_set1_epi32(INT32_MIN));
  return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(m), sign));
}

static inline __m512 snn_avx512_sigmoid(__m512 x) {
  const __m512 one = _mm512_set1_ps(1.0f);
  return _mm512_div_ps(one,
                       _mm512_add_ps(one, snn_avx512_exp(_mm512_sub_ps(_mm512_setzero_ps(), x))));
}

/* tanh: |x| < 0.25: odd Taylor series to x^9; else sign(x) (1 - 2 / (exp(2|x|) + 1)). */
static inline __m512 snn_avx512_tanh(__m512 x) {
  const __m512 a = snn_avx512_abs(x);
  const __m512 e = snn_avx512_exp(_mm512_add_ps(a, a));
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512 big = _mm512_sub_ps(one, _mm512_div_ps(_mm512_set1_ps(2.0f), _mm512_add_ps(e, one)));
  const __m512 x2 = _mm512_mul_ps(x, x);
  __m512 p = _mm512_set1_ps(62.0f / 2835.0f);
  p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-17.0f / 315.0f));
  p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(2.0f / 15.0f));
  p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-1.0f / 3.0f));
  const __m512 small = _mm512_fmadd_ps(_mm512_mul_ps(p, x2), x, x);
  const __mmask16 is_small = _mm512_cmp_ps_mask(a, _mm512_set1_ps(0.25f), _CMP_LT_OQ);
  return _mm512_mask_blend_ps(is_small, snn_avx512_copysign(big, x), small);
}

/* erf: Abramowitz-Stegun 7.1.26, 1 - t P(t) exp(-x^2) with t = 1 / (1 + p |x|), sign of x. */
static inline __m512 snn_avx512_erf(__m512 x) {
  const __m512 a = snn_avx512_abs(x);
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512 t = _mm512_div_ps(one, _mm512_fmadd_ps(_mm512_set1_ps(0.3275911f), a, one));
  __m512 p = _mm512_set1_ps(1.061405429f);
  p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-1.453152027f));
  p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(1.421413741f));
  p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-0.284496736f));
  p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(0.254829592f));
  p = _mm512_mul_ps(p, t);
  const __m512 e = snn_avx512_exp(_mm512_sub_ps(_mm512_setzero_ps(), _mm512_mul_ps(a, a)));
  const __m512 y = _mm512_fnmadd_ps(p, e, one);
  return snn_avx512_copysign(y, x);
}

static inline __m512 snn_avx512_gelu(__m512 x) {
  const __m512 erf = snn_avx512_erf(_mm512_mul_ps(x, _mm512_set1_ps(0.70710678118654752440f)));
  const __m512 half_x = _mm512_mul_ps(x, _mm512_set1_ps(0.5f));
  return _mm512_fmadd_ps(half_x, erf, half_x);
}

/* The epilogue activation; same semantics as snn_act_scalar (math/scalar-act.h). */
static inline __m512 snn_avx512_act(__m512 v, int32_t act, __m512 alpha) {
  switch (act) {
    case SNN_ACT_RELU:
      return _mm512_mask_mov_ps(v, _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_LT_OQ),
                                _mm512_setzero_ps());
    case SNN_ACT_LEAKY_RELU:
      return _mm512_mask_mul_ps(v, _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_LT_OQ), v,
                                alpha);
    case SNN_ACT_SIGMOID:
      return snn_avx512_sigmoid(v);
    case SNN_ACT_TANH:
      return snn_avx512_tanh(v);
    case SNN_ACT_GELU:
      return snn_avx512_gelu(v);
    default:
      return v;
  }
}

static inline __mmask16 snn_avx512_tail_mask(int64_t n) { return (__mmask16)((1u << n) - 1u); }

/* Batch-1 epilogue for up to 16 consecutive rows: y[r0 + i] = act(sums[i] + bias[r0 + i]). */
static inline void snn_avx512_store_rows(float* y, const float* bias, int32_t r0, int32_t n,
                                         const float* sums, int32_t act, __m512 alpha) {
  const __mmask16 m = snn_avx512_tail_mask(n);
  __m512 v = _mm512_maskz_loadu_ps(m, sums);
  if (bias != NULL) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, bias + r0));
  _mm512_mask_storeu_ps(y + r0, m, snn_avx512_act(v, act, alpha));
}

#endif /* __x86_64__ */

#endif /* SPARSENN_SRC_MATH_AVX512_MATH_H */
