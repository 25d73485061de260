/*
 * Internal declarations: the per-ISA kernels and the dispatch table.
 *
 * Kernels trust their arguments (see kernels.h for the layout invariants) and never fail, so
 * they return nothing; the public snn_* entry points in dispatch/ validate isa and act and
 * return the status. Plain C declarations only: nothing here may be instantiated inside an
 * ISA-flagged translation unit (see BUILD-NOTES.md).
 */
#ifndef SPARSENN_SRC_SNN_INTERNAL_H
#define SPARSENN_SRC_SNN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "sparsenn/kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*snn_f32_spmv_csr_fn)(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                                    const int32_t* col_idx, const float* values, const float* x,
                                    const float* bias, float* y, int32_t act, float alpha);
typedef void (*snn_f32_spmv_csr16_fn)(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                                      const uint16_t* col_idx, const float* values, const float* x,
                                      const float* bias, float* y, int32_t act, float alpha);
typedef void (*snn_f32_spmm_csr_fn)(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                                    const int32_t* col_idx, const float* values, const float* x,
                                    int32_t batch, const float* bias, float* y, int32_t act,
                                    float alpha);
typedef void (*snn_f32_spmm_csr16_fn)(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                                      const uint16_t* col_idx, const float* values, const float* x,
                                      int32_t batch, const float* bias, float* y, int32_t act,
                                      float alpha);
typedef void (*snn_f32_gemv_fn)(int32_t row_begin, int32_t row_end, int32_t cols, const float* w,
                                const float* x, const float* bias, float* y, int32_t act,
                                float alpha);
typedef void (*snn_f32_gemm_fn)(int32_t row_begin, int32_t row_end, int32_t cols, const float* w,
                                const float* x, int32_t batch, const float* bias, float* y,
                                int32_t act, float alpha);
typedef snn_f32_gemm_fn snn_f32_gemm_packed_fn; /* w: packed in 16-row panels (kernels.h) */
typedef void (*snn_f32_bias_act_fn)(int32_t row_begin, int32_t row_end, int32_t batch,
                                    const float* bias, float* y, int32_t act, float alpha);
typedef void (*snn_f32_transpose_fn)(int32_t rows, int32_t cols, const float* src, float* dst);
typedef void (*snn_f32_softmax_fn)(int32_t features, int32_t batch, const float* x, float* y);

/* One table per ISA level; every slot is always filled (scalar reference first). */
typedef struct snn_kernel_table {
  snn_f32_spmv_csr_fn spmv_csr;
  snn_f32_spmv_csr16_fn spmv_csr16;
  snn_f32_spmm_csr_fn spmm_csr;
  snn_f32_spmm_csr16_fn spmm_csr16;
  snn_f32_gemv_fn gemv;
  snn_f32_gemm_fn gemm;
  snn_f32_gemm_packed_fn gemm_packed;
  snn_f32_bias_act_fn bias_act;
  snn_f32_softmax_fn softmax;
  snn_f32_transpose_fn transpose;
} snn_kernel_table;

/* The table for `isa`, or NULL when this CPU/build cannot run it. */
const snn_kernel_table* snn_kernel_table_for(int32_t isa);

/* Per-ISA kernels. Only the kernels of ISAs compiled for this architecture are defined. */
/* scalar */
void snn_f32_transpose__scalar(int32_t rows, int32_t cols, const float* src, float* dst);
void snn_f32_spmv_csr__scalar(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                              const int32_t* col_idx, const float* values, const float* x,
                              const float* bias, float* y, int32_t act, float alpha);
void snn_f32_spmv_csr16__scalar(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                                const uint16_t* col_idx, const float* values, const float* x,
                                const float* bias, float* y, int32_t act, float alpha);
void snn_f32_spmm_csr__scalar(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                              const int32_t* col_idx, const float* values, const float* x,
                              int32_t batch, const float* bias, float* y, int32_t act, float alpha);
void snn_f32_spmm_csr16__scalar(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                                const uint16_t* col_idx, const float* values, const float* x,
                                int32_t batch, const float* bias, float* y, int32_t act,
                                float alpha);
void snn_f32_gemv__scalar(int32_t row_begin, int32_t row_end, int32_t cols, const float* w,
                          const float* x, const float* bias, float* y, int32_t act, float alpha);
void snn_f32_gemm__scalar(int32_t row_begin, int32_t row_end, int32_t cols, const float* w,
                          const float* x, int32_t batch, const float* bias, float* y,
                          int32_t act, float alpha);
void snn_f32_gemm_packed__scalar(int32_t row_begin, int32_t row_end, int32_t cols, const float* wp,
                          const float* x, int32_t batch, const float* bias, float* y,
                          int32_t act, float alpha);
void snn_f32_bias_act__scalar(int32_t row_begin, int32_t row_end, int32_t batch, const float* bias,
                              float* y, int32_t act, float alpha);

