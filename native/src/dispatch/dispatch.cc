// CPU detection, one kernel table per ISA level, and the public snn_* entry points.
//
// The tables and the snn_f32_* entry points come from the registry (kernels.inc). Each table
// starts as its parent's (scalar: the reference in every slot; avx2 and neon: scalar; avx512:
// avx2) and is overridden by the registry's kernels of its ISA. Tables are built once, on
// first use (thread-safe static initialisation). Entry points validate only `isa` and `act`.
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "snn-internal.h"

namespace {

struct CpuFeatures {
  bool avx2;    // AVX2 + FMA (the avx2 kernels use both)
  bool avx512;  // AVX-512F/BW/VL on top of AVX2 + FMA (every AVX-512 CPU but Xeon Phi)
  bool neon;
};

CpuFeatures detect_cpu() {
  CpuFeatures f = {false, false, false};
#if defined(__x86_64__) || defined(_M_X64)
  __builtin_cpu_init();
  f.avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  f.avx512 = f.avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl");
#elif defined(__aarch64__)
  f.neon = true;  // baseline on arm64
#endif
  return f;
}

struct Tables {
  snn_kernel_table table[SNN_ISA_COUNT];
  bool supported[SNN_ISA_COUNT];
  int32_t best;
};

// The ISA whose table an ISA's table starts from (scalar: none).
int32_t parent_isa(int32_t isa) {
  switch (isa) {
    case SNN_ISA_AVX512:
      return SNN_ISA_AVX2;
    case SNN_ISA_AVX2:
    case SNN_ISA_NEON:
      return SNN_ISA_SCALAR;
    default:
      return -1;
  }
}

// Puts the registry's kernels of `isa` into t (those of ISAs not compiled here never match).
void override_slots(snn_kernel_table* t, int32_t isa) {
#define SNN_KERNEL(op, format, isa_name, fn) \
  SNN_IF_##isa_name(if (isa == SNN_ISA_ID_##isa_name) t->op##_##format = fn;)
#include "kernels.inc"
}

bool isa_compiled(int32_t isa) {
  switch (isa) {
    case SNN_ISA_SCALAR:
      return true;
#if defined(__x86_64__) || defined(_M_X64)
    case SNN_ISA_AVX2:
    case SNN_ISA_AVX512:
      return true;
#elif defined(__aarch64__)
    case SNN_ISA_NEON:
      return true;
#endif
    default:
      return false;
  }
}

bool cpu_runs(const CpuFeatures& cpu, int32_t isa) {
  switch (isa) {
    case SNN_ISA_SCALAR:
      return true;
    case SNN_ISA_AVX2:
      return cpu.avx2;
    case SNN_ISA_AVX512:
      return cpu.avx512;
    case SNN_ISA_NEON:
      return cpu.neon;
    default:
      return false;
  }
}

Tables build_tables() {
  Tables t;
  memset(&t, 0, sizeof(t));
  const CpuFeatures cpu = detect_cpu();
  // Parents come before their children in SNN_ISA_* order; every table starts as the scalar one.
  for (int32_t isa = 0; isa < SNN_ISA_COUNT; isa++) {
    const int32_t parent = parent_isa(isa);
    if (parent >= 0) t.table[isa] = t.table[parent];
    if (!isa_compiled(isa)) continue;
    override_slots(&t.table[isa], isa);
    t.supported[isa] = cpu_runs(cpu, isa);
  }
  // The best: the last supported level of this architecture (scalar < avx2 < avx512; neon).
  t.best = SNN_ISA_SCALAR;
  for (int32_t isa = 0; isa < SNN_ISA_COUNT; isa++) {
    if (t.supported[isa]) t.best = isa;
  }
  return t;
}

const Tables& tables() {
  static const Tables t = build_tables();
  return t;
}

bool act_valid(int32_t act) { return act >= 0 && act < SNN_ACT_COUNT; }

}  // namespace

extern "C" const snn_kernel_table* snn_kernel_table_for(int32_t isa) {
  if (isa < 0 || isa >= SNN_ISA_COUNT) return NULL;
  const Tables& t = tables();
  return t.supported[isa] ? &t.table[isa] : NULL;
}

extern "C" {

const char* snn_version(void) { return "0.1.0"; }

int32_t snn_isa_supported(int32_t isa) { return snn_kernel_table_for(isa) != NULL ? 1 : 0; }

int32_t snn_isa_best(void) { return tables().best; }

const char* snn_isa_name(int32_t isa) {
  switch (isa) {
    case SNN_ISA_SCALAR:
      return "scalar";
    case SNN_ISA_AVX2:
      return "avx2";
    case SNN_ISA_AVX512:
      return "avx512";
    case SNN_ISA_NEON:
      return "neon";
    default:
      return "unknown";
  }
}

void* snn_aligned_alloc(int64_t bytes) {
  if (bytes < 0) return NULL;
  // Round up to a multiple of the alignment (aligned_alloc requires it; 0 becomes 64).
  const uint64_t size = ((uint64_t)bytes + 63u) & ~(uint64_t)63u;
  if (size < (uint64_t)bytes || size > (uint64_t)SIZE_MAX) return NULL;
  const bool huge = size >= SNN_HUGE_PAGE_BYTES;
  void* p = NULL;
  if (posix_memalign(&p, huge ? SNN_HUGE_PAGE_BYTES : 64, size == 0 ? 64 : (size_t)size) != 0) {
    return NULL;
  }
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  // Weight streams of a few MiB and more miss the TLB on every 4 KiB page, and the hardware
  // prefetchers stop at page boundaries. Where transparent huge pages are opt-in ("madvise",
  // the Debian default) nothing is huge unless asked; a refusal only costs speed.
  if (huge) madvise(p, (size_t)size, MADV_HUGEPAGE);
#endif
  memset(p, 0, size == 0 ? 64 : (size_t)size);
  return p;
}

void snn_aligned_free(void* pointer) { free(pointer); }

// One entry point per registry slot: look up the table, validate the activation, call the slot.
#define SNN_SLOT(op, format, entry, params, args, act)          \
  int32_t entry(int32_t isa, params) {                           \
    const snn_kernel_table* k = snn_kernel_table_for(isa);       \
    if (k == NULL) return SNN_ERR_ISA_UNSUPPORTED;               \
    if (!act_valid(act)) return SNN_ERR_BAD_ACTIVATION;          \
    k->op##_##format args;                                       \
    return SNN_OK;                                               \
  }
#include "kernels.inc"

}  // extern "C"
