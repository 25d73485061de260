// AVX-512 sell SpMV (layout: sparsenn/kernels.h). Per slice, 16 rows in the 16 lanes of two
// accumulators (even and odd slots: two FMA chains); per window, x's 64 inputs in four zmm and
// each slot's inputs selected by two vpermt2ps merged on offset bit 5: per 16 lanes one load of
// values, one of offsets (vpmovzxbd), the permutes and one FMA, no scalar load of x and no
// horizontal sum. Zen 4, SpmvBenchmark at 90% (JMH, bench/results/sell/): 4096 x 1024 44.8 us
// against csr16's 105.3, 300 x 784 1.85 against 5.49, 1024 x 784 6.2 against 19.2.
// Padding lanes hold zero values: when every input is finite they are multiplied (0 x finite
// adds +-0, so the sums are unchanged) and no mask is needed; otherwise a vcmpps != 0 per slot
// masks them off so that 0 x inf never makes a NaN (the masked loop is about 20% slower).
#if defined(__x86_64__)

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "math/avx512-math.h"
#include "snn-internal.h"

namespace {

// Whether x[0 .. cols) holds only finite values (v - v is 0 exactly when v is finite).
static inline bool sell_all_finite(const float* x, int32_t cols) {
  __mmask16 bad = 0;
  int32_t c = 0;
  for (; c + 16 <= cols; c += 16) {
    const __m512 v = _mm512_loadu_ps(x + c);
    bad |= _mm512_cmp_ps_mask(_mm512_sub_ps(v, v), _mm512_setzero_ps(), _CMP_NEQ_UQ);
  }
  if (c < cols) {
    const __mmask16 m = snn_avx512_tail_mask(cols - c);
    const __m512 v = _mm512_maskz_loadu_ps(m, x + c);
    bad |= _mm512_mask_cmp_ps_mask(m, _mm512_sub_ps(v, v), _mm512_setzero_ps(), _CMP_NEQ_UQ);
  }
  return bad == 0;
}

// The window's 64 inputs (zero beyond cols) and the selection of a slot's 16 from them.
struct SellWindow {
  __m512 x0, x1, x2, x3;
  inline __attribute__((always_inline)) SellWindow(const float* xw, int64_t avail) {
    if (avail >= SNN_SELL_WINDOW) {
      x0 = _mm512_loadu_ps(xw);
      x1 = _mm512_loadu_ps(xw + 16);
      x2 = _mm512_loadu_ps(xw + 32);
      x3 = _mm512_loadu_ps(xw + 48);
    } else {
      x0 = _mm512_maskz_loadu_ps(mask(avail, 0), xw);
      x1 = _mm512_maskz_loadu_ps(mask(avail, 1), xw + 16);
      x2 = _mm512_maskz_loadu_ps(mask(avail, 2), xw + 32);
      x3 = _mm512_maskz_loadu_ps(mask(avail, 3), xw + 48);
    }
  }
  static inline __mmask16 mask(int64_t avail, int j) {
    const int64_t n = avail - 16 * j;
    return n >= 16 ? (__mmask16)0xFFFF : n <= 0 ? (__mmask16)0 : snn_avx512_tail_mask(n);
  }
  // lane i: the input at offset idx[i] where k has bit i, else 0
  template <bool kMasked>
  inline __attribute__((always_inline)) __m512 select(__m512i idx, __mmask16 k) const {
    const __mmask16 upper = _mm512_test_epi32_mask(idx, _mm512_set1_epi32(32));
    if (kMasked) {
      const __m512 lo = _mm512_maskz_permutex2var_ps(k, x0, idx, x1);
      return _mm512_mask_mov_ps(lo, k & upper, _mm512_permutex2var_ps(x2, idx, x3));
    }
    const __m512 lo = _mm512_permutex2var_ps(x0, idx, x1);
    return _mm512_mask_mov_ps(lo, upper, _mm512_permutex2var_ps(x2, idx, x3));
  }
};

// acc + one slot (values v, offsets o) times its inputs.
template <bool kMasked>
static inline __attribute__((always_inline)) __m512 sell_slot(const SellWindow& w,
                                                              const float* v, const uint8_t* o,
                                                              __m512 acc) {
  const __m512 wv = _mm512_loadu_ps(v);
  const __m512i idx = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i*)o));
  const __mmask16 k =
      kMasked ? _mm512_cmp_ps_mask(wv, _mm512_setzero_ps(), _CMP_NEQ_UQ) : (__mmask16)0xFFFF;
  return _mm512_fmadd_ps(wv, w.select<kMasked>(idx, k), acc);
}

template <bool kMasked>
static void sell_slices(SNN_SPMV_SELL_PARAMS) {
  const int32_t windows = (cols + SNN_SELL_WINDOW - 1) / SNN_SELL_WINDOW;
  const __m512 valpha = _mm512_set1_ps(alpha);
  for (int32_t s = row_begin / 16; s * 16 < row_end; s++) {
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
    const uint8_t* counts = window_slots + (int64_t)s * windows;
    int64_t k = slice_slots[s];
    for (int32_t w = 0; w < windows; w++) {
      const int32_t n = counts[w];
      if (n == 0) continue;
      const int64_t base = (int64_t)w * SNN_SELL_WINDOW;
      const SellWindow win(x + base, cols - base);
      const float* v = values + 16 * k;
      const uint8_t* o = offsets + 16 * k;
      int32_t t = 0;
      for (; t + 2 <= n; t += 2) {
        a0 = sell_slot<kMasked>(win, v + 16 * t, o + 16 * t, a0);
        a1 = sell_slot<kMasked>(win, v + 16 * t + 16, o + 16 * t + 16, a1);
      }
      if (t < n) a0 = sell_slot<kMasked>(win, v + 16 * t, o + 16 * t, a0);
      k += n;
    }
    // epilogue: the lanes of the range with a row, their bias gathered, results scattered
    const int32_t first = s * 16;
    const int32_t skip = row_begin > first ? row_begin - first : 0;
    const int32_t n = row_end - first < 16 ? row_end - first : 16;
    const __mmask16 range = (__mmask16)(snn_avx512_tail_mask(n) & ~snn_avx512_tail_mask(skip));
    const __m512i rows = _mm512_maskz_loadu_epi32(range, lane_rows + first);
    const __mmask16 live =
        _mm512_mask_cmp_epi32_mask(range, rows, _mm512_setzero_si512(), _MM_CMPINT_NLT);
    __m512 sum = _mm512_add_ps(a0, a1);
    if (bias != NULL) {
      sum = _mm512_add_ps(sum, _mm512_mask_i32gather_ps(_mm512_setzero_ps(), live, rows, bias, 4));
    }
    _mm512_mask_i32scatter_ps(y, live, rows, snn_avx512_act(sum, act, valpha), 4);
  }
}

}  // namespace

extern "C" void snn_f32_spmv_sell__avx512(SNN_SPMV_SELL_PARAMS) {
  if (sell_all_finite(x, cols)) {
    sell_slices<false> SNN_SPMV_SELL_ARGS;
  } else {
    sell_slices<true> SNN_SPMV_SELL_ARGS;
  }
}

#endif  // __x86_64__
