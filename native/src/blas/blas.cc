// Dense products through an OpenBLAS already loaded in the process: Java hands us the
// addresses of cblas_sgemv / cblas_sgemm (standard CBLAS signatures, enums as ints), we call
// them on the row range with beta = 0, then run the isa's bias_act kernel as the epilogue.
#include <atomic>

#include "snn-internal.h"

namespace {

// CBLAS enum values (cblas.h): CblasRowMajor = 101, CblasNoTrans = 111.
const int kCblasRowMajor = 101;
const int kCblasNoTrans = 111;

typedef void (*cblas_sgemv_fn)(int order, int trans, int m, int n, float alpha, const float* a,
                               int lda, const float* x, int incx, float beta, float* y, int incy);
typedef void (*cblas_sgemm_fn)(int order, int trans_a, int trans_b, int m, int n, int k,
                               float alpha, const float* a, int lda, const float* b, int ldb,
                               float beta, float* c, int ldc);

std::atomic<cblas_sgemv_fn> g_sgemv(nullptr);
std::atomic<cblas_sgemm_fn> g_sgemm(nullptr);

bool act_valid(int32_t act) { return act >= 0 && act < SNN_ACT_COUNT; }

}  // namespace

extern "C" {

int32_t snn_blas_bind(const void* cblas_sgemv, const void* cblas_sgemm) {
  g_sgemv.store(reinterpret_cast<cblas_sgemv_fn>(const_cast<void*>(cblas_sgemv)));
  g_sgemm.store(reinterpret_cast<cblas_sgemm_fn>(const_cast<void*>(cblas_sgemm)));
  return SNN_OK;
}

int32_t snn_blas_bound(void) {
  return g_sgemv.load() != nullptr && g_sgemm.load() != nullptr ? 1 : 0;
}

int32_t snn_f32_gemv_blas(int32_t isa, int32_t row_begin, int32_t row_end, int32_t cols,
                          const float* w, const float* x, const float* bias, float* y, int32_t act,
                          float alpha) {
  const snn_kernel_table* k = snn_kernel_table_for(isa);
  if (k == NULL) return SNN_ERR_ISA_UNSUPPORTED;
  if (!act_valid(act)) return SNN_ERR_BAD_ACTIVATION;
  const cblas_sgemv_fn sgemv = g_sgemv.load();
  if (sgemv == nullptr) return SNN_ERR_BLAS_UNBOUND;
  const int32_t rows = row_end - row_begin;
  if (rows <= 0) return SNN_OK;
  float* yr = y + row_begin;
  if (cols <= 0) {
    for (int32_t r = 0; r < rows; r++) yr[r] = 0.0f;
  } else {
    sgemv(kCblasRowMajor, kCblasNoTrans, rows, cols, 1.0f, w + (int64_t)row_begin * cols, cols, x,
          1, 0.0f, yr, 1);
  }
  k->bias_act_dense(row_begin, row_end, 1, bias, y, act, alpha);
  return SNN_OK;
}

int32_t snn_f32_gemm_blas(int32_t isa, int32_t row_begin, int32_t row_end, int32_t cols,
                          const float* w, const float* x, int32_t batch, const float* bias,
                          float* y, int32_t act, float alpha) {
  const snn_kernel_table* k = snn_kernel_table_for(isa);
  if (k == NULL) return SNN_ERR_ISA_UNSUPPORTED;
  if (!act_valid(act)) return SNN_ERR_BAD_ACTIVATION;
  const cblas_sgemm_fn sgemm = g_sgemm.load();
  if (sgemm == nullptr) return SNN_ERR_BLAS_UNBOUND;
  const int32_t rows = row_end - row_begin;
  if (rows <= 0 || batch <= 0) return SNN_OK;
  float* yr = y + (int64_t)row_begin * batch;
  if (cols <= 0) {
    for (int64_t i = 0; i < (int64_t)rows * batch; i++) yr[i] = 0.0f;
  } else {
    // C[rows x batch] = W_range[rows x cols] * X[cols x batch], all row-major.
    sgemm(kCblasRowMajor, kCblasNoTrans, kCblasNoTrans, rows, batch, cols, 1.0f,
          w + (int64_t)row_begin * cols, cols, x, batch, 0.0f, yr, batch);
  }
  k->bias_act_dense(row_begin, row_end, batch, bias, y, act, alpha);
  return SNN_OK;
}

}  // extern "C"
