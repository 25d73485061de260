// AVX2 operations for the bsr16 loops (bsr16-loop.h): a block is two ymm. Included only by
// AVX2-flagged files.
#ifndef SPARSENN_SRC_F32_SPMV_BSR16_BSR16_AVX2_H
#define SPARSENN_SRC_F32_SPMV_BSR16_BSR16_AVX2_H

#include <immintrin.h>

#include "f32-spmv-bsr16/bsr16-loop.h"
#include "math/avx2-math.h"

namespace {

struct Bsr16Avx2 {
  typedef __m256 Vec;
  typedef __m256 Bcast;
  static constexpr int kLanes = 8;
  static constexpr int kChains = 2;     // batch 1: two blocks, four FMA chains
  static constexpr int kBatchTile = 6;  // 12 accumulators of 16 ymm
  static Vec set1(float a) { return _mm256_set1_ps(a); }
  static Vec zero() { return _mm256_setzero_ps(); }
  static Vec load(const float* p) { return _mm256_loadu_ps(p); }
  static void store_aligned(float* p, Vec v) { _mm256_store_ps(p, v); }
  static Bcast broadcast(const float* p) { return _mm256_broadcast_ss(p); }
  static Vec fma(Vec acc, Vec w, Bcast x) { return _mm256_fmadd_ps(w, x, acc); }
  static Vec add(Vec a, Vec b) { return _mm256_add_ps(a, b); }
  static Vec act(Vec v, int32_t act, Vec alpha) { return snn_avx2_act(v, act, alpha); }
};

}  // namespace

#endif  // SPARSENN_SRC_F32_SPMV_BSR16_BSR16_AVX2_H
