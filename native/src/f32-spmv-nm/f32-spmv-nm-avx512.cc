// AVX-512 N:M SpMV (layout: sparsenn/kernels.h). Each 16-slot block selects its 16 inputs from
// the block's window of x with permutes driven by the uint8 offsets (widened with vpmovzxbd),
// instead of one scalar load per nonzero: window <= 16 one vpermps, <= 32 (2:4, 4:8) one
// vpermt2ps, <= 64 (1:4, 2:8) two vpermt2ps merged on offset bit 5; wider windows a masked
// vgatherdps (slow on Zen 4, but those patterns keep 1 weight in 8 or fewer). Zero slots are
// masked off in the permute (vcmpps != 0), so they add exactly 0 whatever x holds. Four rows
// share each block's window loads (Zen 4 loads one zmm per cycle: the window, not the permute,
// bounded the one-row loop); window loads are masked only in the blocks that reach past x's end.
// One accumulator per row, one reduce per row, the epilogue on 16 row sums at once.
// Zen 4 (native/bench/nm_bench.cc, min of many runs on a loaded machine), 2:4 1024x1024:
// 34 us against csr16 103 us and dense_packed 45 us; 4096x4096 from DRAM: 1.6 ms against csr16
// 2.1 ms, but dense_packed 1.5 ms (it streams 64 MB at ~45 GB/s, this 42 MB at ~26).
#if defined(__x86_64__)

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "math/avx512-math.h"
#include "snn-internal.h"


namespace {

// Rows that share each block's window loads (1, 2, 4, 8 rows measured: 4 is 20-35% faster than
// 1 on 2:4 and 1:4 layers in L2, 8 no better), and how many blocks ahead each row's values and
// offsets are prefetched (32 blocks, 2 KiB of values: +25% on a 4096x4096 2:4 layer from DRAM,
// neutral in cache; 8 and 16 gave less).
constexpr int kNmRows = 4;
constexpr int32_t kNmPrefetchBlocks = 32;

// Floats of x readable from window start `avail` as a lane mask for the j-th 16-float load.
static inline __mmask16 nm_load_mask(int64_t avail, int j) {
  const int64_t n = avail - 16 * j;
  return n >= 16 ? (__mmask16)0xFFFF : n <= 0 ? (__mmask16)0 : snn_avx512_tail_mask(n);
}

// The window of one block: kLoads 16-float loads (kMasked: only `avail` floats, the rest 0).
template <int kLoads, bool kMasked>
struct NmWindow {
  __m512 v[kLoads > 0 ? kLoads : 1];
  const float* xw;
  inline __attribute__((always_inline)) NmWindow(const float* x, int64_t avail) : xw(x) {
    for (int j = 0; j < kLoads; j++) {
      v[j] = kMasked ? _mm512_maskz_loadu_ps(nm_load_mask(avail, j), x + 16 * j)
                     : _mm512_loadu_ps(x + 16 * j);
    }
  }
  // lane i is xw[idx[i]] where k has bit i, else 0 (kLoads 0: a masked gather)
  inline __attribute__((always_inline)) __m512 select(__m512i idx, __mmask16 k) const {
    if (kLoads == 1) return _mm512_maskz_permutexvar_ps(k, idx, v[0]);
    if (kLoads == 2) return _mm512_maskz_permutex2var_ps(k, v[0], idx, v[kLoads > 1 ? 1 : 0]);
    if (kLoads == 4) {
      const __m512 lo = _mm512_maskz_permutex2var_ps(k, v[0], idx, v[kLoads > 1 ? 1 : 0]);
      const __m512 hi = _mm512_permutex2var_ps(v[kLoads > 2 ? 2 : 0], idx, v[kLoads > 3 ? 3 : 0]);
      const __mmask16 upper = k & _mm512_test_epi32_mask(idx, _mm512_set1_epi32(32));
      return _mm512_mask_mov_ps(lo, upper, hi);
    }
    return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), k, idx, xw, 4);
  }
};

// acc + the block's 16 slots (values v, offsets o) times their inputs from the window.
template <int kLoads, bool kMasked>
static inline __attribute__((always_inline)) __m512 nm_block(const NmWindow<kLoads, kMasked>& w,
                                                             const float* v, const uint8_t* o,
                                                             __m512 acc) {
  const __m512 wv = _mm512_loadu_ps(v);
  const __mmask16 k = _mm512_cmp_ps_mask(wv, _mm512_setzero_ps(), _CMP_NEQ_UQ);
  const __m512i idx = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i*)o));
  return _mm512_fmadd_ps(wv, w.select(idx, k), acc);
}

