/*
 * The csc16 loops, written once for every ISA: weights column-major within panels of output
 * rows (kernels.h), so a kernel walks only the columns whose input is nonzero and scatters each
 * column's nonzeros into the panel's rows of y. Zero inputs cost one bit test each; the work is
 * proportional to the nonzero weights of the nonzero inputs.
 *
 * Per panel: y's rows of the panel (inside the range) are zeroed, then every nonzero input's
 * column is added into them in column order (so each row sums its terms in the order a CSR row
 * does), then the ISA's bias_act kernel applies the epilogue to the range in place. A panel
 * cut by the range takes a checked scatter; ranges on panel boundaries never do.
 *
 * A tile is a struct of static members, defined in the ISA's file inside an anonymous namespace
 * (docs/build-notes.md):
 *   nonzero_bits(x, n) -> uint64_t   bit i set where x[i] != 0 (NaN and +-inf are nonzero),
 *                                    n <= 64
 *   any_nonzero(x, n) -> bool        some x[i] != 0, i < n (n >= 1)
 *   axpy(y, x, a, n)                 y[i] += a * x[i], i < n
 *   bias_act                         the ISA's bias_act kernel
 */
#ifndef SPARSENN_SRC_F32_SPMV_CSC16_CSC16_LOOP_H
#define SPARSENN_SRC_F32_SPMV_CSC16_CSC16_LOOP_H

#include <stdint.h>
#include <string.h>

namespace {

// Adds column k-range [k, end) times xc into the panel rows yp (offsets from the panel start).
// Offsets within a column are distinct, so four loads may run before four stores.
inline __attribute__((always_inline)) void snn_csc16_scatter(float* yp, const uint16_t* off,
                                                             const float* val, int64_t k,
                                                             int64_t end, float xc) {
  for (; k + 4 <= end; k += 4) {
    const uint32_t r0 = off[k], r1 = off[k + 1], r2 = off[k + 2], r3 = off[k + 3];
    const float y0 = yp[r0] + val[k] * xc;
    const float y1 = yp[r1] + val[k + 1] * xc;
    const float y2 = yp[r2] + val[k + 2] * xc;
    const float y3 = yp[r3] + val[k + 3] * xc;
    yp[r0] = y0;
    yp[r1] = y1;
    yp[r2] = y2;
    yp[r3] = y3;
  }
  for (; k < end; k++) yp[off[k]] += val[k] * xc;
}

// The panels overlapping [row_begin, row_end), each with its rows inside the range:
// body(panel, p0, lo, hi) where p0 is the panel's first row and [lo, hi) the rows to compute.
template <class Body>
inline __attribute__((always_inline)) void snn_csc16_panels(int32_t row_begin, int32_t row_end,
                                                            int32_t panel_rows, Body body) {
  if (row_begin >= row_end) return;
  for (int32_t p = row_begin / panel_rows; (int64_t)p * panel_rows < row_end; p++) {
    const int32_t p0 = p * panel_rows;
    const int32_t lo = row_begin > p0 ? row_begin : p0;
    const int32_t p1 = (int64_t)p0 + panel_rows < row_end ? p0 + panel_rows : row_end;
    body(p, p0, lo, p1);
  }
}

template <class Tile>
inline __attribute__((always_inline)) void snn_spmv_csc16_loop(
    int32_t row_begin, int32_t row_end, int32_t cols, int32_t panel_rows, const int32_t* col_ptr,
    const uint16_t* row_off, const float* values, const float* x, const float* bias, float* y,
    int32_t act, float alpha) {
  snn_csc16_panels(row_begin, row_end, panel_rows, [&](int32_t p, int32_t p0, int32_t lo,
                                                       int32_t hi) {
    memset(y + lo, 0, sizeof(float) * (size_t)(hi - lo));
    const int32_t* cp = col_ptr + (int64_t)p * cols;
    float* yp = y + p0;
    const bool whole = lo == p0 && hi - p0 == panel_rows;
    const uint32_t first = (uint32_t)(lo - p0), count = (uint32_t)(hi - lo);
    for (int32_t c0 = 0; c0 < cols; c0 += 64) {
      const int32_t n = cols - c0 < 64 ? cols - c0 : 64;
      uint64_t bits = Tile::nonzero_bits(x + c0, n);
      while (bits != 0) {
        const int32_t c = c0 + __builtin_ctzll(bits);
        bits &= bits - 1;
        const float xc = x[c];
        if (whole) {
          snn_csc16_scatter(yp, row_off, values, cp[c], cp[c + 1], xc);
        } else {
          for (int64_t k = cp[c]; k < cp[c + 1]; k++) {
            const uint32_t r = row_off[k];
            if (r - first < count) yp[r] += values[k] * xc;
          }
        }
      }
    }
  });
  Tile::bias_act(row_begin, row_end, 1, bias, y, act, alpha);
}

// Batched: a feature is skipped when it is zero in every sample; each nonzero weight then adds
// a vector over the batch into its row.
template <class Tile>
inline __attribute__((always_inline)) void snn_spmm_csc16_loop(
    int32_t row_begin, int32_t row_end, int32_t cols, int32_t panel_rows, const int32_t* col_ptr,
    const uint16_t* row_off, const float* values, const float* x, int32_t batch,
    const float* bias, float* y, int32_t act, float alpha) {
  const int64_t nb = batch;
  snn_csc16_panels(row_begin, row_end, panel_rows, [&](int32_t p, int32_t p0, int32_t lo,
                                                       int32_t hi) {
    memset(y + lo * nb, 0, sizeof(float) * (size_t)((hi - lo) * nb));
    const int32_t* cp = col_ptr + (int64_t)p * cols;
    float* yp = y + p0 * nb;
    const uint32_t first = (uint32_t)(lo - p0), count = (uint32_t)(hi - lo);
    for (int32_t c = 0; c < cols; c++) {
      const int64_t k0 = cp[c], k1 = cp[c + 1];
      if (k0 == k1) continue;
      const float* xc = x + c * nb;
      if (!Tile::any_nonzero(xc, batch)) continue;
      for (int64_t k = k0; k < k1; k++) {
        const uint32_t r = row_off[k];
        if (r - first < count) Tile::axpy(yp + r * nb, xc, values[k], batch);
      }
    }
  });
  Tile::bias_act(row_begin, row_end, batch, bias, y, act, alpha);
}

}  // namespace

#endif  // SPARSENN_SRC_F32_SPMV_CSC16_CSC16_LOOP_H
