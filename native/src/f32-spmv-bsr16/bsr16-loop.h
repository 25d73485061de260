/*
 * The loops of SpMV and SpMM on the bsr16 format (kernels.h: 16x1 blocks, panels of 16 output
 * rows), written once for every vector ISA over a vector-traits struct V (Vec, Bcast, kLanes,
 * zero, load, store_aligned, broadcast, fma, add, act) and a tile-size struct K (kBatchTile,
 * kChains).
 *
 * A block is one column j of a panel: y[16 rows] += w[16] * x[j], one index load, one broadcast
 * and 16 / kLanes vector FMAs, so a nonzero costs a vector lane instead of the scalar load of x
 * that CSR pays. At batch 1 the blocks of a panel go round-robin over K::kChains accumulator
 * sets (FMA latency); for a batch, a panel runs in tiles of K::kBatchTile samples with the
 * block's vectors reused across them. Bias and activation are applied in registers, then rows
 * [lo, hi) of the panel are stored (transposed for a batch, as the packed kernels do).
 *
 * Measured on Zen 4 (1024 x 1024, 10% of blocks kept, min of 3000 runs, loaded machine):
 * 16x1 3.0 us, 8x1 4.8 us, 1x8 (per-row dot products) 5.9 us, csr16 on 10% unstructured
 * 34 us; skipping blocks whose x[j] is zero (a branch per block) made 16x1 slower at 0, 50 and
 * 87% zero inputs (5.7, 3.8, 3.8 us), so every block is multiplied.
 *
 * Everything is in an anonymous namespace and depends on the ISA's own structs
 * (docs/build-notes.md).
 */
#ifndef SPARSENN_SRC_F32_SPMV_BSR16_BSR16_LOOP_H
#define SPARSENN_SRC_F32_SPMV_BSR16_BSR16_LOOP_H

#include <stddef.h>
#include <stdint.h>

#include "f32-gemm-packed/packed-store.h"

namespace {

const int kBsrRows = 16;

// One panel's operands.
struct BsrPanel {
  const float* w;         // the panel's first block (16 floats per block)
  const uint16_t* col;    // the panel's block columns
  int64_t blocks;
  const float* bias;      // bias at the panel's first row, or NULL
  int32_t lo, hi;         // rows of the panel to store, relative to its first row
};

// Bias (rows below hi only: the array ends at the layer's last row) and activation on the
// finished sums acc[v][b], into tmp[b][16].
template <class V, int NB>
inline __attribute__((always_inline)) void snn_bsr16_finish(
    const BsrPanel& p, typename V::Vec (&acc)[kBsrRows / V::kLanes][NB], int32_t act,
    typename V::Vec valpha, float (&tmp)[NB][kBsrRows]) {
  constexpr int NV = kBsrRows / V::kLanes;
  alignas(64) float bias[kBsrRows] = {0.0f};
  if (p.bias != NULL) {
    for (int32_t i = 0; i < p.hi; i++) bias[i] = p.bias[i];
  }
#pragma GCC unroll 4
  for (int v = 0; v < NV; v++) {
    const typename V::Vec vb = V::load(bias + v * V::kLanes);
#pragma GCC unroll 12
    for (int b = 0; b < NB; b++) {
      V::store_aligned(tmp[b] + v * V::kLanes, V::act(V::add(acc[v][b], vb), act, valpha));
    }
  }
}

// Batch 1: one panel, its blocks spread over K::kChains accumulator sets.
template <class V, class K>
inline __attribute__((always_inline)) void snn_bsr16_single(const BsrPanel& p, const float* x,
                                                            float* y, int32_t act,
                                                            typename V::Vec valpha) {
  constexpr int NV = kBsrRows / V::kLanes;
  constexpr int C = K::kChains;
  typename V::Vec acc[C][NV];
#pragma GCC unroll 4
  for (int c = 0; c < C; c++) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) acc[c][v] = V::zero();
  }
  int64_t k = 0;
  for (; k + C <= p.blocks; k += C) {
#pragma GCC unroll 4
    for (int c = 0; c < C; c++) {
      const float* wk = p.w + (k + c) * kBsrRows;
      const typename V::Bcast xb = V::broadcast(x + p.col[k + c]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) acc[c][v] = V::fma(acc[c][v], V::load(wk + v * V::kLanes), xb);
    }
  }
  for (; k < p.blocks; k++) {
    const float* wk = p.w + k * kBsrRows;
    const typename V::Bcast xb = V::broadcast(x + p.col[k]);
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) acc[0][v] = V::fma(acc[0][v], V::load(wk + v * V::kLanes), xb);
  }
  typename V::Vec sum[NV][1];
#pragma GCC unroll 4
  for (int v = 0; v < NV; v++) {
    sum[v][0] = acc[0][v];
#pragma GCC unroll 4
    for (int c = 1; c < C; c++) sum[v][0] = V::add(sum[v][0], acc[c][v]);
  }
  alignas(64) float tmp[1][kBsrRows];
  snn_bsr16_finish<V, 1>(p, sum, act, valpha, tmp);
  for (int32_t i = p.lo; i < p.hi; i++) y[i] = tmp[0][i];
}

