/*
 * The CSR SpMV loop, written once for every ISA, both column index types and both value types
 * (fp32, or bf16 widened in registers: math/bf16.h): rows in blocks of
 * Tile::kRows; each row's dot product by the ISA's tile (Tile::row_dot); then bias and
 * activation on the block's row sums at once (Tile::store_rows).
 *
 * A tile is a struct of static members, defined in the ISA's own header inside an anonymous
 * namespace (so every instantiation has internal linkage and no copy compiled with one ISA's
 * flags can be shared with another translation unit: docs/build-notes.md):
 *   kRows                row sums per epilogue
 *   kPrefetchWindow      nonzeros the body reads per step; the prefetch stays kPrefetchWindow
 *                        behind the range's last nonzero (0: the tile does not prefetch)
 *   Vec, set1(alpha)     the vector the epilogue works on
 *   row_dot(start, end, col_idx, values, x, pf_last) -> float, a template over the index and
 *                        the value type
 *   store_rows(y, bias, r0, n, sums, act, valpha)
 */
#ifndef SPARSENN_SRC_F32_SPMV_CSR_SPMV_CSR_LOOP_H
#define SPARSENN_SRC_F32_SPMV_CSR_SPMV_CSR_LOOP_H

#include <stdint.h>

namespace {

template <class Tile, typename Index, typename Value>
inline __attribute__((always_inline)) void snn_spmv_csr_loop(
    int32_t row_begin, int32_t row_end, const int32_t* row_ptr, const Index* col_idx,
    const Value* values, const float* x, const float* bias, float* y, int32_t act, float alpha) {
  const typename Tile::Vec valpha = Tile::set1(alpha);
  // last start of a prefetch window inside the range (only used when a row is that long)
  const int64_t pf_last = (int64_t)row_ptr[row_end] - Tile::kPrefetchWindow;
  float sums[Tile::kRows];
  for (int32_t r0 = row_begin; r0 < row_end; r0 += Tile::kRows) {
    const int32_t n = row_end - r0 < Tile::kRows ? row_end - r0 : Tile::kRows;
    for (int32_t i = 0; i < n; i++) {
      sums[i] = Tile::row_dot(row_ptr[r0 + i], row_ptr[r0 + i + 1], col_idx, values, x, pf_last);
    }
    Tile::store_rows(y, bias, r0, n, sums, act, valpha);
  }
}

}  // namespace

#endif  // SPARSENN_SRC_F32_SPMV_CSR_SPMV_CSR_LOOP_H
