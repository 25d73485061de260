// NEON operations for the bsr16 loops (bsr16-loop.h): a block is four q registers. Included
// only by arm64 files.
#ifndef SPARSENN_SRC_F32_SPMV_BSR16_BSR16_NEON_H
#define SPARSENN_SRC_F32_SPMV_BSR16_BSR16_NEON_H

#include <arm_neon.h>

#include "f32-spmv-bsr16/bsr16-loop.h"
#include "math/neon-math.h"

namespace {

struct Bsr16Neon {
  typedef float32x4_t Vec;
  typedef float Bcast;  // FMA by a scalar: no broadcast register needed
  static constexpr int kLanes = 4;
  static constexpr int kChains = 2;     // batch 1: two blocks, eight FMA chains
  static constexpr int kBatchTile = 4;  // 16 accumulators of 32 q registers
  static Vec set1(float a) { return vdupq_n_f32(a); }
  static Vec zero() { return vdupq_n_f32(0.0f); }
  static Vec load(const float* p) { return vld1q_f32(p); }
  static void store_aligned(float* p, Vec v) { vst1q_f32(p, v); }
  static Bcast broadcast(const float* p) { return *p; }
  static Vec fma(Vec acc, Vec w, Bcast x) { return vfmaq_n_f32(acc, w, x); }
  static Vec add(Vec a, Vec b) { return vaddq_f32(a, b); }
  static Vec act(Vec v, int32_t act, Vec alpha) { return snn_neon_act(v, act, alpha); }
};

}  // namespace

#endif  // SPARSENN_SRC_F32_SPMV_BSR16_BSR16_NEON_H
