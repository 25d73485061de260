// Reference kernel (used for every ISA): per column, max, then exp(x - max) and its sum, then
// scale. Feature-major layout, so a column is strided by `batch`; x and y may alias.
// A column holding NaN gives NaN; a column of all -inf gives NaN (-inf - -inf).
#include <math.h>

#include "snn-internal.h"

extern "C" void snn_f32_softmax__scalar(SNN_SOFTMAX_PARAMS) {
  const int64_t nb = batch;
  for (int64_t b = 0; b < nb; b++) {
    float max = -INFINITY;
    for (int64_t f = 0; f < features; f++) {
      const float v = x[f * nb + b];
      if (v > max || v != v) max = v;
      if (max != max) break;
    }
    float sum = 0.0f;
    for (int64_t f = 0; f < features; f++) {
      const float e = expf(x[f * nb + b] - max);
      y[f * nb + b] = e;
      sum += e;
    }
    const float scale = 1.0f / sum;
    for (int64_t f = 0; f < features; f++) y[f * nb + b] *= scale;
  }
}
