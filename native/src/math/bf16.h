/*
 * bf16 weights (snn_bf16, sparsenn/kernels.h: the upper 16 bits of an fp32) widened to fp32,
 * exactly: a bf16 is an fp32 whose low 16 bits are zero. snn_weight() is overloaded for fp32
 * and bf16, so a loop template over the value type reads either with the same code. The
 * vector widenings (zero-extend 16 -> 32 bits, shift left by 16) live in the ISA's tile headers.
 */
#ifndef SPARSENN_SRC_MATH_BF16_H
#define SPARSENN_SRC_MATH_BF16_H

#include <stdint.h>

#include "sparsenn/kernels.h"

namespace {

static inline float snn_weight(float v) { return v; }

static inline float snn_weight(snn_bf16 v) {
  const uint32_t bits = (uint32_t)v.bits << 16;
  float f;
  __builtin_memcpy(&f, &bits, sizeof(f));
  return f;
}

}  // namespace

#endif  // SPARSENN_SRC_MATH_BF16_H
