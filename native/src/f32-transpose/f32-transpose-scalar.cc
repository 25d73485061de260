// Reference transpose, dst[c * rows + r] = src[r * cols + c], in 16 x 16 blocks so that both
// sides stay in a few cache lines while a block moves.
#include "snn-internal.h"

extern "C" void snn_f32_transpose__scalar(SNN_TRANSPOSE_PARAMS) {
  const int32_t kBlock = 16;
  for (int32_t r0 = 0; r0 < rows; r0 += kBlock) {
    const int32_t r1 = rows - r0 < kBlock ? rows : r0 + kBlock;
    for (int32_t c0 = 0; c0 < cols; c0 += kBlock) {
      const int32_t c1 = cols - c0 < kBlock ? cols : c0 + kBlock;
      for (int32_t c = c0; c < c1; c++) {
        for (int32_t r = r0; r < r1; r++) dst[(int64_t)c * rows + r] = src[(int64_t)r * cols + c];
      }
    }
  }
}
