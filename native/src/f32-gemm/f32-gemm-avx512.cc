// AVX-512 dense GEMM, batch contiguous (feature-major x and y), weights read once per call.
//
// Register tile: MR rows x up to 64 samples. For each column c, MR weights are broadcast and
// multiplied into MR x NV accumulators over the contiguous x[c * batch + b0 ..] (NV zmm, the
// last one masked; a last part of at most 8 samples uses a masked ymm, which costs half a zmm
// FMA on Zen 4, so batch 17 costs 1.5 times batch 16, not twice). MR = 8 when the batch is at most 32 (8 or 16 independent FMA chains, half as
// many x loads per weight), else 4 (16 zmm accumulators at 64 samples). Samples beyond 64 are
// further tiles over the same rows, re-reading the rows' weights from L1.
//
// Columns are split into chunks whose x slice (kc x batch floats) stays in L2 while the weights
// stream past; between chunks the partial sums wait in y, and the last chunk adds the bias and
// applies the activation before the final store. Each weight row is prefetched kPfDistance
// floats ahead; near the end of the chunk the prefetch moves on to the same row slot of the next
// tile, so the streams never stall at tile boundaries.
#if defined(__x86_64__)

#include <immintrin.h>

#include "math/avx512-math.h"
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

// One row of a column step: acc[v] += w * x[v] for the tile's NZ vectors.
template <int NZ>
inline __attribute__((always_inline)) void fma_row(__m512 w, __m512 x0, __m512 x1, __m512 x2,
                                                   __m512 x3, __m512& a0, __m512& a1, __m512& a2,
                                                   __m512& a3) {
  a0 = _mm512_fmadd_ps(w, x0, a0);
  if (NZ > 1) a1 = _mm512_fmadd_ps(w, x1, a1);
  if (NZ > 2) a2 = _mm512_fmadd_ps(w, x2, a2);
  if (NZ > 3) a3 = _mm512_fmadd_ps(w, x3, a3);
}

// One row of the store: y = acc (+ y) (+ bias, activation), the last vector masked.
template <int NZ>
inline __attribute__((always_inline)) void store_row(const Tile& t, int i, __mmask16 ml,
                                                     int32_t act, __m512 valpha, __m512 a0,
                                                     __m512 a1, __m512 a2, __m512 a3) {
  float* yp = t.y + i * t.nb;
  const __m512 vb = _mm512_set1_ps(t.bias != NULL ? t.bias[i] : 0.0f);
  const __m512 a[4] = {a0, a1, a2, a3};
  for (int v = 0; v < NZ; v++) {
    const __mmask16 m = v == NZ - 1 ? ml : (__mmask16)0xFFFF;
    __m512 s = a[v];
    if (t.accumulate) s = _mm512_add_ps(s, _mm512_maskz_loadu_ps(m, yp + 16 * v));
    if (t.finish) s = snn_avx512_act(_mm512_add_ps(s, vb), act, valpha);
    _mm512_mask_storeu_ps(yp + 16 * v, m, s);
  }
}

// The same for the ymm of a tile, `off` samples into the tile.
inline __attribute__((always_inline)) void store_row8(const Tile& t, int i, int off, __mmask8 ml,
                                                      int32_t act, __m512 valpha, __m256 a) {
  float* yp = t.y + i * t.nb + off;
  if (t.accumulate) a = _mm256_add_ps(a, _mm256_maskz_loadu_ps(ml, yp));
  if (t.finish) {
    const __m256 vb = _mm256_set1_ps(t.bias != NULL ? t.bias[i] : 0.0f);
    a = _mm512_castps512_ps256(
        snn_avx512_act(_mm512_zextps256_ps512(_mm256_add_ps(a, vb)), act, valpha));
  }
  _mm256_mask_storeu_ps(yp, ml, a);
}

