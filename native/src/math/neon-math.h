/*
 * NEON (AArch64) vector math for the epilogue; same algorithms as avx2-math.h. Include only
 * from files guarded by __aarch64__. Everything is `static inline` over arm_neon.h intrinsics.
 * Tails shorter than a vector go through a small zero-padded local block (no masked loads).
 */
#ifndef SPARSENN_SRC_MATH_NEON_MATH_H
#define SPARSENN_SRC_MATH_NEON_MATH_H

#if defined(__aarch64__)

#include <arm_neon.h>
#include <stddef.h>
#include <stdint.h>

#include "sparsenn/kernels.h"

/* exp: clamp to [-87.33, 88.37] (NEON min/max propagate NaN), n = round(x log2 e),
 * Cody-Waite reduction, Cephes polynomial, 2^n from the exponent bits; 0 below, +inf above. */
static inline float32x4_t snn_neon_exp(float32x4_t x) {
  const float32x4_t hi = vdupq_n_f32(88.37f);
  const float32x4_t lo = vdupq_n_f32(-87.33f);
  const uint32x4_t over = vcgtq_f32(x, hi);
  const uint32x4_t under = vcltq_f32(x, lo);
  x = vmaxq_f32(vminq_f32(x, hi), lo);
  const float32x4_t n = vrndnq_f32(vmulq_f32(x, vdupq_n_f32(1.44269504088896341f)));
  float32x4_t r = vfmsq_f32(x, n, vdupq_n_f32(0.693359375f));
  r = vfmsq_f32(r, n, vdupq_n_f32(-2.12194440e-4f));
  float32x4_t p = vdupq_n_f32(1.9875691500e-4f);
  p = vfmaq_f32(vdupq_n_f32(1.3981999507e-3f), p, r);
  p = vfmaq_f32(vdupq_n_f32(8.3334519073e-3f), p, r);
  p = vfmaq_f32(vdupq_n_f32(4.1665795894e-2f), p, r);
  p = vfmaq_f32(vdupq_n_f32(1.6666665459e-1f), p, r);
  p = vfmaq_f32(vdupq_n_f32(5.0000001201e-1f), p, r);
  p = vfmaq_f32(vaddq_f32(r, vdupq_n_f32(1.0f)), p, vmulq_f32(r, r));
  const int32x4_t e = vshlq_n_s32(vaddq_s32(vcvtnq_s32_f32(n), vdupq_n_s32(127)), 23);
  float32x4_t y = vmulq_f32(p, vreinterpretq_f32_s32(e));
  y = vbslq_f32(over, vdupq_n_f32(__builtin_inff()), y);
  return vbslq_f32(under, vdupq_n_f32(0.0f), y);
}

static inline float32x4_t snn_neon_copysign(float32x4_t m, float32x4_t s) {
  const uint32x4_t sign = vdupq_n_u32(0x80000000u);
  return vreinterpretq_f32_u32(
      vorrq_u32(vreinterpretq_u32_f32(m), vandq_u32(vreinterpretq_u32_f32(s), sign)));
}

static inline float32x4_t snn_neon_sigmoid(float32x4_t x) {
  const float32x4_t one = vdupq_n_f32(1.0f);
  return vdivq_f32(one, vaddq_f32(one, snn_neon_exp(vnegq_f32(x))));
}

/* tanh: |x| < 0.25: odd Taylor series to x^9; else sign(x) (1 - 2 / (exp(2|x|) + 1)). */
static inline float32x4_t snn_neon_tanh(float32x4_t x) {
  const float32x4_t a = vabsq_f32(x);
  const float32x4_t one = vdupq_n_f32(1.0f);
  const float32x4_t e = snn_neon_exp(vaddq_f32(a, a));
  const float32x4_t big = vsubq_f32(one, vdivq_f32(vdupq_n_f32(2.0f), vaddq_f32(e, one)));
  const float32x4_t x2 = vmulq_f32(x, x);
  float32x4_t p = vdupq_n_f32(62.0f / 2835.0f);
  p = vfmaq_f32(vdupq_n_f32(-17.0f / 315.0f), p, x2);
  p = vfmaq_f32(vdupq_n_f32(2.0f / 15.0f), p, x2);
  p = vfmaq_f32(vdupq_n_f32(-1.0f / 3.0f), p, x2);
  const float32x4_t small = vfmaq_f32(x, vmulq_f32(p, x2), x);
  return vbslq_f32(vcltq_f32(a, vdupq_n_f32(0.25f)), small, snn_neon_copysign(big, x));
}

