/*
 * Reference CSR SpMM for either column index type (int32_t or uint16_t): for each row
 * and each sample, one accumulator over the row's nonzeros.
 *
 * Include only from the scalar kernels of the CSR formats
 * (compiled without ISA flags). Everything here is `static` (internal linkage).
 */
#ifndef SPARSENN_SRC_F32_SPMM_CSR_F32_SPMM_CSR_SCALAR_H
#define SPARSENN_SRC_F32_SPMM_CSR_F32_SPMM_CSR_SCALAR_H

#include <stddef.h>
#include <stdint.h>

#include "f32-spmm-csr/spmm-csr-loop.h"
#include "math/bf16.h"
#include "math/scalar-act.h"

namespace {

// The tile of the shared loop (spmm-csr-loop.h).
struct SpmmCsrScalar {
  float alpha;
  int64_t nb;  // batch

  SpmmCsrScalar(int32_t, int32_t, const int32_t*, int32_t batch, float alpha_)
      : alpha(alpha_), nb(batch) {}

  template <typename Index, typename Value>
  void row(int64_t k0, int64_t end, const Index* col_idx, const Value* values, const float* x,
           float b0, float* yr, int32_t act) const {
    for (int64_t b = 0; b < nb; b++) {
      float acc = 0.0f;
      for (int32_t k = (int32_t)k0; k < (int32_t)end; k++) {
        acc += snn_weight(values[k]) * x[(int64_t)col_idx[k] * nb + b];
      }
      yr[b] = snn_act_scalar(acc + b0, act, alpha);
    }
  }
};

}  // namespace

#endif  // SPARSENN_SRC_F32_SPMM_CSR_F32_SPMM_CSR_SCALAR_H
