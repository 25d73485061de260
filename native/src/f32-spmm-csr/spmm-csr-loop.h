/*
 * The CSR SpMM loop (batch contiguous), written once for every ISA, both column index types and
 * both value types (fp32, or bf16 read through snn_weight(), math/bf16.h):
 * per row, its bias and output row, then the ISA's tile computes the row over the whole batch.
 *
 * A tile is a struct, defined in the ISA's own header inside an anonymous namespace (so every
 * instantiation has internal linkage: docs/build-notes.md), built once per call from
 * (row_begin, row_end, row_ptr, batch, alpha) to hold what does not change from row to row (the
 * batch split into register blocks, masks, the prefetch limit), with
 *   row(k, end, col_idx, values, x, b, yr, act): y row yr = act(sum over nonzeros [k, end) + b).
 */
#ifndef SPARSENN_SRC_F32_SPMM_CSR_SPMM_CSR_LOOP_H
#define SPARSENN_SRC_F32_SPMM_CSR_SPMM_CSR_LOOP_H

#include <stddef.h>
#include <stdint.h>

namespace {

template <class Tile, typename Index, typename Value>
inline __attribute__((always_inline)) void snn_spmm_csr_loop(
    int32_t row_begin, int32_t row_end, const int32_t* row_ptr, const Index* col_idx,
    const Value* values, const float* x, int32_t batch, const float* bias, float* y, int32_t act,
    float alpha) {
  const Tile tile(row_begin, row_end, row_ptr, batch, alpha);
  for (int32_t r = row_begin; r < row_end; r++) {
    const float b = bias != NULL ? bias[r] : 0.0f;
    tile.row(row_ptr[r], row_ptr[r + 1], col_idx, values, x, b, y + (int64_t)r * batch, act);
  }
}

}  // namespace

#endif  // SPARSENN_SRC_F32_SPMM_CSR_SPMM_CSR_LOOP_H