// Blocks [b0, b1) of kRows rows (slots v[i], o[i] of row i) into acc[i].
template <int kRows, int kLoads, bool kMasked>
static inline __attribute__((always_inline)) void nm_blocks(int32_t b0, int32_t b1,
                                                            const float* const* v,
                                                            const uint8_t* const* o,
                                                            const float* x, int32_t window,
                                                            int32_t cols, __m512* acc) {
  for (int32_t b = b0; b < b1; b++) {
    const int64_t base = (int64_t)b * window;
    const NmWindow<kLoads, kMasked> w(x + base, cols - base);
    if (b + kNmPrefetchBlocks < b1) {  // inside the row: never past the arrays
      for (int i = 0; i < kRows; i++) {
        _mm_prefetch((const char*)(v[i] + 16 * (b + kNmPrefetchBlocks)), _MM_HINT_T0);
        // a 64-byte line holds the offsets of 4 blocks
        if ((b & 3) == 0) {
          _mm_prefetch((const char*)(o[i] + 16 * (b + kNmPrefetchBlocks)), _MM_HINT_T0);
        }
      }
    }
    for (int i = 0; i < kRows; i++) acc[i] = nm_block(w, v[i] + 16 * b, o[i] + 16 * b, acc[i]);
  }
}

// kRows rows at once, sharing each block's window loads; their sums into sums[0 .. kRows).
template <int kRows, int kLoads>
static inline __attribute__((always_inline)) void nm_row_group(
    int32_t r, int32_t blocks, int32_t full, int32_t cols, int32_t window, int32_t row_slots,
    const uint8_t* offsets, const float* values, const float* x, float* sums) {
  const float* v[kRows];
  const uint8_t* o[kRows];
  __m512 acc[kRows];
  for (int i = 0; i < kRows; i++) {
    v[i] = values + (int64_t)(r + i) * row_slots;
    o[i] = offsets + (int64_t)(r + i) * row_slots;
    acc[i] = _mm512_setzero_ps();
  }
  nm_blocks<kRows, kLoads, false>(0, full, v, o, x, window, cols, acc);
  nm_blocks<kRows, kLoads, true>(full, blocks, v, o, x, window, cols, acc);
  for (int i = 0; i < kRows; i++) sums[i] = _mm512_reduce_add_ps(acc[i]);
}

template <int kLoads>
static void nm_rows(SNN_SPMV_NM_PARAMS) {
  constexpr int kRows = kNmRows;
  const int32_t blocks = row_slots / 16;
  // blocks whose whole window load stays inside x (a gather reads only real slots' columns)
  const int64_t span = 16 * kLoads;
  int32_t full = blocks;
  if (kLoads > 0) {
    full = cols < span ? 0 : (int32_t)((cols - span) / window + 1);
    if (full > blocks) full = blocks;
  }
  const __m512 valpha = _mm512_set1_ps(alpha);
  float sums[16];
  for (int32_t r0 = row_begin; r0 < row_end; r0 += 16) {
    const int32_t n = row_end - r0 < 16 ? row_end - r0 : 16;
    int32_t i = 0;
    for (; i + kRows <= n; i += kRows) {
      nm_row_group<kRows, kLoads>(r0 + i, blocks, full, cols, window, row_slots, offsets, values,
                                  x, sums + i);
    }
    for (; i < n; i++) {
      nm_row_group<1, kLoads>(r0 + i, blocks, full, cols, window, row_slots, offsets, values, x,
                              sums + i);
    }
    snn_avx512_store_rows(y, bias, r0, n, sums, act, valpha);
  }
}

}  // namespace

extern "C" void snn_f32_spmv_nm__avx512(SNN_SPMV_NM_PARAMS) {
  if (window <= 16) {
    nm_rows<1> SNN_SPMV_NM_ARGS;
  } else if (window <= 32) {
    nm_rows<2> SNN_SPMV_NM_ARGS;
  } else if (window <= 64) {
    nm_rows<4> SNN_SPMV_NM_ARGS;
  } else {
    nm_rows<0> SNN_SPMV_NM_ARGS;
  }
}

#endif  // __x86_64__
