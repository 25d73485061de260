/*
 * The loops of GEMM on weights packed in 16-row panels (kernels.h), written once for every ISA:
 * the panel loop over the row range, and over the batch in register tiles of K::kBatchTile
 * samples (then one tile of the remainder). The ISA's kernel struct K supplies the register
 * tiles: K::tile<MP, NB> (MP panels x NB samples, NB < kBatchTile for the remainder) and
 * K::single (kSinglePanels panels x 1 sample, batch 1). At batch 1 the loop takes kSinglePanels
 * panels at a time, else kBatchPanels; the range's last panels go one tile<MP, 1> or
 * tile<MP, NB> smaller.
 *
 * snn_gemm_packed_vector_tile is a register tile written once for ISAs whose vector holds a
 * whole number of lanes of a panel column (AVX2: 2 ymm, NEON: 4 q), over a vector-traits struct
 * V (Vec, Bcast, kLanes, zero, load_aligned, store_aligned, broadcast, fma, add, act, prefetch).
 * (On GCC 12 an _mm_prefetch inside such a struct member vanished from the AVX2 build; the
 * structs use __builtin_prefetch, which is prefetcht0.)
 *
 * Everything here is in an anonymous namespace and every instantiation depends on the ISA's own
 * structs: no copy compiled with one ISA's flags is shared with another object
 * (docs/build-notes.md).
 */
#ifndef SPARSENN_SRC_F32_GEMM_PACKED_GEMM_PACKED_LOOP_H
#define SPARSENN_SRC_F32_GEMM_PACKED_GEMM_PACKED_LOOP_H

#include <stddef.h>
#include <stdint.h>

#include "f32-gemm-packed/packed-store.h"

