// Reference kernel: the recurrent gate epilogue one value at a time, with libm's expf / tanhf
// (the same formulas, term for term, as Java's gate math and gates-loop.h).
#include <math.h>

#include "math/scalar-act.h"
#include "snn-internal.h"

namespace {

float sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

}  // namespace

extern "C" void snn_f32_gates__scalar(SNN_GATES_PARAMS) {
  const int64_t nb = batch;
  const int64_t pgate = (int64_t)hidden * projected_stride;
  const int64_t qgate = (int64_t)hidden * nb;
  for (int32_t j = 0; j < hidden; j++) {
    for (int64_t b = 0; b < nb; b++) {
      const float* p = projected + (int64_t)j * projected_stride + b;
      const float* q = product + (int64_t)j * nb + b;
      const int64_t s = (int64_t)j * nb + b;
      float* o = out != NULL ? out + (int64_t)j * out_stride + b : NULL;
      float hn;
      switch (cell) {
        case SNN_CELL_LSTM: {
          const float in = sigmoid(p[0] + q[0]);
          const float og = sigmoid(p[pgate] + q[qgate]);
          const float f = sigmoid(p[2 * pgate] + q[2 * qgate]);
          const float g = tanhf(p[3 * pgate] + q[3 * qgate]);
          c[s] = f * c[s] + in * g;
          hn = og * tanhf(c[s]);
          break;
        }
        case SNN_CELL_GRU: {
          const float z = sigmoid(p[0] + q[0]);
          const float r = sigmoid(p[pgate] + q[qgate]);
          const float g = tanhf(p[2 * pgate] + r * q[2 * qgate]);
          hn = (1.0f - z) * g + z * h[s];
          break;
        }
        case SNN_CELL_GRU_RESET: {
          const float z = sigmoid(p[0] + q[0]);
          const float r = sigmoid(p[pgate] + q[qgate]);
          c[s] = z;
          if (o != NULL) *o = r * h[s];
          continue;
        }
        case SNN_CELL_GRU_CANDIDATE: {
          const float z = c[s];
          const float g = tanhf(p[2 * pgate] + q[0]);
          hn = (1.0f - z) * g + z * h[s];
          break;
        }
        case SNN_CELL_RNN:
          hn = snn_act_scalar(p[0] + q[0], act, 0.0f);
          break;
        default:
          return;
      }
      h[s] = hn;
      if (o != NULL) *o = hn;
    }
  }
}