/* avx2 */
void snn_f32_spmv_csr__avx2(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                            const int32_t* col_idx, const float* values, const float* x,
                            const float* bias, float* y, int32_t act, float alpha);
void snn_f32_spmv_csr16__avx2(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                              const uint16_t* col_idx, const float* values, const float* x,
                              const float* bias, float* y, int32_t act, float alpha);
void snn_f32_spmm_csr__avx2(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                            const int32_t* col_idx, const float* values, const float* x,
                            int32_t batch, const float* bias, float* y, int32_t act, float alpha);
void snn_f32_spmm_csr16__avx2(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                              const uint16_t* col_idx, const float* values, const float* x,
                              int32_t batch, const float* bias, float* y, int32_t act, float alpha);
void snn_f32_gemv__avx2(int32_t row_begin, int32_t row_end, int32_t cols, const float* w,
                        const float* x, const float* bias, float* y, int32_t act, float alpha);
void snn_f32_gemm__avx2(int32_t row_begin, int32_t row_end, int32_t cols, const float* w,
                        const float* x, int32_t batch, const float* bias, float* y,
                        int32_t act, float alpha);
void snn_f32_gemm_packed__avx2(int32_t row_begin, int32_t row_end, int32_t cols, const float* wp,
                        const float* x, int32_t batch, const float* bias, float* y,
                        int32_t act, float alpha);
void snn_f32_transpose__avx2(int32_t rows, int32_t cols, const float* src, float* dst);
void snn_f32_bias_act__avx2(int32_t row_begin, int32_t row_end, int32_t batch, const float* bias,
                            float* y, int32_t act, float alpha);

/* avx512 */
void snn_f32_spmv_csr__avx512(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                              const int32_t* col_idx, const float* values, const float* x,
                              const float* bias, float* y, int32_t act, float alpha);
void snn_f32_spmv_csr16__avx512(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                                const uint16_t* col_idx, const float* values, const float* x,
                                const float* bias, float* y, int32_t act, float alpha);
void snn_f32_spmm_csr__avx512(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                              const int32_t* col_idx, const float* values, const float* x,
                              int32_t batch, const float* bias, float* y, int32_t act, float alpha);
void snn_f32_spmm_csr16__avx512(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                                const uint16_t* col_idx, const float* values, const float* x,
                                int32_t batch, const float* bias, float* y, int32_t act,
                                float alpha);
void snn_f32_gemv__avx512(int32_t row_begin, int32_t row_end, int32_t cols, const float* w,
                          const float* x, const float* bias, float* y, int32_t act, float alpha);
void snn_f32_gemm__avx512(int32_t row_begin, int32_t row_end, int32_t cols, const float* w,
                          const float* x, int32_t batch, const float* bias, float* y,
                          int32_t act, float alpha);
void snn_f32_gemm_packed__avx512(int32_t row_begin, int32_t row_end, int32_t cols, const float* wp,
                          const float* x, int32_t batch, const float* bias, float* y,
                          int32_t act, float alpha);
void snn_f32_bias_act__avx512(int32_t row_begin, int32_t row_end, int32_t batch, const float* bias,
                              float* y, int32_t act, float alpha);

/* neon */
void snn_f32_spmv_csr__neon(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                            const int32_t* col_idx, const float* values, const float* x,
                            const float* bias, float* y, int32_t act, float alpha);
void snn_f32_spmv_csr16__neon(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                              const uint16_t* col_idx, const float* values, const float* x,
                              const float* bias, float* y, int32_t act, float alpha);
void snn_f32_spmm_csr__neon(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                            const int32_t* col_idx, const float* values, const float* x,
                            int32_t batch, const float* bias, float* y, int32_t act, float alpha);
void snn_f32_spmm_csr16__neon(int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                              const uint16_t* col_idx, const float* values, const float* x,
                              int32_t batch, const float* bias, float* y, int32_t act, float alpha);
void snn_f32_gemv__neon(int32_t row_begin, int32_t row_end, int32_t cols, const float* w,
                        const float* x, const float* bias, float* y, int32_t act, float alpha);
void snn_f32_gemm__neon(int32_t row_begin, int32_t row_end, int32_t cols, const float* w,
                        const float* x, int32_t batch, const float* bias, float* y,
                        int32_t act, float alpha);
void snn_f32_gemm_packed__neon(int32_t row_begin, int32_t row_end, int32_t cols, const float* wp,
                        const float* x, int32_t batch, const float* bias, float* y,
                        int32_t act, float alpha);
void snn_f32_bias_act__neon(int32_t row_begin, int32_t row_end, int32_t batch, const float* bias,
                            float* y, int32_t act, float alpha);

void snn_f32_softmax__scalar(int32_t features, int32_t batch, const float* x, float* y);

#ifdef __cplusplus
}
#endif

#endif /* SPARSENN_SRC_SNN_INTERNAL_H */