namespace {

const int64_t kPackedPfColumns = 16;  // prefetch each panel stream 1 KiB ahead

// One register tile's operands.
struct PackedTile {
  const float* w;     // the first panel of the tile
  int64_t pstride;    // floats between panels (cols * 16)
  int64_t cols;
  const float* x;     // x at the tile's first sample
  int64_t nb;         // batch: x and y row stride
  float* y;           // y at the tile's first row and first sample
  const float* bias;  // bias at the tile's first row, or NULL
  int32_t lo, hi;     // rows of the tile to store, relative to its first row
};

// The remainder tile of NB samples (nothing where NB is not below the batch tile).
template <class K, int MP, int NB>
inline __attribute__((always_inline)) void snn_packed_remainder(const PackedTile& t, int32_t act,
                                                                typename K::Vec valpha) {
  if constexpr (NB < K::kBatchTile) K::template tile<MP, NB>(t, act, valpha);
}

// All samples of MP panels: tiles of kBatchTile, then the remainder.
template <class K, int MP>
void snn_packed_panels(PackedTile t, int32_t act, typename K::Vec valpha) {
  static_assert(K::kBatchTile <= 12, "remainder tiles are listed up to 11 samples");
  const int64_t nb = t.nb;
  const float* x0 = t.x;
  float* y0 = t.y;
  int64_t b0 = 0;
  for (; b0 + K::kBatchTile <= nb; b0 += K::kBatchTile) {
    t.x = x0 + b0;
    t.y = y0 + b0;
    K::template tile<MP, K::kBatchTile>(t, act, valpha);
  }
  t.x = x0 + b0;
  t.y = y0 + b0;
  switch (nb - b0) {
    case 1: snn_packed_remainder<K, MP, 1>(t, act, valpha); break;
    case 2: snn_packed_remainder<K, MP, 2>(t, act, valpha); break;
    case 3: snn_packed_remainder<K, MP, 3>(t, act, valpha); break;
    case 4: snn_packed_remainder<K, MP, 4>(t, act, valpha); break;
    case 5: snn_packed_remainder<K, MP, 5>(t, act, valpha); break;
    case 6: snn_packed_remainder<K, MP, 6>(t, act, valpha); break;
    case 7: snn_packed_remainder<K, MP, 7>(t, act, valpha); break;
    case 8: snn_packed_remainder<K, MP, 8>(t, act, valpha); break;
    case 9: snn_packed_remainder<K, MP, 9>(t, act, valpha); break;
    case 10: snn_packed_remainder<K, MP, 10>(t, act, valpha); break;
    case 11: snn_packed_remainder<K, MP, 11>(t, act, valpha); break;
    default: break;
  }
}

// The whole kernel (SNN_GEMM_PARAMS, w packed).
template <class K>
inline __attribute__((always_inline)) void snn_gemm_packed_loop(
    int32_t row_begin, int32_t row_end, int32_t cols, const float* w, const float* x,
    int32_t batch, const float* bias, float* y, int32_t act, float alpha) {
  if (row_begin >= row_end || batch <= 0) return;
  const typename K::Vec valpha = K::set1(alpha);
  PackedTile t;
  t.pstride = (int64_t)cols * SNN_PACKED_ROWS;
  t.cols = cols;
  t.x = x;
  t.nb = batch;
  const int32_t panel_end = (row_end + SNN_PACKED_ROWS - 1) / SNN_PACKED_ROWS;
  for (int32_t p = row_begin / SNN_PACKED_ROWS; p < panel_end;) {
    const int32_t left = panel_end - p;
    const int32_t mp = batch == 1 && left >= K::kSinglePanels ? K::kSinglePanels
                       : left >= K::kBatchPanels              ? K::kBatchPanels
                                                              : 1;
    const int32_t base = p * SNN_PACKED_ROWS;
    t.w = w + p * t.pstride;
    t.y = y + (int64_t)base * batch;
    t.bias = bias != NULL ? bias + base : NULL;
    t.lo = row_begin > base ? row_begin - base : 0;
    t.hi = row_end - base < mp * SNN_PACKED_ROWS ? row_end - base : mp * SNN_PACKED_ROWS;
    if (mp == K::kSinglePanels) {
      K::single(t, act, valpha);
    } else if (K::kBatchPanels > 1 && mp == K::kBatchPanels) {
      snn_packed_panels<K, K::kBatchPanels>(t, act, valpha);
    } else {
      snn_packed_panels<K, 1>(t, act, valpha);
    }
    p += mp;
  }
}

// MP panels x NB samples, V::kLanes rows per vector: accumulate over the columns, then bias and
// activation in registers, then the transposing store.
template <class V, int MP, int NB>
inline __attribute__((always_inline)) void snn_gemm_packed_vector_tile(const PackedTile& t,
                                                                       int32_t act,
                                                                       typename V::Vec valpha) {
  constexpr int P = SNN_PACKED_ROWS;
  constexpr int NV = P / V::kLanes;  // vectors per panel column
  typename V::Vec acc[MP][NV][NB];
#pragma GCC unroll 4
  for (int p = 0; p < MP; p++) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) {
#pragma GCC unroll 12
      for (int b = 0; b < NB; b++) acc[p][v][b] = V::zero();
    }
  }
  for (int64_t c = 0; c < t.cols; c++) {
    typename V::Vec w[MP][NV];
#pragma GCC unroll 4
    for (int p = 0; p < MP; p++) {
      const float* wc = t.w + p * t.pstride + c * P;
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) w[p][v] = V::load_aligned(wc + v * V::kLanes);
      V::prefetch(wc + kPackedPfColumns * P);
    }
    const float* xc = t.x + c * t.nb;
#pragma GCC unroll 12
    for (int b = 0; b < NB; b++) {
      const typename V::Bcast xb = V::broadcast(xc + b);
#pragma GCC unroll 4
      for (int p = 0; p < MP; p++) {
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) acc[p][v][b] = V::fma(acc[p][v][b], w[p][v], xb);
      }
    }
  }
  // the bias of the tile's rows below hi (the array ends at the layer's last row), zero beyond
  alignas(sizeof(typename V::Vec)) float bias[MP * P] = {0.0f};
  if (t.bias != NULL) {
    for (int32_t i = 0; i < t.hi; i++) bias[i] = t.bias[i];
  }
  alignas(sizeof(typename V::Vec)) float tmp[MP][NB][P];
#pragma GCC unroll 4
  for (int p = 0; p < MP; p++) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) {
      const typename V::Vec vb = V::load_aligned(bias + p * P + v * V::kLanes);
#pragma GCC unroll 12
      for (int b = 0; b < NB; b++) {
        V::store_aligned(tmp[p][b] + v * V::kLanes, V::act(V::add(acc[p][v][b], vb), act, valpha));
      }
    }
  }
  snn_packed_store_tile(&tmp[0][0][0], MP, NB, t.lo, t.hi, t.y, t.nb);
}

}  // namespace

#endif  // SPARSENN_SRC_F32_GEMM_PACKED_GEMM_PACKED_LOOP_H
