/*
 * Reference CSR SpMV tile for either column index type and either value type (fp32, or bf16
 * widened exactly): one row at a time, one accumulator, the
 * order of the nonzeros. The row loop is spmv-csr-loop.h.
 *
 * Include only from the scalar kernels of the CSR formats (compiled without ISA flags).
 * Everything here has internal linkage (anonymous namespace).
 */
#ifndef SPARSENN_SRC_F32_SPMV_CSR_F32_SPMV_CSR_SCALAR_H
#define SPARSENN_SRC_F32_SPMV_CSR_F32_SPMV_CSR_SCALAR_H

#include <stddef.h>
#include <stdint.h>

#include "f32-spmv-csr/spmv-csr-loop.h"
#include "math/bf16.h"
#include "math/scalar-act.h"

namespace {

// The tile of the shared loop (spmv-csr-loop.h).
struct SpmvCsrScalar {
  static constexpr int32_t kRows = 1;
  static constexpr int64_t kPrefetchWindow = 0;  // no software prefetch
  typedef float Vec;
  static Vec set1(float alpha) { return alpha; }
  static void store_rows(float* y, const float* bias, int32_t r0, int32_t, const float* sums,
                         int32_t act, Vec alpha) {
    float acc = sums[0];
    if (bias != NULL) acc += bias[r0];
    y[r0] = snn_act_scalar(acc, act, alpha);
  }

  template <typename Index, typename Value>
  static inline float row_dot(int64_t start, int64_t end, const Index* col_idx,
                              const Value* values, const float* x, int64_t) {
    float acc = 0.0f;
    for (int32_t k = (int32_t)start; k < (int32_t)end; k++) {
      acc += snn_weight(values[k]) * x[col_idx[k]];
    }
    return acc;
  }
};

}  // namespace

#endif  // SPARSENN_SRC_F32_SPMV_CSR_F32_SPMV_CSR_SCALAR_H
