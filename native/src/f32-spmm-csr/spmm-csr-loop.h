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
#include <string.h>

namespace {

// The column indices of 8 consecutive nonzeros as x row numbers, read in 64-bit words (2 int32
// or 4 uint16 per load): the small-batch tiles are load bound, so this saves 3 to 6 loads per 8
// nonzeros. Little-endian word order; a big-endian target reads them one by one.
static inline __attribute__((always_inline)) void snn_spmm_columns8(const int32_t* idx,
                                                                   int64_t* c) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  for (int i = 0; i < 8; i++) c[i] = idx[i];
#else
  for (int i = 0; i < 4; i++) {
    uint64_t w;
    memcpy(&w, idx + 2 * i, sizeof(w));
    c[2 * i] = (int64_t)(uint32_t)w;
    c[2 * i + 1] = (int64_t)(w >> 32);
  }
#endif
}

static inline __attribute__((always_inline)) void snn_spmm_columns8(const uint16_t* idx,
                                                                   int64_t* c) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  for (int i = 0; i < 8; i++) c[i] = idx[i];
#else
  for (int i = 0; i < 2; i++) {
    uint64_t w;
    memcpy(&w, idx + 4 * i, sizeof(w));
    for (int j = 0; j < 4; j++) c[4 * i + j] = (int64_t)((w >> (16 * j)) & 0xFFFF);
  }
#endif
}

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
