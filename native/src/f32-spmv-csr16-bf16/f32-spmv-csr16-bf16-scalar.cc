// Reference kernel, uint16 column indices, bf16 values widened exactly to fp32: one row at a
// time, one accumulator, the order of the nonzeros. The tile: f32-spmv-csr/f32-spmv-csr-scalar.h.
#include "f32-spmv-csr/f32-spmv-csr-scalar.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmv_csr16_bf16__scalar(SNN_SPMV_BF16_PARAMS(uint16_t)) {
  snn_spmv_csr_loop<SpmvCsrScalar> SNN_SPMV_ARGS;
}
