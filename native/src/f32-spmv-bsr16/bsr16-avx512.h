// AVX-512 operations for the bsr16 loops (bsr16-loop.h): a block is one zmm. Included only by
// AVX-512-flagged files.
#ifndef SPARSENN_SRC_F32_SPMV_BSR16_BSR16_AVX512_H
#define SPARSENN_SRC_F32_SPMV_BSR16_BSR16_AVX512_H

#include <immintrin.h>

#include "f32-spmv-bsr16/bsr16-loop.h"
#include "math/avx512-math.h"

namespace {

struct Bsr16Avx512 {
  typedef __m512 Vec;
  typedef __m512 Bcast;
  static constexpr int kLanes = 16;
  static constexpr int kChains = 4;      // batch 1: four FMA chains
  static constexpr int kBatchTile = 12;  // 12 accumulators
  static Vec set1(float a) { return _mm512_set1_ps(a); }
  static Vec zero() { return _mm512_setzero_ps(); }
  static Vec load(const float* p) { return _mm512_loadu_ps(p); }
  static void store_aligned(float* p, Vec v) { _mm512_store_ps(p, v); }
  static Bcast broadcast(const float* p) { return _mm512_set1_ps(*p); }
  static Vec fma(Vec acc, Vec w, Bcast x) { return _mm512_fmadd_ps(w, x, acc); }
  static Vec add(Vec a, Vec b) { return _mm512_add_ps(a, b); }
  static Vec act(Vec v, int32_t act, Vec alpha) { return snn_avx512_act(v, act, alpha); }
};

}  // namespace

#endif  // SPARSENN_SRC_F32_SPMV_BSR16_BSR16_AVX512_H
