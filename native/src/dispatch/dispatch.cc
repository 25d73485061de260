// CPU detection, one kernel table per ISA level, and the public snn_* entry points.
//
// Each table starts as the scalar table (the reference in every slot) and is overridden by the
// kernels its ISA has; the avx512 table starts from the avx2 one. Tables are built once, on
// first use (thread-safe static initialisation). Entry points validate only `isa` and `act`.
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "snn-internal.h"

namespace {

struct CpuFeatures {
  bool avx2;    // AVX2 + FMA (the avx2 kernels use both)
  bool avx512;  // AVX-512F/BW/VL on top of AVX2 + FMA (every AVX-512 CPU but Xeon Phi)
  bool neon;
};

CpuFeatures detect_cpu() {
  CpuFeatures f = {false, false, false};
#if defined(__x86_64__) || defined(_M_X64)
  __builtin_cpu_init();
  f.avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  f.avx512 = f.avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl");
#elif defined(__aarch64__)
  f.neon = true;  // baseline on arm64
#endif
  return f;
}

struct Tables {
  snn_kernel_table table[SNN_ISA_COUNT];
  bool supported[SNN_ISA_COUNT];
  int32_t best;
};

Tables build_tables() {
  Tables t;
  memset(&t, 0, sizeof(t));
  const CpuFeatures cpu = detect_cpu();

  snn_kernel_table scalar;
  scalar.spmv_csr = snn_f32_spmv_csr__scalar;
  scalar.spmv_csr16 = snn_f32_spmv_csr16__scalar;
  scalar.spmm_csr = snn_f32_spmm_csr__scalar;
  scalar.spmm_csr16 = snn_f32_spmm_csr16__scalar;
  scalar.gemv = snn_f32_gemv__scalar;
  scalar.gemm = snn_f32_gemm__scalar;
  scalar.gemm_packed = snn_f32_gemm_packed__scalar;
  scalar.bias_act = snn_f32_bias_act__scalar;
  scalar.softmax = snn_f32_softmax__scalar;
  scalar.transpose = snn_f32_transpose__scalar;
  for (int i = 0; i < SNN_ISA_COUNT; i++) t.table[i] = scalar;
  t.supported[SNN_ISA_SCALAR] = true;
  t.best = SNN_ISA_SCALAR;

#if defined(__x86_64__) || defined(_M_X64)
  snn_kernel_table avx2 = scalar;
  avx2.spmv_csr = snn_f32_spmv_csr__avx2;
  avx2.spmv_csr16 = snn_f32_spmv_csr16__avx2;
  avx2.spmm_csr = snn_f32_spmm_csr__avx2;
  avx2.spmm_csr16 = snn_f32_spmm_csr16__avx2;
  avx2.gemv = snn_f32_gemv__avx2;
  avx2.gemm = snn_f32_gemm__avx2;
  avx2.gemm_packed = snn_f32_gemm_packed__avx2;
  avx2.transpose = snn_f32_transpose__avx2;
  avx2.bias_act = snn_f32_bias_act__avx2;
  t.table[SNN_ISA_AVX2] = avx2;
  t.supported[SNN_ISA_AVX2] = cpu.avx2;

  snn_kernel_table avx512 = avx2;
  avx512.spmv_csr = snn_f32_spmv_csr__avx512;
  avx512.spmv_csr16 = snn_f32_spmv_csr16__avx512;
  avx512.spmm_csr = snn_f32_spmm_csr__avx512;
  avx512.spmm_csr16 = snn_f32_spmm_csr16__avx512;
  avx512.gemv = snn_f32_gemv__avx512;
  avx512.gemm = snn_f32_gemm__avx512;
  avx512.gemm_packed = snn_f32_gemm_packed__avx512;
  avx512.bias_act = snn_f32_bias_act__avx512;
  t.table[SNN_ISA_AVX512] = avx512;
  t.supported[SNN_ISA_AVX512] = cpu.avx512;

  if (cpu.avx2) t.best = SNN_ISA_AVX2;
  if (cpu.avx512) t.best = SNN_ISA_AVX512;
#elif defined(__aarch64__)
  snn_kernel_table neon = scalar;
  neon.spmv_csr = snn_f32_spmv_csr__neon;
  neon.spmv_csr16 = snn_f32_spmv_csr16__neon;
  neon.spmm_csr = snn_f32_spmm_csr__neon;
  neon.spmm_csr16 = snn_f32_spmm_csr16__neon;
  neon.gemv = snn_f32_gemv__neon;
  neon.gemm = snn_f32_gemm__neon;
  neon.gemm_packed = snn_f32_gemm_packed__neon;
  neon.bias_act = snn_f32_bias_act__neon;
  t.table[SNN_ISA_NEON] = neon;
  t.supported[SNN_ISA_NEON] = cpu.neon;
  if (cpu.neon) t.best = SNN_ISA_NEON;
#endif
  (void)cpu;
  return t;
}

const Tables& tables() {
  static const Tables t = build_tables();
  return t;
}

bool act_valid(int32_t act) { return act >= 0 && act < SNN_ACT_COUNT; }

}  // namespace