// NB samples of one panel: x and y at the tile's first sample, y at the panel's first row.
template <class V, int NB>
inline __attribute__((always_inline)) void snn_bsr16_tile(const BsrPanel& p, const float* x,
                                                          int64_t nb, float* y, int32_t act,
                                                          typename V::Vec valpha) {
  constexpr int NV = kBsrRows / V::kLanes;
  typename V::Vec acc[NV][NB];
#pragma GCC unroll 4
  for (int v = 0; v < NV; v++) {
#pragma GCC unroll 12
    for (int b = 0; b < NB; b++) acc[v][b] = V::zero();
  }
  for (int64_t k = 0; k < p.blocks; k++) {
    const float* wk = p.w + k * kBsrRows;
    typename V::Vec w[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) w[v] = V::load(wk + v * V::kLanes);
    const float* xc = x + (int64_t)p.col[k] * nb;
#pragma GCC unroll 12
    for (int b = 0; b < NB; b++) {
      const typename V::Bcast xb = V::broadcast(xc + b);
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) acc[v][b] = V::fma(acc[v][b], w[v], xb);
    }
  }
  alignas(64) float tmp[NB][kBsrRows];
  snn_bsr16_finish<V, NB>(p, acc, act, valpha, tmp);
  snn_packed_store_tile(&tmp[0][0], 1, NB, p.lo, p.hi, y, nb);
}

template <class V, class K, int NB>
inline __attribute__((always_inline)) void snn_bsr16_remainder(const BsrPanel& p, const float* x,
                                                               int64_t nb, float* y, int32_t act,
                                                               typename V::Vec valpha) {
  if constexpr (NB < K::kBatchTile) snn_bsr16_tile<V, NB>(p, x, nb, y, act, valpha);
}

// Every sample of one panel: tiles of kBatchTile, then one tile of the remainder.
template <class V, class K>
void snn_bsr16_panel_batch(const BsrPanel& p, const float* x, int64_t nb, float* y, int32_t act,
                           typename V::Vec valpha) {
  static_assert(K::kBatchTile <= 12, "remainder tiles are listed up to 11 samples");
  int64_t b0 = 0;
  for (; b0 + K::kBatchTile <= nb; b0 += K::kBatchTile) {
    snn_bsr16_tile<V, K::kBatchTile>(p, x + b0, nb, y + b0, act, valpha);
  }
  const float* xb = x + b0;
  float* yb = y + b0;
  switch (nb - b0) {
    case 1: snn_bsr16_remainder<V, K, 1>(p, xb, nb, yb, act, valpha); break;
    case 2: snn_bsr16_remainder<V, K, 2>(p, xb, nb, yb, act, valpha); break;
    case 3: snn_bsr16_remainder<V, K, 3>(p, xb, nb, yb, act, valpha); break;
    case 4: snn_bsr16_remainder<V, K, 4>(p, xb, nb, yb, act, valpha); break;
    case 5: snn_bsr16_remainder<V, K, 5>(p, xb, nb, yb, act, valpha); break;
    case 6: snn_bsr16_remainder<V, K, 6>(p, xb, nb, yb, act, valpha); break;
    case 7: snn_bsr16_remainder<V, K, 7>(p, xb, nb, yb, act, valpha); break;
    case 8: snn_bsr16_remainder<V, K, 8>(p, xb, nb, yb, act, valpha); break;
    case 9: snn_bsr16_remainder<V, K, 9>(p, xb, nb, yb, act, valpha); break;
    case 10: snn_bsr16_remainder<V, K, 10>(p, xb, nb, yb, act, valpha); break;
    case 11: snn_bsr16_remainder<V, K, 11>(p, xb, nb, yb, act, valpha); break;
    default: break;
  }
}

// The whole kernel (SNN_SPMM_PARAMS(uint16_t) with row_ptr = the panel pointers, col_idx = the
// block columns, values = the blocks); batch 1 is SpMV.
template <class V, class K>
inline __attribute__((always_inline)) void snn_bsr16_loop(
    int32_t row_begin, int32_t row_end, const int32_t* panel_ptr, const uint16_t* block_col,
    const float* values, const float* x, int32_t batch, const float* bias, float* y, int32_t act,
    float alpha) {
  if (row_begin >= row_end || batch <= 0) return;
  const typename V::Vec valpha = K::set1(alpha);
  const int32_t panel_end = (row_end + kBsrRows - 1) / kBsrRows;
  for (int32_t panel = row_begin / kBsrRows; panel < panel_end; panel++) {
    const int32_t base = panel * kBsrRows;
    BsrPanel p;
    p.w = values + (int64_t)panel_ptr[panel] * kBsrRows;
    p.col = block_col + panel_ptr[panel];
    p.blocks = panel_ptr[panel + 1] - panel_ptr[panel];
    p.bias = bias != NULL ? bias + base : NULL;
    p.lo = row_begin > base ? row_begin - base : 0;
    p.hi = row_end - base < kBsrRows ? row_end - base : kBsrRows;
    if (batch == 1) {
      snn_bsr16_single<V, K>(p, x, y + base, act, valpha);
    } else {
      snn_bsr16_panel_batch<V, K>(p, x, batch, y + (int64_t)base * batch, act, valpha);
    }
  }
}

}  // namespace

#endif  // SPARSENN_SRC_F32_SPMV_BSR16_BSR16_LOOP_H
