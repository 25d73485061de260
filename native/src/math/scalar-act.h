/*
 * Scalar epilogue: the reference semantics that every SIMD variant (and Java's JavaKernels)
 * mirrors. Uses libm; include only from translation units compiled without ISA flags.
 *   identity  x
 *   relu      x < 0 ? 0 : x            (NaN stays NaN, -0 stays -0)
 *   leaky     x < 0 ? alpha * x : x    (NaN stays NaN)
 *   sigmoid   1 / (1 + exp(-x))        (+inf -> 1, -inf -> 0)
 *   tanh      tanh(x)
 *   gelu      0.5 x (1 + erf(x / sqrt 2))   (-inf gives NaN by this formula: -inf * 0)
 */
#ifndef SPARSENN_SRC_MATH_SCALAR_ACT_H
#define SPARSENN_SRC_MATH_SCALAR_ACT_H

#include <math.h>
#include <stdint.h>

#include "sparsenn/kernels.h"

static inline float snn_act_scalar(float x, int32_t act, float alpha) {
  switch (act) {
    case SNN_ACT_RELU:
      return x < 0.0f ? 0.0f : x;
    case SNN_ACT_LEAKY_RELU:
      return x < 0.0f ? alpha * x : x;
    case SNN_ACT_SIGMOID:
      return 1.0f / (1.0f + expf(-x));
    case SNN_ACT_TANH:
      return tanhf(x);
    case SNN_ACT_GELU:
      return 0.5f * x * (1.0f + erff(x * 0.70710678118654752440f));
    default:
      return x;
  }
}

#endif /* SPARSENN_SRC_MATH_SCALAR_ACT_H */
