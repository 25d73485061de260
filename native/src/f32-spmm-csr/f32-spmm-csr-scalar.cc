// Reference kernel, int32 column indices: for each row and each sample, one accumulator over the
// row's nonzeros. The tile and its notes: f32-spmm-csr-scalar.h.
#include "f32-spmm-csr/f32-spmm-csr-scalar.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmm_csr__scalar(SNN_SPMM_PARAMS(int32_t)) {
  snn_spmm_csr_loop<SpmmCsrScalar> SNN_SPMM_ARGS;
}
