// NEON SpMM (feature-major batch) on the bsr16 format (kernels.h); the loops: f32-spmv-bsr16/bsr16-loop.h.
#if defined(__aarch64__)

#include "f32-spmv-bsr16/bsr16-neon.h"
#include "snn-internal.h"

extern "C" void snn_f32_spmm_bsr16__neon(SNN_SPMM_PARAMS(uint16_t)) {
  snn_bsr16_loop<Bsr16Neon, Bsr16Neon>SNN_SPMM_ARGS;
}

#endif  // __aarch64__