/* erf: Abramowitz-Stegun 7.1.26. */
static inline float32x4_t snn_neon_erf(float32x4_t x) {
  const float32x4_t a = vabsq_f32(x);
  const float32x4_t one = vdupq_n_f32(1.0f);
  const float32x4_t t = vdivq_f32(one, vfmaq_f32(one, vdupq_n_f32(0.3275911f), a));
  float32x4_t p = vdupq_n_f32(1.061405429f);
  p = vfmaq_f32(vdupq_n_f32(-1.453152027f), p, t);
  p = vfmaq_f32(vdupq_n_f32(1.421413741f), p, t);
  p = vfmaq_f32(vdupq_n_f32(-0.284496736f), p, t);
  p = vfmaq_f32(vdupq_n_f32(0.254829592f), p, t);
  p = vmulq_f32(p, t);
  const float32x4_t e = snn_neon_exp(vnegq_f32(vmulq_f32(a, a)));
  return snn_neon_copysign(vfmsq_f32(one, p, e), x);
}

static inline float32x4_t snn_neon_gelu(float32x4_t x) {
  const float32x4_t erf = snn_neon_erf(vmulq_f32(x, vdupq_n_f32(0.70710678118654752440f)));
  const float32x4_t half_x = vmulq_f32(x, vdupq_n_f32(0.5f));
  return vfmaq_f32(half_x, half_x, erf);
}

/* The epilogue activation; same semantics as snn_act_scalar (math/scalar-act.h). */
static inline float32x4_t snn_neon_act(float32x4_t v, int32_t act, float32x4_t alpha) {
  switch (act) {
    case SNN_ACT_RELU:
      return vbslq_f32(vcltq_f32(v, vdupq_n_f32(0.0f)), vdupq_n_f32(0.0f), v);
    case SNN_ACT_LEAKY_RELU:
      return vbslq_f32(vcltq_f32(v, vdupq_n_f32(0.0f)), vmulq_f32(v, alpha), v);
    case SNN_ACT_SIGMOID:
      return snn_neon_sigmoid(v);
    case SNN_ACT_TANH:
      return snn_neon_tanh(v);
    case SNN_ACT_GELU:
      return snn_neon_gelu(v);
    default:
      return v;
  }
}

/* y[i] = act(v[i] + b[i]) for the first n (<= 4) lanes, through a padded local block. */
static inline void snn_neon_store_partial(float* y, int32_t n, const float* v, const float* b,
                                          int32_t act, float32x4_t alpha) {
  float t[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  float u[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  for (int32_t i = 0; i < n; i++) {
    t[i] = v[i];
    if (b != NULL) u[i] = b[i];
  }
  vst1q_f32(t, snn_neon_act(vaddq_f32(vld1q_f32(t), vld1q_f32(u)), act, alpha));
  for (int32_t i = 0; i < n; i++) y[i] = t[i];
}

/* Batch-1 epilogue for up to 4 consecutive rows: y[r0 + i] = act(sums[i] + bias[r0 + i]). */
static inline void snn_neon_store_rows(float* y, const float* bias, int32_t r0, int32_t n,
                                       const float* sums, int32_t act, float32x4_t alpha) {
  if (n == 4) {
    float32x4_t v = vld1q_f32(sums);
    if (bias != NULL) v = vaddq_f32(v, vld1q_f32(bias + r0));
    vst1q_f32(y + r0, snn_neon_act(v, act, alpha));
  } else {
    snn_neon_store_partial(y + r0, n, sums, bias != NULL ? bias + r0 : NULL, act, alpha);
  }
}

/* acc + 4 weights v times their inputs xw[o[i]] (uint8 offsets into a window of x), loaded
 * lane by lane; a zero weight's input is never read, so it adds exactly 0 whatever x holds. The
 * slots of the nm and sell formats. */
static inline __attribute__((always_inline)) float32x4_t snn_neon_fma_window4(const float* v,
                                                                              const uint8_t* o,
                                                                              const float* xw,
                                                                              float32x4_t acc) {
  float xs[4];
  for (int j = 0; j < 4; j++) xs[j] = v[j] != 0.0f ? xw[o[j]] : 0.0f;
  return vfmaq_f32(acc, vld1q_f32(v), vld1q_f32(xs));
}

#endif /* __aarch64__ */

#endif /* SPARSENN_SRC_MATH_NEON_MATH_H */
