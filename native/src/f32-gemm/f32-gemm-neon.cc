// NEON dense GEMM, batch contiguous (feature-major x and y), weights read once per call.
//
// Register tile: MR = 4 rows x up to 16 samples (NV = 1-4 q vectors, 16 accumulators at most).
// For each column c, 4 weights are broadcast and multiplied into the accumulators over the
// contiguous x[c * batch + b0 ..]. Samples beyond 16 are further tiles over the same rows; the
// last 1-3 samples of a batch that is not a multiple of 4 use scalar accumulators. Column
// chunks, partial sums in y and the weight prefetch as in f32-gemm-avx512.cc.
#if defined(__aarch64__)

#include <arm_neon.h>

#include "math/neon-math.h"
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

// One prefetch per weight row, kPfDistance columns ahead of column c; past the chunk's end, row
// slot i continues in the next tile (or stops).
template <int MR>
inline __attribute__((always_inline)) void prefetch_rows(const Tile& t, int64_t c) {
  const int64_t pc = c + kPfDistance;
  for (int i = 0; i < MR; i++) {
    const float* wi = t.w + i * t.ld;
    if (pc < t.kc) {
      __builtin_prefetch(wi + pc);
    } else if (i < t.next_rows && pc - t.kc < t.kc) {
      __builtin_prefetch(wi + MR * t.ld + (pc - t.kc));
    }
  }
}

inline __attribute__((always_inline)) void fma_row(float32x4_t w, int nv, float32x4_t x0,
                                                   float32x4_t x1, float32x4_t x2, float32x4_t x3,
                                                   float32x4_t& a0, float32x4_t& a1,
                                                   float32x4_t& a2, float32x4_t& a3) {
  a0 = vfmaq_f32(a0, w, x0);
  if (nv > 1) a1 = vfmaq_f32(a1, w, x1);
  if (nv > 2) a2 = vfmaq_f32(a2, w, x2);
  if (nv > 3) a3 = vfmaq_f32(a3, w, x3);
}

inline __attribute__((always_inline)) float32x4_t finish_vec(const Tile& t, float* yp,
                                                             float32x4_t a, float32x4_t vb,
                                                             int32_t act, float32x4_t valpha) {
  if (t.accumulate) a = vaddq_f32(a, vld1q_f32(yp));
  if (t.finish) a = snn_neon_act(vaddq_f32(a, vb), act, valpha);
  return a;
}

template <int NV>
inline __attribute__((always_inline)) void store_row(const Tile& t, int i, int32_t act,
                                                     float32x4_t valpha, float32x4_t a0,
                                                     float32x4_t a1, float32x4_t a2,
                                                     float32x4_t a3) {
  float* yp = t.y + i * t.nb;
  const float32x4_t vb = vdupq_n_f32(t.bias != NULL ? t.bias[i] : 0.0f);
  vst1q_f32(yp, finish_vec(t, yp, a0, vb, act, valpha));
  if (NV > 1) vst1q_f32(yp + 4, finish_vec(t, yp + 4, a1, vb, act, valpha));
  if (NV > 2) vst1q_f32(yp + 8, finish_vec(t, yp + 8, a2, vb, act, valpha));
  if (NV > 3) vst1q_f32(yp + 12, finish_vec(t, yp + 12, a3, vb, act, valpha));
}

// One MR x (4 NV) tile, MR in 1, 2, 4; accumulators are named variables (kept in registers).
template <int MR, int NV>
inline __attribute__((always_inline)) void gemm_tile(const Tile& t, int32_t act,
                                                     float32x4_t valpha) {
  const float32x4_t z = vdupq_n_f32(0.0f);
  float32x4_t a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z;
  float32x4_t a20 = z, a21 = z, a22 = z, a23 = z, a30 = z, a31 = z, a32 = z, a33 = z;
  const int64_t ld = t.ld;
  const float* w0 = t.w;
  const float* w1 = MR > 1 ? w0 + ld : w0;
  const float* w2 = MR > 2 ? w1 + ld : w1;
  const float* w3 = MR > 3 ? w2 + ld : w2;
  const int64_t kc = t.kc;
  const int64_t nb = t.nb;
  int64_t c = 0;
  for (;;) {
    // body: 16 columns after one prefetch per weight row; then the tail, one column at a time
    const int64_t stop = c + 16 <= kc ? c + 16 : kc;
    if (stop == c + 16 && t.prefetch) prefetch_rows<MR>(t, c);
    for (; c < stop; c++) {
      const float* xp = t.x + c * nb;
      const float32x4_t x0 = vld1q_f32(xp);
      const float32x4_t x1 = NV > 1 ? vld1q_f32(xp + 4) : z;
      const float32x4_t x2 = NV > 2 ? vld1q_f32(xp + 8) : z;
      const float32x4_t x3 = NV > 3 ? vld1q_f32(xp + 12) : z;
      fma_row(vdupq_n_f32(w0[c]), NV, x0, x1, x2, x3, a00, a01, a02, a03);
      if (MR > 1) fma_row(vdupq_n_f32(w1[c]), NV, x0, x1, x2, x3, a10, a11, a12, a13);
      if (MR > 2) fma_row(vdupq_n_f32(w2[c]), NV, x0, x1, x2, x3, a20, a21, a22, a23);
      if (MR > 3) fma_row(vdupq_n_f32(w3[c]), NV, x0, x1, x2, x3, a30, a31, a32, a33);
    }
    if (c >= kc) break;
  }
  // store: partial sums, or bias + activation on the last chunk
  store_row<NV>(t, 0, act, valpha, a00, a01, a02, a03);
  if (MR > 1) store_row<NV>(t, 1, act, valpha, a10, a11, a12, a13);
  if (MR > 2) store_row<NV>(t, 2, act, valpha, a20, a21, a22, a23);
  if (MR > 3) store_row<NV>(t, 3, act, valpha, a30, a31, a32, a33);
}