extern "C" const snn_kernel_table* snn_kernel_table_for(int32_t isa) {
  if (isa < 0 || isa >= SNN_ISA_COUNT) return NULL;
  const Tables& t = tables();
  return t.supported[isa] ? &t.table[isa] : NULL;
}

extern "C" {

const char* snn_version(void) { return "0.1.0"; }

int32_t snn_isa_supported(int32_t isa) { return snn_kernel_table_for(isa) != NULL ? 1 : 0; }

int32_t snn_isa_best(void) { return tables().best; }

const char* snn_isa_name(int32_t isa) {
  switch (isa) {
    case SNN_ISA_SCALAR:
      return "scalar";
    case SNN_ISA_AVX2:
      return "avx2";
    case SNN_ISA_AVX512:
      return "avx512";
    case SNN_ISA_NEON:
      return "neon";
    default:
      return "unknown";
  }
}

void* snn_aligned_alloc(int64_t bytes) {
  if (bytes < 0) return NULL;
  // Round up to a multiple of the alignment (aligned_alloc requires it; 0 becomes 64).
  const uint64_t size = ((uint64_t)bytes + 63u) & ~(uint64_t)63u;
  if (size < (uint64_t)bytes || size > (uint64_t)SIZE_MAX) return NULL;
  const bool huge = size >= SNN_HUGE_PAGE_BYTES;
  void* p = NULL;
  if (posix_memalign(&p, huge ? SNN_HUGE_PAGE_BYTES : 64, size == 0 ? 64 : (size_t)size) != 0) {
    return NULL;
  }
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  // Weight streams of a few MiB and more miss the TLB on every 4 KiB page, and the hardware
  // prefetchers stop at page boundaries. Where transparent huge pages are opt-in ("madvise",
  // the Debian default) nothing is huge unless asked; a refusal only costs speed.
  if (huge) madvise(p, (size_t)size, MADV_HUGEPAGE);
#endif
  memset(p, 0, size == 0 ? 64 : (size_t)size);
  return p;
}

void snn_aligned_free(void* pointer) { free(pointer); }

int32_t snn_f32_spmv_csr(int32_t isa, int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                         const int32_t* col_idx, const float* values, const float* x,
                         const float* bias, float* y, int32_t act, float alpha) {
  const snn_kernel_table* k = snn_kernel_table_for(isa);
  if (k == NULL) return SNN_ERR_ISA_UNSUPPORTED;
  if (!act_valid(act)) return SNN_ERR_BAD_ACTIVATION;
  k->spmv_csr(row_begin, row_end, row_ptr, col_idx, values, x, bias, y, act, alpha);
  return SNN_OK;
}

int32_t snn_f32_spmv_csr16(int32_t isa, int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                           const uint16_t* col_idx, const float* values, const float* x,
                           const float* bias, float* y, int32_t act, float alpha) {
  const snn_kernel_table* k = snn_kernel_table_for(isa);
  if (k == NULL) return SNN_ERR_ISA_UNSUPPORTED;
  if (!act_valid(act)) return SNN_ERR_BAD_ACTIVATION;
  k->spmv_csr16(row_begin, row_end, row_ptr, col_idx, values, x, bias, y, act, alpha);
  return SNN_OK;
}

int32_t snn_f32_spmm_csr(int32_t isa, int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                         const int32_t* col_idx, const float* values, const float* x, int32_t batch,
                         const float* bias, float* y, int32_t act, float alpha) {
  const snn_kernel_table* k = snn_kernel_table_for(isa);
  if (k == NULL) return SNN_ERR_ISA_UNSUPPORTED;
  if (!act_valid(act)) return SNN_ERR_BAD_ACTIVATION;
  k->spmm_csr(row_begin, row_end, row_ptr, col_idx, values, x, batch, bias, y, act, alpha);
  return SNN_OK;
}

int32_t snn_f32_spmm_csr16(int32_t isa, int32_t row_begin, int32_t row_end, const int32_t* row_ptr,
                           const uint16_t* col_idx, const float* values, const float* x,
                           int32_t batch, const float* bias, float* y, int32_t act, float alpha) {
  const snn_kernel_table* k = snn_kernel_table_for(isa);
  if (k == NULL) return SNN_ERR_ISA_UNSUPPORTED;
  if (!act_valid(act)) return SNN_ERR_BAD_ACTIVATION;
  k->spmm_csr16(row_begin, row_end, row_ptr, col_idx, values, x, batch, bias, y, act, alpha);
  return SNN_OK;
}

int32_t snn_f32_gemv(int32_t isa, int32_t row_begin, int32_t row_end, int32_t cols, const float* w,
                     const float* x, const float* bias, float* y, int32_t act, float alpha) {
  const snn_kernel_table* k = snn_kernel_table_for(isa);
  if (k == NULL) return SNN_ERR_ISA_UNSUPPORTED;
  if (!act_valid(act)) return SNN_ERR_BAD_ACTIVATION;
  k->gemv(row_begin, row_end, cols, w, x, bias, y, act, alpha);
  return SNN_OK;
}

int32_t snn_f32_gemm(int32_t isa, int32_t row_begin, int32_t row_end, int32_t cols, const float* w,
                     const float* x, int32_t batch, const float* bias, float* y, int32_t act,
                     float alpha) {
  const snn_kernel_table* k = snn_kernel_table_for(isa);
  if (k == NULL) return SNN_ERR_ISA_UNSUPPORTED;
  if (!act_valid(act)) return SNN_ERR_BAD_ACTIVATION;
  k->gemm(row_begin, row_end, cols, w, x, batch, bias, y, act, alpha);
  return SNN_OK;
}

int32_t snn_f32_gemm_packed(int32_t isa, int32_t row_begin, int32_t row_end, int32_t cols,
                            const float* wp, const float* x, int32_t batch, const float* bias,
                            float* y, int32_t act, float alpha) {
  const snn_kernel_table* k = snn_kernel_table_for(isa);
  if (k == NULL) return SNN_ERR_ISA_UNSUPPORTED;
  if (!act_valid(act)) return SNN_ERR_BAD_ACTIVATION;
  k->gemm_packed(row_begin, row_end, cols, wp, x, batch, bias, y, act, alpha);
  return SNN_OK;
}

int32_t snn_f32_bias_act(int32_t isa, int32_t row_begin, int32_t row_end, int32_t batch,
                         const float* bias, float* y, int32_t act, float alpha) {
  const snn_kernel_table* k = snn_kernel_table_for(isa);
  if (k == NULL) return SNN_ERR_ISA_UNSUPPORTED;
  if (!act_valid(act)) return SNN_ERR_BAD_ACTIVATION;
  k->bias_act(row_begin, row_end, batch, bias, y, act, alpha);
  return SNN_OK;
}

int32_t snn_f32_transpose(int32_t isa, int32_t rows, int32_t cols, const float* src,
                          float* dst) {
  const snn_kernel_table* k = snn_kernel_table_for(isa);
  if (k == NULL) return SNN_ERR_ISA_UNSUPPORTED;
  k->transpose(rows, cols, src, dst);
  return SNN_OK;
}

int32_t snn_f32_softmax(int32_t isa, int32_t features, int32_t batch, const float* x, float* y) {
  const snn_kernel_table* k = snn_kernel_table_for(isa);
  if (k == NULL) return SNN_ERR_ISA_UNSUPPORTED;
  k->softmax(features, batch, x, y);
  return SNN_OK;
}

}  // extern "C"
