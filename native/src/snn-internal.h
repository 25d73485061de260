/*
 * Internal declarations: the per-ISA kernels and the dispatch table, derived from the registry
 * kernels.inc (see there).
 *
 * Kernels trust their arguments (see kernels.h for the layout invariants) and never fail, so
 * they return nothing; the public snn_* entry points in dispatch/ validate isa and act and
 * return the status. Plain C declarations only: nothing here may be instantiated inside an
 * ISA-flagged translation unit (see docs/build-notes.md).
 */
#ifndef SPARSENN_SRC_SNN_INTERNAL_H
#define SPARSENN_SRC_SNN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "sparsenn/kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The parameter list of each operation's kernels, written once (names included, so that a
 * definition can forward them with the matching SNN_*_ARGS); kernels.inc pairs them with slots.
 * The sparse ones take the column index type. */
#define SNN_SPMV_PARAMS(Index)                                                                \
  int32_t row_begin, int32_t row_end, const int32_t *row_ptr, const Index *col_idx,          \
      const float *values, const float *x, const float *bias, float *y, int32_t act, float alpha
#define SNN_SPMV_ARGS (row_begin, row_end, row_ptr, col_idx, values, x, bias, y, act, alpha)
#define SNN_SPMM_PARAMS(Index)                                                                \
  int32_t row_begin, int32_t row_end, const int32_t *row_ptr, const Index *col_idx,          \
      const float *values, const float *x, int32_t batch, const float *bias, float *y,       \
      int32_t act, float alpha
#define SNN_SPMM_ARGS \
  (row_begin, row_end, row_ptr, col_idx, values, x, batch, bias, y, act, alpha)
/* The CSR operations with bf16 values (snn_bf16), same arguments. */
#define SNN_SPMV_BF16_PARAMS(Index)                                                           \
  int32_t row_begin, int32_t row_end, const int32_t *row_ptr, const Index *col_idx,          \
      const snn_bf16 *values, const float *x, const float *bias, float *y, int32_t act,      \
      float alpha
#define SNN_SPMM_BF16_PARAMS(Index)                                                           \
  int32_t row_begin, int32_t row_end, const int32_t *row_ptr, const Index *col_idx,          \
      const snn_bf16 *values, const float *x, int32_t batch, const float *bias, float *y,    \
      int32_t act, float alpha
#define SNN_GEMV_PARAMS                                                                       \
  int32_t row_begin, int32_t row_end, int32_t cols, const float *w, const float *x,          \
      const float *bias, float *y, int32_t act, float alpha
#define SNN_GEMV_ARGS (row_begin, row_end, cols, w, x, bias, y, act, alpha)
/* Dense weights row-major, or in the layout the slot's format names (kernels.h). */
#define SNN_GEMM_PARAMS                                                                       \
  int32_t row_begin, int32_t row_end, int32_t cols, const float *w, const float *x,          \
      int32_t batch, const float *bias, float *y, int32_t act, float alpha
#define SNN_GEMM_ARGS (row_begin, row_end, cols, w, x, batch, bias, y, act, alpha)
#define SNN_BIAS_ACT_PARAMS                                                                   \
  int32_t row_begin, int32_t row_end, int32_t batch, const float *bias, float *y, int32_t act, \
      float alpha
#define SNN_BIAS_ACT_ARGS (row_begin, row_end, batch, bias, y, act, alpha)
#define SNN_SOFTMAX_PARAMS int32_t features, int32_t batch, const float *x, float *y
#define SNN_SOFTMAX_ARGS (features, batch, x, y)
#define SNN_TRANSPOSE_PARAMS int32_t rows, int32_t cols, const float *src, float *dst
#define SNN_TRANSPOSE_ARGS (rows, cols, src, dst)
#define SNN_SPMV_CSC16_PARAMS                                                                 \
  int32_t row_begin, int32_t row_end, int32_t cols, int32_t panel_rows, const int32_t *col_ptr, \
      const uint16_t *row_off, const float *values, const float *x, const float *bias, float *y, \
      int32_t act, float alpha
#define SNN_SPMV_CSC16_ARGS \
  (row_begin, row_end, cols, panel_rows, col_ptr, row_off, values, x, bias, y, act, alpha)
#define SNN_SPMM_CSC16_PARAMS                                                                 \
  int32_t row_begin, int32_t row_end, int32_t cols, int32_t panel_rows, const int32_t *col_ptr, \
      const uint16_t *row_off, const float *values, const float *x, int32_t batch,             \
      const float *bias, float *y, int32_t act, float alpha
#define SNN_SPMM_CSC16_ARGS                                                                   \
  (row_begin, row_end, cols, panel_rows, col_ptr, row_off, values, x, batch, bias, y, act, alpha)
