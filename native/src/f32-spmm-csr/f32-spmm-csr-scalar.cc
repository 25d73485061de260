// Reference kernel, int32 column indices: for each row and each sample, one accumulator over the
// row's nonzeros. The kernel and its notes: f32-spmm-csr-scalar.h.
#include "f32-spmm-csr/f32-spmm-csr-scalar.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmm_csr__scalar(SNN_SPMM_PARAMS(int32_t)) {
  snn_f32_spmm_csr_scalar<int32_t>(row_begin, row_end, row_ptr, col_idx, values, x, batch, bias, y,
                                   act, alpha);
}
