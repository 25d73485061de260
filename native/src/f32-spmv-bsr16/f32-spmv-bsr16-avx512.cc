// AVX-512 SpMV (batch 1) on the bsr16 format (kernels.h); the loops: f32-spmv-bsr16/bsr16-loop.h.
#if defined(__x86_64__)

#include "f32-spmv-bsr16/bsr16-avx512.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmv_bsr16__avx512(SNN_SPMV_PARAMS(uint16_t)) {
  snn_bsr16_loop<Bsr16Avx512, Bsr16Avx512>(row_begin, row_end, row_ptr, col_idx, values, x, 1, bias, y, act, alpha);
}

#endif  // __x86_64__
