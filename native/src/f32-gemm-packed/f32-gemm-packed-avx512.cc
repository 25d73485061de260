// AVX-512 dense GEMM on weights packed in panels of 16 rows (kernels.h), vectorised over
// output rows: one column of a panel is one zmm, so a column step is MP panel loads and NB
// broadcasts of x feeding MP x NB FMAs at full width for any batch. The row-major kernel
// (f32-gemm) vectorises over the batch and so wastes lanes below 16 samples; measured on
// Zen 4, this one is 1.3-1.5x faster at batch 8 and 2-3x at batch 2-4, and level at 16-64.
//
// Tiles: MP = 2 panels x NB <= 12 samples (24 accumulators) for a batch; 4 panels x 1 sample
// at batch 1 (four independent FMA chains, no horizontal sums). Bias and activation are applied in
// registers (16 rows at a time), then the tile is transposed into y through a stack buffer. The
// panel and batch loops: gemm-packed-loop.h; here the register tiles.
#if defined(__x86_64__)

#include <immintrin.h>

#include "f32-gemm-packed/gemm-packed-loop.h"
#include "math/avx512-math.h"
#include "snn-internal.h"

namespace {

const int P = SNN_PACKED_ROWS;
const int64_t kPfColumns = kPackedPfColumns;

// Finishes a tile: bias and activation 16 rows at a time (the bias is read only below hi,
// where the array ends), then the rows [lo, hi) into y.
template <int MP, int NB>
inline __attribute__((always_inline)) void finish(const PackedTile& t, __m512 (&acc)[MP][NB],
                                                  int32_t act, __m512 valpha) {
  for (int p = 0; p < MP; p++) {
    const int32_t valid = t.hi - p * P;
    const __mmask16 m = valid >= P ? (__mmask16)0xFFFF
                        : valid <= 0 ? (__mmask16)0 : snn_avx512_tail_mask(valid);
    const __m512 vb = t.bias != NULL ? _mm512_maskz_loadu_ps(m, t.bias + p * P)
                                     : _mm512_setzero_ps();
    for (int b = 0; b < NB; b++) acc[p][b] = snn_avx512_act(_mm512_add_ps(acc[p][b], vb), act, valpha);
  }
  if (t.nb == 1) {
    // one sample: the rows are contiguous in y
    for (int p = 0; p < MP; p++) {
      const int32_t i0 = t.lo - p * P > 0 ? t.lo - p * P : 0;
      const int32_t i1 = t.hi - p * P < P ? t.hi - p * P : P;
      if (i0 >= i1) continue;
      const __mmask16 m = (__mmask16)(snn_avx512_tail_mask(i1) & ~snn_avx512_tail_mask(i0));
      _mm512_mask_storeu_ps(t.y + p * P, m, acc[p][0]);
    }
    return;
  }
  alignas(64) float tmp[MP][NB][P];
  for (int p = 0; p < MP; p++) {
    for (int b = 0; b < NB; b++) _mm512_store_ps(tmp[p][b], acc[p][b]);
  }
  snn_packed_store_tile(&tmp[0][0][0], MP, NB, t.lo, t.hi, t.y, t.nb);
}

// MP (1 or 2) panels x NB (1-12) samples. The accumulators are named variables: GCC keeps an
// array of them on the stack (measured 1.4x slower at batch 8).
template <int MP, int NB>
inline __attribute__((always_inline)) void tile(const PackedTile& t, int32_t act, __m512 valpha) {
  const __m512 z = _mm512_setzero_ps();
  __m512 a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z, a8 = z, a9 = z,
         a10 = z, a11 = z;  // panel 0
  __m512 b0 = z, b1 = z, b2 = z, b3 = z, b4 = z, b5 = z, b6 = z, b7 = z, b8 = z, b9 = z,
         b10 = z, b11 = z;  // panel 1
  const float* w0 = t.w;
  const float* w1 = t.w + (MP > 1 ? t.pstride : 0);
  const float* xc = t.x;
  for (int64_t c = 0; c < t.cols; c++) {
    const __m512 v0 = _mm512_load_ps(w0);
    _mm_prefetch((const char*)(w0 + kPfColumns * P), _MM_HINT_T0);
    const __m512 v1 = MP > 1 ? _mm512_load_ps(w1) : z;
    if (MP > 1) _mm_prefetch((const char*)(w1 + kPfColumns * P), _MM_HINT_T0);
#define SNN_STEP(k)                                          \
  if (NB > k) {                                              \
    const __m512 xk = _mm512_set1_ps(xc[k]);                 \
    a##k = _mm512_fmadd_ps(v0, xk, a##k);                    \
    if (MP > 1) b##k = _mm512_fmadd_ps(v1, xk, b##k);        \
  }
    SNN_STEP(0) SNN_STEP(1) SNN_STEP(2) SNN_STEP(3) SNN_STEP(4) SNN_STEP(5)
    SNN_STEP(6) SNN_STEP(7) SNN_STEP(8) SNN_STEP(9) SNN_STEP(10) SNN_STEP(11)
#undef SNN_STEP
    w0 += P;
    w1 += P;
    xc += t.nb;
  }
  __m512 acc[MP][NB];
  const __m512 as[12] = {a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11};
  const __m512 bs[12] = {b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11};
  for (int b = 0; b < NB; b++) {
    acc[0][b] = as[b];
    if (MP > 1) acc[MP > 1 ? 1 : 0][b] = bs[b];
  }
  finish<MP, NB>(t, acc, act, valpha);
}

// Batch 1: four panels, four independent FMA chains.
inline __attribute__((always_inline)) void tile_single(const PackedTile& t, int32_t act,
                                                       __m512 valpha) {
  const __m512 z = _mm512_setzero_ps();
  __m512 a0 = z, a1 = z, a2 = z, a3 = z;
  const float* w = t.w;
  for (int64_t c = 0; c < t.cols; c++) {
    const float* wc = w + c * P;
    const __m512 xc = _mm512_set1_ps(t.x[c]);
    a0 = _mm512_fmadd_ps(_mm512_load_ps(wc), xc, a0);
    a1 = _mm512_fmadd_ps(_mm512_load_ps(wc + t.pstride), xc, a1);
    a2 = _mm512_fmadd_ps(_mm512_load_ps(wc + 2 * t.pstride), xc, a2);
    a3 = _mm512_fmadd_ps(_mm512_load_ps(wc + 3 * t.pstride), xc, a3);
    _mm_prefetch((const char*)(wc + kPfColumns * P), _MM_HINT_T0);
    _mm_prefetch((const char*)(wc + t.pstride + kPfColumns * P), _MM_HINT_T0);
    _mm_prefetch((const char*)(wc + 2 * t.pstride + kPfColumns * P), _MM_HINT_T0);
    _mm_prefetch((const char*)(wc + 3 * t.pstride + kPfColumns * P), _MM_HINT_T0);
  }
  __m512 acc[4][1] = {{a0}, {a1}, {a2}, {a3}};
  finish<4, 1>(t, acc, act, valpha);
}

// The register tiles for the shared loops (gemm-packed-loop.h).
struct GemmPackedAvx512 {
  typedef __m512 Vec;
  static constexpr int kBatchTile = 12;
  static constexpr int kBatchPanels = 2;
  static constexpr int kSinglePanels = 4;
  static Vec set1(float alpha) { return _mm512_set1_ps(alpha); }
  template <int MP, int NB>
  static inline __attribute__((always_inline)) void tile(const PackedTile& t, int32_t act,
                                                         Vec valpha) {
    ::tile<MP, NB>(t, act, valpha);
  }
  static inline __attribute__((always_inline)) void single(const PackedTile& t, int32_t act,
                                                           Vec valpha) {
    tile_single(t, act, valpha);
  }
};

}  // namespace

extern "C" void snn_f32_gemm_packed__avx512(SNN_GEMM_PARAMS) {
  snn_gemm_packed_loop<GemmPackedAvx512> SNN_GEMM_ARGS;
}

#endif  // __x86_64__
