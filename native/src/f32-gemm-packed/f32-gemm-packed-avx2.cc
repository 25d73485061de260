// AVX2 dense GEMM on weights packed in panels of 16 rows (kernels.h), vectorised over output
// rows as in f32-gemm-packed-avx512.cc: a panel column is two ymm. With 16 ymm registers the
// tiles are 1 panel x NB <= 6 samples (12 accumulators) for a batch and 2 panels x 1 sample at
// batch 1. Bias and activation in registers, then the transposing store. The loops and the
// tile: gemm-packed-loop.h; here the vector operations and the tile sizes.
#if defined(__x86_64__)

#include <immintrin.h>

#include "f32-gemm-packed/gemm-packed-loop.h"
#include "math/avx2-math.h"
#include "snn-internal.h"

namespace {

struct Avx2Vector {
  typedef __m256 Vec;
  typedef __m256 Bcast;
  static constexpr int kLanes = 8;
  static Vec zero() { return _mm256_setzero_ps(); }
  static Vec load_aligned(const float* p) { return _mm256_load_ps(p); }
  static void store_aligned(float* p, Vec v) { _mm256_store_ps(p, v); }
  static Bcast broadcast(const float* p) { return _mm256_broadcast_ss(p); }
  static Vec fma(Vec acc, Vec w, Bcast x) { return _mm256_fmadd_ps(w, x, acc); }
  static Vec add(Vec a, Vec b) { return _mm256_add_ps(a, b); }
  static Vec act(Vec v, int32_t act, Vec alpha) { return snn_avx2_act(v, act, alpha); }
  static void prefetch(const float* p) { __builtin_prefetch(p); }  // prefetcht0
};

struct GemmPackedAvx2 {
  typedef __m256 Vec;
  static constexpr int kBatchTile = 6;
  static constexpr int kBatchPanels = 1;
  static constexpr int kSinglePanels = 2;
  static Vec set1(float alpha) { return _mm256_set1_ps(alpha); }
  template <int MP, int NB>
  static inline __attribute__((always_inline)) void tile(const PackedTile& t, int32_t act,
                                                         Vec valpha) {
    snn_gemm_packed_vector_tile<Avx2Vector, MP, NB>(t, act, valpha);
  }
  static inline __attribute__((always_inline)) void single(const PackedTile& t, int32_t act,
                                                           Vec valpha) {
    tile<kSinglePanels, 1>(t, act, valpha);
  }
};

}  // namespace

extern "C" void snn_f32_gemm_packed__avx2(SNN_GEMM_PARAMS) {
  snn_gemm_packed_loop<GemmPackedAvx2> SNN_GEMM_ARGS;
}

#endif  // __x86_64__
