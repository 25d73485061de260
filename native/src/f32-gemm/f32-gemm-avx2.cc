// AVX2 dense GEMM, batch contiguous (feature-major x and y), weights read once per call.
//
// Register tile: MR rows x up to 16 samples (NV = 1 or 2 ymm, the last one masked). For each
// column c, MR weights are broadcast and multiplied into the MR x NV accumulators over the
// contiguous x[c * batch + b0 ..]. MR = 8 when the batch is at most 8, else 4: 8 independent FMA
// chains either way within 16 ymm registers. Samples beyond 16 are further tiles over the same
// rows, re-reading the rows' weights from L1. Column chunks, partial sums in y and the weight
// prefetch as in f32-gemm-avx512.cc.
#if defined(__x86_64__)

#include <immintrin.h>

#include "math/avx2-math.h"
#include "snn-internal.h"

namespace {

const int64_t kChunkBytes = 128 * 1024;  // x slice per column chunk
const int64_t kPfDistance = 256;         // floats ahead in each weight row (1 KiB)

struct Tile {
  const float* w;     // weights of the tile's first row, at the chunk's first column
  int64_t ld;         // leading dimension of w (cols)
  int64_t kc;         // columns in this chunk
  const float* x;     // x at the chunk's first column and the tile's first sample
  int64_t nb;         // batch (x and y row stride)
  float* y;           // y at the tile's first row and first sample
  const float* bias;  // bias at the tile's first row, or NULL
  int64_t next_rows;  // rows of the next tile in this chunk (prefetch target), 0: none
  bool prefetch;      // prefetch the weight streams (first sample tile of a row tile only)
  bool accumulate;    // add the partial sums already in y (not the first chunk)
  bool finish;        // add bias and apply the activation (last chunk)
};

// One row of the store: y = acc (+ y) (+ bias, activation); vector v uses lane mask m[v].
template <int NV>
inline __attribute__((always_inline)) void store_row(const Tile& t, int i, __m256i m0, __m256i m1,
                                                     int32_t act, __m256 valpha, __m256 a0,
                                                     __m256 a1) {
  float* yp = t.y + i * t.nb;
  const __m256 vb = _mm256_set1_ps(t.bias != NULL ? t.bias[i] : 0.0f);
  if (t.accumulate) {
    a0 = _mm256_add_ps(a0, _mm256_maskload_ps(yp, m0));
    if (NV > 1) a1 = _mm256_add_ps(a1, _mm256_maskload_ps(yp + 8, m1));
  }
  if (t.finish) {
    a0 = snn_avx2_act(_mm256_add_ps(a0, vb), act, valpha);
    if (NV > 1) a1 = snn_avx2_act(_mm256_add_ps(a1, vb), act, valpha);
  }
  _mm256_maskstore_ps(yp, m0, a0);
  if (NV > 1) _mm256_maskstore_ps(yp + 8, m1, a1);
}

// One MR x NV tile (MR 1, 2 or 4 with NV <= 2; 8 with NV == 1), the last vector masked by `ml`.
// Accumulators are named variables so that they stay in registers.
template <int MR, int NV>
inline __attribute__((always_inline)) void gemm_tile(const Tile& t, __m256i ml, int32_t act,
                                                     __m256 valpha) {
  const __m256i ones = _mm256_set1_epi32(-1);
  const __m256i m0 = NV == 1 ? ml : ones;
  const __m256i m1 = ml;
  const __m256 z = _mm256_setzero_ps();
  __m256 a00 = z, a01 = z, a10 = z, a11 = z, a20 = z, a21 = z, a30 = z, a31 = z;
  __m256 a40 = z, a50 = z, a60 = z, a70 = z;
  if (t.accumulate) {
    for (int i = 0; i < MR; i++) _mm_prefetch((const char*)(t.y + i * t.nb), _MM_HINT_T0);
  }
  const int64_t ld = t.ld;
  const float* w0 = t.w;
  const float* w1 = MR > 1 ? w0 + ld : w0;
  const float* w2 = MR > 2 ? w1 + ld : w1;
  const float* w3 = MR > 3 ? w2 + ld : w2;
  const float* w4 = MR > 4 ? w3 + ld : w3;
  const float* w5 = MR > 5 ? w4 + ld : w4;
  const float* w6 = MR > 6 ? w5 + ld : w5;
  const float* w7 = MR > 7 ? w6 + ld : w6;
  const int64_t kc = t.kc;
  const int64_t nb = t.nb;
  int64_t c = 0;
  for (;;) {
    // body: 16 columns after one prefetch per weight row; then the tail, one column at a time
    const int64_t stop = c + 16 <= kc ? c + 16 : kc;
    if (stop == c + 16 && t.prefetch) {
      // past the chunk's end, row slot i continues in the next tile (or stops)
      const int64_t pc = c + kPfDistance;
      for (int i = 0; i < MR; i++) {
        const float* wi = t.w + i * ld;
        if (pc < kc) {
          _mm_prefetch((const char*)(wi + pc), _MM_HINT_T0);
        } else if (i < t.next_rows && pc - kc < kc) {
          _mm_prefetch((const char*)(wi + MR * ld + (pc - kc)), _MM_HINT_T0);
        }
      }
    }
    if (NV == 1 && MR <= 4) {
      // one vector per row: even and odd columns into separate accumulators (a40-a70), so that
      // 2 MR FMA chains hide the latency
      for (; c + 2 <= stop; c += 2) {
        const __m256 xa = _mm256_maskload_ps(t.x + c * nb, m0);
        const __m256 xb = _mm256_maskload_ps(t.x + (c + 1) * nb, m0);
        a00 = _mm256_fmadd_ps(_mm256_broadcast_ss(w0 + c), xa, a00);
        a40 = _mm256_fmadd_ps(_mm256_broadcast_ss(w0 + c + 1), xb, a40);
        if (MR > 1) a10 = _mm256_fmadd_ps(_mm256_broadcast_ss(w1 + c), xa, a10);
        if (MR > 1) a50 = _mm256_fmadd_ps(_mm256_broadcast_ss(w1 + c + 1), xb, a50);
        if (MR > 2) a20 = _mm256_fmadd_ps(_mm256_broadcast_ss(w2 + c), xa, a20);
        if (MR > 2) a60 = _mm256_fmadd_ps(_mm256_broadcast_ss(w2 + c + 1), xb, a60);
        if (MR > 3) a30 = _mm256_fmadd_ps(_mm256_broadcast_ss(w3 + c), xa, a30);
        if (MR > 3) a70 = _mm256_fmadd_ps(_mm256_broadcast_ss(w3 + c + 1), xb, a70);
      }
    }
    for (; c < stop; c++) {
      const float* xp = t.x + c * nb;
      const __m256 x0 = NV == 1 ? _mm256_maskload_ps(xp, m0) : _mm256_loadu_ps(xp);
      const __m256 x1 = NV > 1 ? _mm256_maskload_ps(xp + 8, m1) : z;
      __m256 v = _mm256_broadcast_ss(w0 + c);
      a00 = _mm256_fmadd_ps(v, x0, a00);
      if (NV > 1) a01 = _mm256_fmadd_ps(v, x1, a01);
      if (MR > 1) {
        v = _mm256_broadcast_ss(w1 + c);
        a10 = _mm256_fmadd_ps(v, x0, a10);
        if (NV > 1) a11 = _mm256_fmadd_ps(v, x1, a11);
      }
      if (MR > 2) {
        v = _mm256_broadcast_ss(w2 + c);
        a20 = _mm256_fmadd_ps(v, x0, a20);
        if (NV > 1) a21 = _mm256_fmadd_ps(v, x1, a21);
      }
      if (MR > 3) {
        v = _mm256_broadcast_ss(w3 + c);
        a30 = _mm256_fmadd_ps(v, x0, a30);
        if (NV > 1) a31 = _mm256_fmadd_ps(v, x1, a31);
      }
      if (MR > 4) a40 = _mm256_fmadd_ps(_mm256_broadcast_ss(w4 + c), x0, a40);
      if (MR > 5) a50 = _mm256_fmadd_ps(_mm256_broadcast_ss(w5 + c), x0, a50);
      if (MR > 6) a60 = _mm256_fmadd_ps(_mm256_broadcast_ss(w6 + c), x0, a60);
      if (MR > 7) a70 = _mm256_fmadd_ps(_mm256_broadcast_ss(w7 + c), x0, a70);
    }
    if (c >= kc) break;
  }
  if (NV == 1 && MR <= 4) {
    a00 = _mm256_add_ps(a00, a40);
    a10 = _mm256_add_ps(a10, a50);
    a20 = _mm256_add_ps(a20, a60);
    a30 = _mm256_add_ps(a30, a70);
  }
  // store: partial sums, or bias + activation on the last chunk
  store_row<NV>(t, 0, m0, m1, act, valpha, a00, a01);
  if (MR > 1) store_row<NV>(t, 1, m0, m1, act, valpha, a10, a11);
  if (MR > 2) store_row<NV>(t, 2, m0, m1, act, valpha, a20, a21);
  if (MR > 3) store_row<NV>(t, 3, m0, m1, act, valpha, a30, a31);
  if (MR > 4) store_row<1>(t, 4, m0, m1, act, valpha, a40, z);
  if (MR > 5) store_row<1>(t, 5, m0, m1, act, valpha, a50, z);
  if (MR > 6) store_row<1>(t, 6, m0, m1, act, valpha, a60, z);
  if (MR > 7) store_row<1>(t, 7, m0, m1, act, valpha, a70, z);
}

// All sample tiles of one row tile of MR rows: full tiles of 16, then the remainder.
template <int MR>
inline __attribute__((always_inline)) void gemm_rows(Tile t, int32_t act, __m256 valpha) {
  const int64_t nb = t.nb;
  const float* x0 = t.x;
  float* y0 = t.y;
  int64_t b0 = 0;
  if constexpr (MR <= 4) {
    for (; b0 + 16 <= nb; b0 += 16) {
      t.x = x0 + b0;
      t.y = y0 + b0;
      gemm_tile<MR, 2>(t, _mm256_set1_epi32(-1), act, valpha);
      t.prefetch = false;
    }
  }
  const int64_t rem = nb - b0;
  if (rem == 0) return;
  t.x = x0 + b0;
  t.y = y0 + b0;
  if (rem <= 8) {
    gemm_tile<MR, 1>(t, snn_avx2_tail_mask(rem), act, valpha);
  } else if constexpr (MR <= 4) {
    gemm_tile<MR, 2>(t, snn_avx2_tail_mask(rem - 8), act, valpha);
  }
}

// Rows [r, row_end) of one chunk in tiles of MR rows, then 4, 2, 1 for the rest.
template <int MR>
void gemm_chunk(Tile t, int32_t r, int32_t row_end, const float* w, const float* x,
                const float* bias, float* y, int64_t k0, int32_t act, __m256 valpha) {
  for (; r < row_end; r += MR) {
    const int32_t left = row_end - r;
    t.w = w + (int64_t)r * t.ld + k0;
    t.x = x + k0 * t.nb;
    t.y = y + (int64_t)r * t.nb;
    t.bias = bias != NULL ? bias + r : NULL;
    t.prefetch = true;
    if (left >= MR) {
      const int32_t after = left - MR;
      t.next_rows = after < MR ? after : MR;
      gemm_rows<MR>(t, act, valpha);
      continue;
    }
    // tail: fewer than MR rows left
    t.next_rows = 0;
    if (MR > 4 && left >= 4) {
      gemm_rows<4>(t, act, valpha);
      r += 4;
    } else if (left >= 2) {
      gemm_rows<2>(t, act, valpha);
      r += 2;
    } else {
      gemm_rows<1>(t, act, valpha);
      r += 1;
    }
    r -= MR;  // the loop adds MR back
  }
}

}  // namespace

extern "C" void snn_f32_gemm__avx2(SNN_GEMM_PARAMS) {
  if (row_begin >= row_end || batch <= 0) return;
  const __m256 valpha = _mm256_set1_ps(alpha);
  Tile t;
  t.ld = cols;
  t.nb = batch;
  int64_t kc = kChunkBytes / (4 * t.nb);
  kc = kc < 64 ? 64 : kc & ~(int64_t)15;
  // cols == 0 is one empty chunk: y = act(bias)
  for (int64_t k0 = 0;;) {
    t.kc = cols - k0 < kc ? cols - k0 : kc;
    t.accumulate = k0 > 0;
    t.finish = k0 + t.kc >= cols;
    if (batch <= 8) {
      gemm_chunk<8>(t, row_begin, row_end, w, x, bias, y, k0, act, valpha);
    } else {
      gemm_chunk<4>(t, row_begin, row_end, w, x, bias, y, k0, act, valpha);
    }
    k0 += t.kc;
    if (k0 >= cols) break;
  }
}

#endif  // __x86_64__
