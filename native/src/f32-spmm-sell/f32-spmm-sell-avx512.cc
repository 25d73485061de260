// AVX-512 sell SpMM: the shared batched loop (spmm-sell-loop.h), 16 samples per vector block.
#if defined(__x86_64__)

#include "f32-spmm-sell/spmm-sell-loop.h"

extern "C" void snn_f32_spmm_sell__avx512(SNN_SPMM_SELL_PARAMS) {
  snn_spmm_sell_loop<16> SNN_SPMM_SELL_ARGS;
}

#endif  // __x86_64__