// One MR x (16 NV + 8 H) tile: NV zmm vectors (the last masked by `ml`, all ones when H), then
// when H one ymm masked by `mh`. MR is 1, 2 or 4 with NV + H <= 4, or 8 with NV + H <= 2.
// Accumulators are named variables: GCC keeps an array of 16 zmm in memory.
template <int MR, int NV, bool H>
inline __attribute__((always_inline)) void gemm_tile(const Tile& t, __mmask16 ml, __mmask8 mh,
                                                     int32_t act, __m512 valpha) {
  constexpr int NZ = NV == 0 ? 1 : NV;  // NV == 0 leaves the zmm accumulators unused
  const __m512 z = _mm512_setzero_ps();
  __m512 a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z;
  __m512 a20 = z, a21 = z, a22 = z, a23 = z, a30 = z, a31 = z, a32 = z, a33 = z;
  __m512 dz = z;  // rows 4-7 have at most 2 vectors
  __m512 a40 = z, a41 = z, a50 = z, a51 = z, a60 = z, a61 = z, a70 = z, a71 = z;
  __m256 h0 = _mm256_setzero_ps(), h1 = h0, h2 = h0, h3 = h0, h4 = h0, h5 = h0, h6 = h0, h7 = h0;
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
  const __mmask16 mz = H ? (__mmask16)0xFFFF : ml;  // the last zmm's mask
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
    if (NV == 0 && MR <= 4) {
      // a ymm alone: even and odd columns into separate accumulators (h4-h7), so that 2 MR
      // FMA chains hide the latency
      for (; c + 2 <= stop; c += 2) {
        const __m256 xa = _mm256_maskz_loadu_ps(mh, t.x + c * nb);
        const __m256 xb = _mm256_maskz_loadu_ps(mh, t.x + (c + 1) * nb);
        h0 = _mm256_fmadd_ps(_mm256_broadcast_ss(w0 + c), xa, h0);
        h4 = _mm256_fmadd_ps(_mm256_broadcast_ss(w0 + c + 1), xb, h4);
        if (MR > 1) h1 = _mm256_fmadd_ps(_mm256_broadcast_ss(w1 + c), xa, h1);
        if (MR > 1) h5 = _mm256_fmadd_ps(_mm256_broadcast_ss(w1 + c + 1), xb, h5);
        if (MR > 2) h2 = _mm256_fmadd_ps(_mm256_broadcast_ss(w2 + c), xa, h2);
        if (MR > 2) h6 = _mm256_fmadd_ps(_mm256_broadcast_ss(w2 + c + 1), xb, h6);
        if (MR > 3) h3 = _mm256_fmadd_ps(_mm256_broadcast_ss(w3 + c), xa, h3);
        if (MR > 3) h7 = _mm256_fmadd_ps(_mm256_broadcast_ss(w3 + c + 1), xb, h7);
      }
    }
    for (; c < stop; c++) {
      const float* xp = t.x + c * nb;
      if (NV > 0) {
        const __m512 x0 = NZ == 1 ? _mm512_maskz_loadu_ps(mz, xp) : _mm512_loadu_ps(xp);
        __m512 x1 = z, x2 = z, x3 = z;
        if (NZ > 1) x1 = NZ == 2 ? _mm512_maskz_loadu_ps(mz, xp + 16) : _mm512_loadu_ps(xp + 16);
        if (NZ > 2) x2 = NZ == 3 ? _mm512_maskz_loadu_ps(mz, xp + 32) : _mm512_loadu_ps(xp + 32);
        if (NZ > 3) x3 = _mm512_maskz_loadu_ps(mz, xp + 48);
        fma_row<NZ>(_mm512_set1_ps(w0[c]), x0, x1, x2, x3, a00, a01, a02, a03);
        if (MR > 1) fma_row<NZ>(_mm512_set1_ps(w1[c]), x0, x1, x2, x3, a10, a11, a12, a13);
        if (MR > 2) fma_row<NZ>(_mm512_set1_ps(w2[c]), x0, x1, x2, x3, a20, a21, a22, a23);
        if (MR > 3) fma_row<NZ>(_mm512_set1_ps(w3[c]), x0, x1, x2, x3, a30, a31, a32, a33);
        if (MR > 4) fma_row<NZ>(_mm512_set1_ps(w4[c]), x0, x1, x2, x3, a40, a41, dz, dz);
        if (MR > 5) fma_row<NZ>(_mm512_set1_ps(w5[c]), x0, x1, x2, x3, a50, a51, dz, dz);
        if (MR > 6) fma_row<NZ>(_mm512_set1_ps(w6[c]), x0, x1, x2, x3, a60, a61, dz, dz);
        if (MR > 7) fma_row<NZ>(_mm512_set1_ps(w7[c]), x0, x1, x2, x3, a70, a71, dz, dz);
      }
      if (H) {
        const __m256 xv = _mm256_maskz_loadu_ps(mh, xp + 16 * NV);
        h0 = _mm256_fmadd_ps(_mm256_broadcast_ss(w0 + c), xv, h0);
        if (MR > 1) h1 = _mm256_fmadd_ps(_mm256_broadcast_ss(w1 + c), xv, h1);
        if (MR > 2) h2 = _mm256_fmadd_ps(_mm256_broadcast_ss(w2 + c), xv, h2);
        if (MR > 3) h3 = _mm256_fmadd_ps(_mm256_broadcast_ss(w3 + c), xv, h3);
        if (MR > 4) h4 = _mm256_fmadd_ps(_mm256_broadcast_ss(w4 + c), xv, h4);
        if (MR > 5) h5 = _mm256_fmadd_ps(_mm256_broadcast_ss(w5 + c), xv, h5);
        if (MR > 6) h6 = _mm256_fmadd_ps(_mm256_broadcast_ss(w6 + c), xv, h6);
        if (MR > 7) h7 = _mm256_fmadd_ps(_mm256_broadcast_ss(w7 + c), xv, h7);
      }
    }
    if (c >= kc) break;
  }
  // store: partial sums, or bias + activation on the last chunk
  if (NV > 0) {
    store_row<NZ>(t, 0, mz, act, valpha, a00, a01, a02, a03);
    if (MR > 1) store_row<NZ>(t, 1, mz, act, valpha, a10, a11, a12, a13);
    if (MR > 2) store_row<NZ>(t, 2, mz, act, valpha, a20, a21, a22, a23);
    if (MR > 3) store_row<NZ>(t, 3, mz, act, valpha, a30, a31, a32, a33);
    if (MR > 4) store_row<NZ>(t, 4, mz, act, valpha, a40, a41, z, z);
    if (MR > 5) store_row<NZ>(t, 5, mz, act, valpha, a50, a51, z, z);
    if (MR > 6) store_row<NZ>(t, 6, mz, act, valpha, a60, a61, z, z);
    if (MR > 7) store_row<NZ>(t, 7, mz, act, valpha, a70, a71, z, z);
  }
  if (NV == 0 && MR <= 4) {
    h0 = _mm256_add_ps(h0, h4);
    h1 = _mm256_add_ps(h1, h5);
    h2 = _mm256_add_ps(h2, h6);
    h3 = _mm256_add_ps(h3, h7);
  }
  if (H) {
    store_row8(t, 0, 16 * NV, mh, act, valpha, h0);
    if (MR > 1) store_row8(t, 1, 16 * NV, mh, act, valpha, h1);
    if (MR > 2) store_row8(t, 2, 16 * NV, mh, act, valpha, h2);
    if (MR > 3) store_row8(t, 3, 16 * NV, mh, act, valpha, h3);
    if (MR > 4) store_row8(t, 4, 16 * NV, mh, act, valpha, h4);
    if (MR > 5) store_row8(t, 5, 16 * NV, mh, act, valpha, h5);
    if (MR > 6) store_row8(t, 6, 16 * NV, mh, act, valpha, h6);
    if (MR > 7) store_row8(t, 7, 16 * NV, mh, act, valpha, h7);
  }
}