// The last n (1-3) samples of MR rows, scalar accumulators.
template <int MR>
inline __attribute__((always_inline)) void gemm_tile_scalar(const Tile& t, int64_t n,
                                                            int32_t act, float32x4_t valpha) {
  float acc[MR][4] = {};
  for (int64_t c = 0; c < t.kc; c++) {
    const float* xp = t.x + c * t.nb;
    for (int i = 0; i < MR; i++) {
      const float wv = t.w[i * t.ld + c];
      for (int64_t j = 0; j < n; j++) acc[i][j] += wv * xp[j];
    }
  }
  for (int i = 0; i < MR; i++) {
    float* yp = t.y + i * t.nb;
    if (t.accumulate) {
      for (int64_t j = 0; j < n; j++) acc[i][j] += yp[j];
    }
    if (t.finish) {
      const float b = t.bias != NULL ? t.bias[i] : 0.0f;
      const float bb[4] = {b, b, b, b};
      snn_neon_store_partial(yp, (int32_t)n, acc[i], bb, act, valpha);
    } else {
      for (int64_t j = 0; j < n; j++) yp[j] = acc[i][j];
    }
  }
}

// All sample tiles of one row tile of MR rows: full tiles of 16, then 4-12, then 1-3.
template <int MR>
inline __attribute__((always_inline)) void gemm_rows(Tile t, int32_t act, float32x4_t valpha) {
  const int64_t nb = t.nb;
  const float* x0 = t.x;
  float* y0 = t.y;
  int64_t b0 = 0;
  for (; b0 + 16 <= nb; b0 += 16) {
    t.x = x0 + b0;
    t.y = y0 + b0;
    gemm_tile<MR, 4>(t, act, valpha);
    t.prefetch = false;
  }
  const int64_t nv = (nb - b0) / 4;
  t.x = x0 + b0;
  t.y = y0 + b0;
  if (nv == 1) gemm_tile<MR, 1>(t, act, valpha);
  if (nv == 2) gemm_tile<MR, 2>(t, act, valpha);
  if (nv == 3) gemm_tile<MR, 3>(t, act, valpha);
  b0 += 4 * nv;
  if (b0 < nb) {
    t.x = x0 + b0;
    t.y = y0 + b0;
    gemm_tile_scalar<MR>(t, nb - b0, act, valpha);
  }
}

}  // namespace

extern "C" void snn_f32_gemm__neon(SNN_GEMM_PARAMS) {
  if (row_begin >= row_end || batch <= 0) return;
  const float32x4_t valpha = vdupq_n_f32(alpha);
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
    t.x = x + k0 * t.nb;
    // rows in tiles of 4, then 2, 1
    for (int32_t r = row_begin; r < row_end;) {
      const int32_t left = row_end - r;
      t.w = w + (int64_t)r * t.ld + k0;
      t.y = y + (int64_t)r * t.nb;
      t.bias = bias != NULL ? bias + r : NULL;
      t.prefetch = true;
      if (left >= 4) {
        t.next_rows = left - 4 < 4 ? left - 4 : 4;
        gemm_rows<4>(t, act, valpha);
        r += 4;
      } else {
        t.next_rows = 0;
        if (left >= 2) {
          gemm_rows<2>(t, act, valpha);
          r += 2;
        } else {
          gemm_rows<1>(t, act, valpha);
          r += 1;
        }
      }
    }
    k0 += t.kc;
    if (k0 >= cols) break;
  }
}

#endif  // __aarch64__
