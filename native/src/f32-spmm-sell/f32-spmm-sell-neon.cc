// NEON sell SpMM: the shared batched loop (spmm-sell-loop.h), 4 samples per vector block.
#if defined(__aarch64__)

#include "f32-spmm-sell/spmm-sell-loop.h"

extern "C" void snn_f32_spmm_sell__neon(SNN_SPMM_SELL_PARAMS) {
  snn_spmm_sell_loop<4> SNN_SPMM_SELL_ARGS;
}

#endif  // __aarch64__
