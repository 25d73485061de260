/*
 * AVX2 + FMA vector math for the epilogue. Include only from files compiled with -mavx2 -mfma
 * (and guarded by __x86_64__). Everything is `static inline` over intrinsics: no library
 * inline code, so no COMDAT copy compiled for AVX2 can leak into other files.
 *
 * Same algorithms and accuracy as avx512-math.h; exp builds 2^n from the exponent bits, so it
 * clamps its argument to [-87.33, 88.37] and returns 0 below and +inf above (NaN propagates).
 */
#ifndef SPARSENN_SRC_MATH_AVX2_MATH_H
#define SPARSENN_SRC_MATH_AVX2_MATH_H

#if defined(__x86_64__)

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "sparsenn/kernels.h"

static inline __m256 snn_avx2_exp(__m256 x) {
  const __m256 hi = _mm256_set1_ps(88.37f);
  const __m256 lo = _mm256_set1_ps(-87.33f);
  const __m256 over = _mm256_cmp_ps(x, hi, _CMP_GT_OQ);
  const __m256 under = _mm256_cmp_ps(x, lo, _CMP_LT_OQ);
  x = _mm256_min_ps(hi, x);  // keeps NaN (second operand)
  x = _mm256_max_ps(lo, x);
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  const __m256i e =
      _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  __m256 y = _mm256_mul_ps(p, _mm256_castsi256_ps(e));
  y = _mm256_blendv_ps(y, _mm256_set1_ps(__builtin_inff()), over);
  return _mm256_blendv_ps(y, _mm256_setzero_ps(), under);
}

static inline __m256 snn_avx2_abs(__m256 x) {
  return _mm256_and_ps(x, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)));
}

/* Copies the sign of `s` onto the non-negative `m`. */
static inline __m256 snn_avx2_copysign(__m256 m, __m256 s) {
  return _mm256_or_ps(m, _mm256_and_ps(s, _mm256_castsi256_ps(_mm256_set1_epi32(INT32_MIN))));
}

static inline __m256 snn_avx2_sigmoid(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f);
  return _mm256_div_ps(one,
                       _mm256_add_ps(one, snn_avx2_exp(_mm256_sub_ps(_mm256_setzero_ps(), x))));
}

/* tanh: |x| < 0.25: odd Taylor series to x^9; else sign(x) (1 - 2 / (exp(2|x|) + 1)). */
static inline __m256 snn_avx2_tanh(__m256 x) {
  const __m256 a = snn_avx2_abs(x);
  const __m256 e = snn_avx2_exp(_mm256_add_ps(a, a));
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 big = _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, one)));
  const __m256 x2 = _mm256_mul_ps(x, x);
  __m256 p = _mm256_set1_ps(62.0f / 2835.0f);
  p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-17.0f / 315.0f));
  p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(2.0f / 15.0f));
  p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-1.0f / 3.0f));
  const __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(p, x2), x, x);
  const __m256 is_small = _mm256_cmp_ps(a, _mm256_set1_ps(0.25f), _CMP_LT_OQ);
  return _mm256_blendv_ps(snn_avx2_copysign(big, x), small, is_small);
}

/* erf: Abramowitz-Stegun 7.1.26, 1 - t P(t) exp(-x^2) with t = 1 / (1 + p |x|), sign of x. */
static inline __m256 snn_avx2_erf(__m256 x) {
  const __m256 a = snn_avx2_abs(x);
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 t = _mm256_div_ps(one, _mm256_fmadd_ps(_mm256_set1_ps(0.3275911f), a, one));
  __m256 p = _mm256_set1_ps(1.061405429f);
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.453152027f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.421413741f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-0.284496736f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.254829592f));
  p = _mm256_mul_ps(p, t);
  const __m256 e = snn_avx2_exp(_mm256_sub_ps(_mm256_setzero_ps(), _mm256_mul_ps(a, a)));
  return snn_avx2_copysign(_mm256_fnmadd_ps(p, e, one), x);
}

static inline __m256 snn_avx2_gelu(__m256 x) {
  const __m256 erf = snn_avx2_erf(_mm256_mul_ps(x, _mm256_set1_ps(0.70710678118654752440f)));
  const __m256 half_x = _mm256_mul_ps(x, _mm256_set1_ps(0.5f));
  return _mm256_fmadd_ps(half_x, erf, half_x);
}

/* The epilogue activation; same semantics as snn_act_scalar (math/scalar-act.h). */
static inline __m256 snn_avx2_act(__m256 v, int32_t act, __m256 alpha) {
  switch (act) {
    case SNN_ACT_RELU:
      return _mm256_blendv_ps(v, _mm256_setzero_ps(),
                              _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_LT_OQ));
    case SNN_ACT_LEAKY_RELU:
      return _mm256_blendv_ps(v, _mm256_mul_ps(v, alpha),
                              _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_LT_OQ));
    case SNN_ACT_SIGMOID:
      return snn_avx2_sigmoid(v);
    case SNN_ACT_TANH:
      return snn_avx2_tanh(v);
    case SNN_ACT_GELU:
      return snn_avx2_gelu(v);
    default:
      return v;
  }
}

/* Lane mask for the first n (0..8) lanes, for maskload / maskstore / masked gathers. */
static inline __m256i snn_avx2_tail_mask(int64_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int32_t)n),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

static inline float snn_avx2_reduce_add(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

/* Batch-1 epilogue for up to 8 consecutive rows: y[r0 + i] = act(sums[i] + bias[r0 + i]). */
static inline void snn_avx2_store_rows(float* y, const float* bias, int32_t r0, int32_t n,
                                       const float* sums, int32_t act, __m256 alpha) {
  const __m256i m = snn_avx2_tail_mask(n);
  __m256 v = _mm256_maskload_ps(sums, m);
  if (bias != NULL) v = _mm256_add_ps(v, _mm256_maskload_ps(bias + r0, m));
  _mm256_maskstore_ps(y + r0, m, snn_avx2_act(v, act, alpha));
}

/* acc + 8 weights v times their inputs xw[o[i]] (uint8 offsets into a window of x), gathered
 * by one vgatherdps under the mask of the nonzero weights: a zero weight's input is never read,
 * so it adds exactly 0 whatever x holds. The slots of the nm and sell formats. */
static inline __attribute__((always_inline)) __m256 snn_avx2_fma_window8(const float* v,
                                                                         const uint8_t* o,
                                                                         const float* xw,
                                                                         __m256 acc) {
  const __m256 w = _mm256_loadu_ps(v);
  const __m256 k = _mm256_cmp_ps(w, _mm256_setzero_ps(), _CMP_NEQ_UQ);
  const __m256i idx = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i*)o));
  const __m256 xs = _mm256_mask_i32gather_ps(_mm256_setzero_ps(), xw, idx, k, 4);
  return _mm256_fmadd_ps(w, xs, acc);
}

#endif /* __x86_64__ */

#endif /* SPARSENN_SRC_MATH_AVX2_MATH_H */