/* N:M: the slot layout of kernels.h. */
#define SNN_SPMV_NM_PARAMS                                                                    \
  int32_t row_begin, int32_t row_end, int32_t cols, int32_t window, int32_t row_slots,       \
      const uint8_t *offsets, const float *values, const float *x, const float *bias,        \
      float *y, int32_t act, float alpha
#define SNN_SPMV_NM_ARGS \
  (row_begin, row_end, cols, window, row_slots, offsets, values, x, bias, y, act, alpha)
#define SNN_SPMM_NM_PARAMS                                                                    \
  int32_t row_begin, int32_t row_end, int32_t cols, int32_t window, int32_t row_slots,       \
      const uint8_t *offsets, const float *values, const float *x, int32_t batch,            \
      const float *bias, float *y, int32_t act, float alpha
#define SNN_SPMM_NM_ARGS \
  (row_begin, row_end, cols, window, row_slots, offsets, values, x, batch, bias, y, act, alpha)

/* Sliced ELL over input windows: the layout of kernels.h. */
#define SNN_SPMV_SELL_PARAMS                                                                  \
  int32_t row_begin, int32_t row_end, int32_t cols, const int32_t *lane_rows,                \
      const int32_t *slice_slots, const uint8_t *window_slots, const uint8_t *offsets,       \
      const float *values, const float *x, const float *bias, float *y, int32_t act,         \
      float alpha
#define SNN_SPMV_SELL_ARGS                                                                    \
  (row_begin, row_end, cols, lane_rows, slice_slots, window_slots, offsets, values, x, bias, \
   y, act, alpha)
#define SNN_SPMM_SELL_PARAMS                                                                  \
  int32_t row_begin, int32_t row_end, int32_t cols, const int32_t *lane_rows,                \
      const int32_t *slice_slots, const uint8_t *window_slots, const uint8_t *offsets,       \
      const float *values, const float *x, int32_t batch, const float *bias, float *y,       \
      int32_t act, float alpha
#define SNN_SPMM_SELL_ARGS                                                                    \
  (row_begin, row_end, cols, lane_rows, slice_slots, window_slots, offsets, values, x, batch, \
   bias, y, act, alpha)

/* The recurrent gate epilogue (kernels.h, snn_f32_gates). */
#define SNN_GATES_PARAMS                                                                      \
  int32_t cell, int32_t hidden, int32_t batch, const float *projected,                       \
      int64_t projected_stride, const float *product, float *h, float *c, float *out,        \
      int64_t out_stride, int32_t act
#define SNN_GATES_ARGS \
  (cell, hidden, batch, projected, projected_stride, product, h, c, out, out_stride, act)

/* A function type per slot, snn_<op>_<format>_kernel (the kernels' prototypes below). */
#define SNN_SLOT(op, format, entry, params, args, act) \
  typedef void snn_##op##_##format##_kernel(params);
#include "kernels.inc"

/* One table per ISA level; every slot is always filled (scalar reference first). The slot of
 * operation op on weight format f is named op_f. */
typedef struct snn_kernel_table {
#define SNN_SLOT(op, format, entry, params, args, act) snn_##op##_##format##_kernel* op##_##format;
#include "kernels.inc"
} snn_kernel_table;

/* The table for `isa`, or NULL when this CPU/build cannot run it. */
const snn_kernel_table* snn_kernel_table_for(int32_t isa);

/* Every registered kernel. Only those of ISAs compiled for this architecture are defined. */
#define SNN_KERNEL(op, format, isa, fn) snn_##op##_##format##_kernel fn;
#include "kernels.inc"

/* SNN_IF_<isa>(code): code where this architecture compiles that ISA's kernels, else nothing.
 * SNN_ISA_ID_<isa>: the SNN_ISA_* number of a registry ISA name. */
#define SNN_IF_scalar(...) __VA_ARGS__
#if defined(__x86_64__) || defined(_M_X64)
#define SNN_IF_avx2(...) __VA_ARGS__
#define SNN_IF_avx512(...) __VA_ARGS__
#define SNN_IF_neon(...)
#elif defined(__aarch64__)
#define SNN_IF_avx2(...)
#define SNN_IF_avx512(...)
#define SNN_IF_neon(...) __VA_ARGS__
#else
#define SNN_IF_avx2(...)
#define SNN_IF_avx512(...)
#define SNN_IF_neon(...)
#endif
#define SNN_ISA_ID_scalar SNN_ISA_SCALAR
#define SNN_ISA_ID_avx2 SNN_ISA_AVX2
#define SNN_ISA_ID_avx512 SNN_ISA_AVX512
#define SNN_ISA_ID_neon SNN_ISA_NEON

#ifdef __cplusplus
}
#endif

#endif /* SPARSENN_SRC_SNN_INTERNAL_H */
