// NEON dense GEMM on weights packed in panels of 16 rows (kernels.h), vectorised over output
// rows as in f32-gemm-packed-avx512.cc: a panel column is four q registers. The tiles are
// 1 panel x NB <= 4 samples (16 accumulators, leaving GCC room not to spill) for a batch and
// 2 panels x 1 sample at batch 1. Bias and activation in registers, then the transposing store.
// Not yet timed on arm64 hardware (tested under qemu).
#if defined(__aarch64__)

#include <arm_neon.h>

#include "f32-gemm-packed/packed-store.h"
#include "math/neon-math.h"
#include "snn-internal.h"

namespace {

const int P = SNN_PACKED_ROWS;
const int64_t kPfColumns = 16;  // prefetch each panel stream 1 KiB ahead

struct Tile {
  const float* w;     // the first panel of the tile
  int64_t pstride;    // floats between panels (cols * 16)
  int64_t cols;
  const float* x;     // x at the tile's first sample
  int64_t nb;         // batch: x and y row stride
  float* y;           // y at the tile's first row and first sample
  const float* bias;  // bias at the tile's first row, or NULL
  int32_t lo, hi;     // rows of the tile to store, relative to its first row
};

template <int MP, int NB>
inline __attribute__((always_inline)) void tile(const Tile& t, int32_t act, float32x4_t valpha) {
  float32x4_t acc[MP][4][NB];
#pragma GCC unroll 2
  for (int p = 0; p < MP; p++) {
#pragma GCC unroll 4
    for (int v = 0; v < 4; v++) {
#pragma GCC unroll 8
      for (int b = 0; b < NB; b++) acc[p][v][b] = vdupq_n_f32(0.0f);
    }
  }
  for (int64_t c = 0; c < t.cols; c++) {
    float32x4_t w[MP][4];
#pragma GCC unroll 2
    for (int p = 0; p < MP; p++) {
      const float* wc = t.w + p * t.pstride + c * P;
#pragma GCC unroll 4
      for (int v = 0; v < 4; v++) w[p][v] = vld1q_f32(wc + 4 * v);
      __builtin_prefetch(wc + kPfColumns * P);
    }
    const float* xc = t.x + c * t.nb;
#pragma GCC unroll 8
    for (int b = 0; b < NB; b++) {
      const float xb = xc[b];
#pragma GCC unroll 2
      for (int p = 0; p < MP; p++) {
#pragma GCC unroll 4
        for (int v = 0; v < 4; v++) acc[p][v][b] = vfmaq_n_f32(acc[p][v][b], w[p][v], xb);
      }
    }
  }
  // the bias of the tile's rows below hi (the array ends at the layer's last row), zero beyond
  float bias[MP * P] = {0.0f};
  if (t.bias != NULL) {
    for (int32_t i = 0; i < t.hi; i++) bias[i] = t.bias[i];
  }
  float tmp[MP][NB][P];
#pragma GCC unroll 2
  for (int p = 0; p < MP; p++) {
#pragma GCC unroll 4
    for (int v = 0; v < 4; v++) {
      const float32x4_t vb = vld1q_f32(bias + p * P + 4 * v);
#pragma GCC unroll 8
      for (int b = 0; b < NB; b++) {
        vst1q_f32(tmp[p][b] + 4 * v, snn_neon_act(vaddq_f32(acc[p][v][b], vb), act, valpha));
      }
    }
  }
  snn_packed_store_tile(&tmp[0][0][0], MP, NB, t.lo, t.hi, t.y, t.nb);
}

// All samples of one panel: tiles of 4, then the remainder.
void panel(Tile t, int32_t act, float32x4_t valpha) {
  const int64_t nb = t.nb;
  const float* x0 = t.x;
  float* y0 = t.y;
  int64_t b0 = 0;
  for (; b0 + 4 <= nb; b0 += 4) {
    t.x = x0 + b0;
    t.y = y0 + b0;
    tile<1, 4>(t, act, valpha);
  }
  t.x = x0 + b0;
  t.y = y0 + b0;
  switch (nb - b0) {
    case 1: tile<1, 1>(t, act, valpha); break;
    case 2: tile<1, 2>(t, act, valpha); break;
    case 3: tile<1, 3>(t, act, valpha); break;
    default: break;
  }
}

}  // namespace

extern "C" void snn_f32_gemm_packed__neon(int32_t row_begin, int32_t row_end, int32_t cols,
                                          const float* wp, const float* x, int32_t batch,
                                          const float* bias, float* y, int32_t act, float alpha) {
  if (row_begin >= row_end || batch <= 0) return;
  const float32x4_t valpha = vdupq_n_f32(alpha);
  Tile t;
  t.pstride = (int64_t)cols * P;
  t.cols = cols;
  t.x = x;
  t.nb = batch;
  const int32_t panel_end = (row_end + P - 1) / P;
  for (int32_t p = row_begin / P; p < panel_end;) {
    const int32_t mp = batch == 1 && panel_end - p >= 2 ? 2 : 1;
    const int32_t base = p * P;
    t.w = wp + p * t.pstride;
    t.y = y + (int64_t)base * batch;
    t.bias = bias != NULL ? bias + base : NULL;
    t.lo = row_begin > base ? row_begin - base : 0;
    t.hi = row_end - base < mp * P ? row_end - base : mp * P;
    if (mp == 2) {
      tile<2, 1>(t, act, valpha);
    } else {
      panel(t, act, valpha);
    }
    p += mp;
  }
}

#endif  // __aarch64__
