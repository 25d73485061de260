// NEON CSR SpMM, uint16 column indices, batch contiguous: register blocks of 16 samples (4 q), then
// 4, then scalar. The kernel and its notes: f32-spmm-csr/f32-spmm-csr-neon.h.
#if defined(__aarch64__)

#include "f32-spmm-csr/f32-spmm-csr-neon.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmm_csr16__neon(SNN_SPMM_PARAMS(uint16_t)) {
  snn_f32_spmm_csr_neon<uint16_t>(row_begin, row_end, row_ptr, col_idx, values, x, batch, bias, y,
                                  act, alpha);
}

#endif  // __aarch64__
