// Reference kernel: the csc16 loop (csc16-loop.h) with plain loops.
#include "f32-spmv-csc16/csc16-scalar.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmv_csc16__scalar(SNN_SPMV_CSC16_PARAMS) {
  snn_spmv_csc16_loop<Csc16Scalar> SNN_SPMV_CSC16_ARGS;
}