// All sample tiles of one row tile of MR rows: full tiles of 64, then the remainder as full zmm
// and a last partial vector, a ymm when it holds at most 8 samples (half the work of a zmm).
template <int MR>
inline __attribute__((always_inline)) void gemm_rows(Tile t, int32_t act, __m512 valpha) {
  const int64_t nb = t.nb;
  const float* x0 = t.x;
  float* y0 = t.y;
  int64_t b0 = 0;
  if constexpr (MR <= 4) {
    for (; b0 + 64 <= nb; b0 += 64) {
      t.x = x0 + b0;
      t.y = y0 + b0;
      gemm_tile<MR, 4, false>(t, 0xFFFF, 0, act, valpha);
      t.prefetch = false;
    }
  }
  const int64_t rem = nb - b0;
  if (rem == 0) return;
  t.x = x0 + b0;
  t.y = y0 + b0;
  const int q = (int)(rem / 16);
  const int64_t s = rem % 16;
  const bool h = s > 0 && s <= 8;
  const int nv = q + (s > 8 ? 1 : 0);
  const __mmask16 ml = s > 8 ? snn_avx512_tail_mask(s) : (__mmask16)0xFFFF;
  const __mmask8 mh = (__mmask8)snn_avx512_tail_mask(h ? s : 0);
  if constexpr (MR > 4) {
    // MR > 4 only for batch <= 32
    if (!h && nv == 1) gemm_tile<MR, 1, false>(t, ml, mh, act, valpha);
    if (!h && nv == 2) gemm_tile<MR, 2, false>(t, ml, mh, act, valpha);
    if (h && nv == 0) gemm_tile<MR, 0, true>(t, ml, mh, act, valpha);
    if (h && nv == 1) gemm_tile<MR, 1, true>(t, ml, mh, act, valpha);
  } else {
    if (!h && nv == 1) gemm_tile<MR, 1, false>(t, ml, mh, act, valpha);
    if (!h && nv == 2) gemm_tile<MR, 2, false>(t, ml, mh, act, valpha);
    if (!h && nv == 3) gemm_tile<MR, 3, false>(t, ml, mh, act, valpha);
    if (!h && nv == 4) gemm_tile<MR, 4, false>(t, ml, mh, act, valpha);
    if (h && nv == 0) gemm_tile<MR, 0, true>(t, ml, mh, act, valpha);
    if (h && nv == 1) gemm_tile<MR, 1, true>(t, ml, mh, act, valpha);
    if (h && nv == 2) gemm_tile<MR, 2, true>(t, ml, mh, act, valpha);
    if (h && nv == 3) gemm_tile<MR, 3, true>(t, ml, mh, act, valpha);
  }
}

// Rows [r, row_end) of one chunk in tiles of MR rows, then 4, 2, 1 for the rest.
template <int MR>
void gemm_chunk(Tile t, int32_t r, int32_t row_end, const float* w, const float* x,
                const float* bias, float* y, int64_t k0, int32_t act, __m512 valpha) {
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

extern "C" void snn_f32_gemm__avx512(SNN_GEMM_PARAMS) {
  if (row_begin >= row_end || batch <= 0) return;
  const __m512 valpha = _mm512_set1_ps(alpha);
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
    if (batch <= 32) {
      gemm_chunk<8>(t, row_begin, row_end, w, x, bias, y, k0, act, valpha);
    } else {
      gemm_chunk<4>(t, row_begin, row_end, w, x, bias, y, k0, act, valpha);
    }
    k0 += t.kc;
    if (k0 >= cols) break;
  }
}

#endif  // __x86_64__
