// NEON dense GEMM on weights packed in panels of 16 rows (kernels.h), vectorised over output
// rows as in f32-gemm-packed-avx512.cc: a panel column is four q registers. The tiles are
// 1 panel x NB <= 4 samples (16 accumulators, leaving GCC room not to spill) for a batch and
// 2 panels x 1 sample at batch 1. Bias and activation in registers, then the transposing store.
// The loops and the tile: gemm-packed-loop.h; here the vector operations and the tile sizes.
// Not yet timed on arm64 hardware (tested under qemu).
#if defined(__aarch64__)

#include <arm_neon.h>

#include "f32-gemm-packed/gemm-packed-loop.h"
#include "math/neon-math.h"
#include "snn-internal.h"

namespace {

struct NeonVector {
  typedef float32x4_t Vec;
  typedef float Bcast;  // FMA by a scalar lane: no broadcast register needed
  static constexpr int kLanes = 4;
  static Vec zero() { return vdupq_n_f32(0.0f); }
  static Vec load_aligned(const float* p) { return vld1q_f32(p); }
  static void store_aligned(float* p, Vec v) { vst1q_f32(p, v); }
  static Bcast broadcast(const float* p) { return *p; }
  static Vec fma(Vec acc, Vec w, Bcast x) { return vfmaq_n_f32(acc, w, x); }
  static Vec add(Vec a, Vec b) { return vaddq_f32(a, b); }
  static Vec act(Vec v, int32_t act, Vec alpha) { return snn_neon_act(v, act, alpha); }
  static void prefetch(const float* p) { __builtin_prefetch(p); }
};

struct GemmPackedNeon {
  typedef float32x4_t Vec;
  static constexpr int kBatchTile = 4;
  static constexpr int kBatchPanels = 1;
  static constexpr int kSinglePanels = 2;
  static Vec set1(float alpha) { return vdupq_n_f32(alpha); }
  template <int MP, int NB>
  static inline __attribute__((always_inline)) void tile(const PackedTile& t, int32_t act,
                                                         Vec valpha) {
    snn_gemm_packed_vector_tile<NeonVector, MP, NB>(t, act, valpha);
  }
  static inline __attribute__((always_inline)) void single(const PackedTile& t, int32_t act,
                                                           Vec valpha) {
    tile<kSinglePanels, 1>(t, act, valpha);
  }
};

}  // namespace

extern "C" void snn_f32_gemm_packed__neon(SNN_GEMM_PARAMS) {
  snn_gemm_packed_loop<GemmPackedNeon> SNN_GEMM_ARGS;
}

#endif  // __aarch64__
