/*
 * Shared by the f32-gemm-packed kernels: the store of one register tile. A tile's results
 * come out of the registers one sample at a time, 16 rows each (tmp[p][b][i] = row 16p + i of
 * sample b), while y is row-major over the batch (y[r * batch + b]), so the store transposes.
 * Plain C over arrays: safe to include from any ISA-flagged file (static, no intrinsics).
 */
#ifndef SPARSENN_SRC_F32_GEMM_PACKED_PACKED_STORE_H
#define SPARSENN_SRC_F32_GEMM_PACKED_PACKED_STORE_H

#include <stdint.h>

#define SNN_PACKED_ROWS 16

/* Rows [lo, hi) of a tile of `panels` panels and `nb_tile` samples, from tmp (finished values)
 * into y at the tile's first row and first sample; `batch` is y's row stride. */
static inline void snn_packed_store_tile(const float* tmp, int32_t panels, int32_t nb_tile,
                                         int32_t lo, int32_t hi, float* y, int64_t batch) {
  for (int32_t p = 0; p < panels; p++) {
    const float* tp = tmp + (int64_t)p * nb_tile * SNN_PACKED_ROWS;
    int32_t i0 = lo - p * SNN_PACKED_ROWS;
    int32_t i1 = hi - p * SNN_PACKED_ROWS;
    if (i0 < 0) i0 = 0;
    if (i1 > SNN_PACKED_ROWS) i1 = SNN_PACKED_ROWS;
    for (int32_t i = i0; i < i1; i++) {
      float* yr = y + (int64_t)(p * SNN_PACKED_ROWS + i) * batch;
      for (int32_t b = 0; b < nb_tile; b++) yr[b] = tp[b * SNN_PACKED_ROWS + i];
    }
  }
}

#endif  // SPARSENN_SRC_F32_GEMM_PACKED_PACKED_STORE_H
