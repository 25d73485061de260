/*
 * Reference csc16 tile (csc16-loop.h): plain loops. Include only from the scalar kernels
 * (compiled without ISA flags).
 */
#ifndef SPARSENN_SRC_F32_SPMV_CSC16_CSC16_SCALAR_H
#define SPARSENN_SRC_F32_SPMV_CSC16_CSC16_SCALAR_H

#include <stdint.h>

#include "f32-spmv-csc16/csc16-loop.h"
#include "snn-internal.h"

namespace {

struct Csc16Scalar {
  static uint64_t nonzero_bits(const float* x, int32_t n) {
    uint64_t bits = 0;
    for (int32_t i = 0; i < n; i++) bits |= (uint64_t)(x[i] != 0.0f) << i;
    return bits;
  }
  static bool any_nonzero(const float* x, int32_t n) {
    for (int32_t i = 0; i < n; i++) {
      if (x[i] != 0.0f) return true;
    }
    return false;
  }
  static void axpy(float* y, const float* x, float a, int32_t n) {
    for (int32_t i = 0; i < n; i++) y[i] += a * x[i];
  }
  static void bias_act(SNN_BIAS_ACT_PARAMS) { snn_f32_bias_act__scalar SNN_BIAS_ACT_ARGS; }
};

}  // namespace

#endif  // SPARSENN_SRC_F32_SPMV_CSC16_CSC16_SCALAR_H
