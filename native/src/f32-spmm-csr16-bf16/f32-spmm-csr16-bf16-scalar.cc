// Reference CSR SpMM, uint16 column indices, bf16 values widened exactly to fp32, batch
// contiguous. The tile: f32-spmm-csr/f32-spmm-csr-scalar.h.
#include "f32-spmm-csr/f32-spmm-csr-scalar.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmm_csr16_bf16__scalar(SNN_SPMM_BF16_PARAMS(uint16_t)) {
  snn_spmm_csr_loop<SpmmCsrScalar> SNN_SPMM_ARGS;
}
