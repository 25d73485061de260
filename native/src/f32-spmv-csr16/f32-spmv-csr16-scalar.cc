// Reference kernel, uint16 column indices: one row at a time, one accumulator, the order of the
// nonzeros. The tile and its notes: f32-spmv-csr/f32-spmv-csr-scalar.h.
#include "f32-spmv-csr/f32-spmv-csr-scalar.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmv_csr16__scalar(SNN_SPMV_PARAMS(uint16_t)) {
  snn_spmv_csr_loop<SpmvCsrScalar> SNN_SPMV_ARGS;
}
