// Reference kernel for weights packed in 16-row panels (kernels.h): one fp32 accumulator per
// output, columns summed in order, like the other references; then the epilogue.
#include "f32-gemm-packed/packed-store.h"
#include "math/scalar-act.h"
#include "snn-internal.h"

extern "C" void snn_f32_gemm_packed__scalar(SNN_GEMM_PARAMS) {
  const int64_t nb = batch;
  for (int32_t r = row_begin; r < row_end; r++) {
    const float* wr = w + (int64_t)(r / SNN_PACKED_ROWS) * cols * SNN_PACKED_ROWS +
                     r % SNN_PACKED_ROWS;
    const float b = bias != NULL ? bias[r] : 0.0f;
    for (int64_t s = 0; s < nb; s++) {
      float acc = 0.0f;
      for (int32_t c = 0; c < cols; c++) acc += wr[(int64_t)c * SNN_PACKED_ROWS] * x[c * nb + s];
      y[r * nb + s] = snn_act_scalar(acc + b, act, alpha);
    }
  }
}
