// AVX2 dense GEMM on weights packed in panels of 16 rows (kernels.h), vectorised over output
// rows as in f32-gemm-packed-avx512.cc: a panel column is two ymm. With 16 ymm registers the
// tiles are 1 panel x NB <= 6 samples (12 accumulators) for a batch and 2 panels x 1 sample at
// batch 1. Bias and activation in registers, then the transposing store.
#if defined(__x86_64__)

#include <immintrin.h>

#include "f32-gemm-packed/packed-store.h"
#include "math/avx2-math.h"
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
inline __attribute__((always_inline)) void tile(const Tile& t, int32_t act, __m256 valpha) {
  __m256 acc[MP][2][NB];
#pragma GCC unroll 2
  for (int p = 0; p < MP; p++) {
#pragma GCC unroll 8
    for (int b = 0; b < NB; b++) {
      acc[p][0][b] = _mm256_setzero_ps();
      acc[p][1][b] = _mm256_setzero_ps();
    }
  }
  for (int64_t c = 0; c < t.cols; c++) {
    __m256 w[MP][2];
#pragma GCC unroll 2
    for (int p = 0; p < MP; p++) {
      const float* wc = t.w + p * t.pstride + c * P;
      w[p][0] = _mm256_load_ps(wc);
      w[p][1] = _mm256_load_ps(wc + 8);
      _mm_prefetch((const char*)(wc + kPfColumns * P), _MM_HINT_T0);
    }
    const float* xc = t.x + c * t.nb;
#pragma GCC unroll 8
    for (int b = 0; b < NB; b++) {
      const __m256 xb = _mm256_broadcast_ss(xc + b);
#pragma GCC unroll 2
      for (int p = 0; p < MP; p++) {
        acc[p][0][b] = _mm256_fmadd_ps(w[p][0], xb, acc[p][0][b]);
        acc[p][1][b] = _mm256_fmadd_ps(w[p][1], xb, acc[p][1][b]);
      }
    }
  }
  // the bias of the tile's rows below hi (the array ends at the layer's last row), zero beyond
  alignas(32) float bias[MP * P] = {0.0f};
  if (t.bias != NULL) {
    for (int32_t i = 0; i < t.hi; i++) bias[i] = t.bias[i];
  }
  alignas(32) float tmp[MP][NB][P];
#pragma GCC unroll 2
  for (int p = 0; p < MP; p++) {
    const __m256 b0 = _mm256_load_ps(bias + p * P);
    const __m256 b1 = _mm256_load_ps(bias + p * P + 8);
#pragma GCC unroll 8
    for (int b = 0; b < NB; b++) {
      _mm256_store_ps(tmp[p][b], snn_avx2_act(_mm256_add_ps(acc[p][0][b], b0), act, valpha));
      _mm256_store_ps(tmp[p][b] + 8, snn_avx2_act(_mm256_add_ps(acc[p][1][b], b1), act, valpha));
    }
  }
  snn_packed_store_tile(&tmp[0][0][0], MP, NB, t.lo, t.hi, t.y, t.nb);
}

// All samples of one panel: tiles of 6, then the remainder.
void panel(Tile t, int32_t act, __m256 valpha) {
  const int64_t nb = t.nb;
  const float* x0 = t.x;
  float* y0 = t.y;
  int64_t b0 = 0;
  for (; b0 + 6 <= nb; b0 += 6) {
    t.x = x0 + b0;
    t.y = y0 + b0;
    tile<1, 6>(t, act, valpha);
  }
  t.x = x0 + b0;
  t.y = y0 + b0;
  switch (nb - b0) {
    case 1: tile<1, 1>(t, act, valpha); break;
    case 2: tile<1, 2>(t, act, valpha); break;
    case 3: tile<1, 3>(t, act, valpha); break;
    case 4: tile<1, 4>(t, act, valpha); break;
    case 5: tile<1, 5>(t, act, valpha); break;
    default: break;
  }
}

}  // namespace

extern "C" void snn_f32_gemm_packed__avx2(int32_t row_begin, int32_t row_end, int32_t cols,
                                          const float* wp, const float* x, int32_t batch,
                                          const float* bias, float* y, int32_t act, float alpha) {
  if (row_begin >= row_end || batch <= 0) return;
  const __m256 valpha = _mm256_set1_ps(alpha);
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

#endif  // __x86_64__
