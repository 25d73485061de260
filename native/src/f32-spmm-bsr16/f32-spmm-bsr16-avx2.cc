// AVX2 SpMM (feature-major batch) on the bsr16 format (kernels.h); the loops: f32-spmv-bsr16/bsr16-loop.h.
#if defined(__x86_64__)

#include "f32-spmv-bsr16/bsr16-avx2.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmm_bsr16__avx2(SNN_SPMM_PARAMS(uint16_t)) {
  snn_bsr16_loop<Bsr16Avx2, Bsr16Avx2>SNN_SPMM_ARGS;
}

#endif  // __x86_64__
