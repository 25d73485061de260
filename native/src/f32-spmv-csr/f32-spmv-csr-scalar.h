/*
 * Reference CSR SpMV for either column index type (int32_t: csr, uint16_t: csr16): one row at a
 * time, one accumulator, the order of the nonzeros.
 *
 * Include only from the entry points f32-spmv-csr-scalar.cc and f32-spmv-csr16-scalar.cc
 * (compiled without ISA flags). Everything here is `static` (internal linkage).
 */
#ifndef SPARSENN_SRC_F32_SPMV_CSR_F32_SPMV_CSR_SCALAR_H
#define SPARSENN_SRC_F32_SPMV_CSR_F32_SPMV_CSR_SCALAR_H

#include <stddef.h>
#include <stdint.h>

#include "math/scalar-act.h"

// The whole kernel; the entry points instantiate it with their index type.
template <typename Index>
static inline __attribute__((always_inline)) void snn_f32_spmv_csr_scalar(
    int32_t row_begin, int32_t row_end, const int32_t* row_ptr, const Index* col_idx,
    const float* values, const float* x, const float* bias, float* y, int32_t act, float alpha) {
  for (int32_t r = row_begin; r < row_end; r++) {
    float acc = 0.0f;
    for (int32_t k = row_ptr[r]; k < row_ptr[r + 1]; k++) {
      acc += values[k] * x[col_idx[k]];
    }
    if (bias != NULL) acc += bias[r];
    y[r] = snn_act_scalar(acc, act, alpha);
  }
}

#endif  // SPARSENN_SRC_F32_SPMV_CSR_F32_SPMV_CSR_SCALAR_H
