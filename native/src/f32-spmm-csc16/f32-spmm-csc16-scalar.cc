// Reference kernel: the batched csc16 loop (f32-spmv-csc16/csc16-loop.h) with plain loops.
#include "f32-spmv-csc16/csc16-scalar.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmm_csc16__scalar(SNN_SPMM_CSC16_PARAMS) {
  snn_spmm_csc16_loop<Csc16Scalar> SNN_SPMM_CSC16_ARGS;
}
