// Reference kernel: for each row, blocks of up to 16 samples accumulate over the columns in
// order (one fp32 accumulator per output, like the gemv and spmm references), then the epilogue.
#include "math/scalar-act.h"
#include "snn-internal.h"

extern "C" void snn_f32_gemm__scalar(SNN_GEMM_PARAMS) {
  const int64_t nb = batch;
  for (int32_t r = row_begin; r < row_end; r++) {
    const float* wr = w + (int64_t)r * cols;
    const float b = bias != NULL ? bias[r] : 0.0f;
    for (int64_t b0 = 0; b0 < nb; b0 += 16) {
      const int64_t n = nb - b0 < 16 ? nb - b0 : 16;
      float acc[16] = {0.0f};
      for (int32_t c = 0; c < cols; c++) {
        const float* xc = x + (int64_t)c * nb + b0;
        for (int64_t j = 0; j < n; j++) acc[j] += wr[c] * xc[j];
      }
      float* yr = y + (int64_t)r * nb + b0;
      for (int64_t j = 0; j < n; j++) yr[j] = snn_act_scalar(acc[j] + b, act, alpha);
    }
  }
}
