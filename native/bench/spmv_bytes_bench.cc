// Bytes per nonzero against time: SpMV with the csr16 kernels (fp32 values, 6 bytes per
// nonzero) and the csr16_bf16 kernels (bf16 values, 4 bytes), beside OpenBLAS sgemv and a plain
// streaming read of the same machine (its read bandwidth). Single thread; each figure is the
// minimum over `reps` calls, run warm (back to back: a matrix that fits the L3 stays there) and
// cold (a 256 MiB buffer read between calls evicts it). A quick look on a shared machine, not a
// benchmark result: the JMH SpmvBenchmark is.
//
//   cmake -S cmake -B build-bench -DSNN_BUILD_BENCH=ON -DCMAKE_BUILD_TYPE=Release
//   cmake --build build-bench --target snn_spmv_bytes_bench
//   build-bench/snn_spmv_bytes_bench ROWS COLS SPARSITY REPS [libopenblas.so]
#include "sparsenn/kernels.h"

#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vector>

namespace {

double now_s() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

uint64_t g_rng = 0x9E3779B97F4A7C15ull;
double uniform() {
  g_rng ^= g_rng << 13;
  g_rng ^= g_rng >> 7;
  g_rng ^= g_rng << 17;
  return (double)(g_rng >> 11) * (1.0 / 9007199254740992.0);
}

snn_bf16 to_bf16(float f) {  // round to nearest even (the weights here are finite)
  uint32_t u;
  memcpy(&u, &f, sizeof(u));
  u += 0x7FFFu + ((u >> 16) & 1u);
  return snn_bf16{(uint16_t)(u >> 16)};
}

std::vector<uint64_t> g_flush(32u << 20);  // 256 MiB
uint64_t g_sink = 0;

// Reads the flush buffer (evicts the caches) and returns its read bandwidth in GB/s.
double stream_read() {
  const double t0 = now_s();
  // 8 independent integer sums, so that memory and not the adds is the limit
  uint64_t s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  const uint64_t* p = g_flush.data();
  for (size_t i = 0; i < g_flush.size(); i += 8) {
    for (int j = 0; j < 8; j++) s[j] += p[i + j];
  }
  const double t = now_s() - t0;
  for (int j = 0; j < 8; j++) g_sink += s[j];
  return (double)g_flush.size() * sizeof(uint64_t) / t * 1e-9;
}

template <typename Fn>
double min_time(int reps, bool cold, Fn fn) {
  double best = 1e30;
  for (int i = 0; i < reps; i++) {
    if (cold) stream_read();
    const double t0 = now_s();
    fn();
    const double t = now_s() - t0;
    if (t < best) best = t;
  }
  return best;
}

typedef void sgemv_fn(int, int, int, int, float, const float*, int, const float*, int, float,
                      float*, int);

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s ROWS COLS SPARSITY REPS [libopenblas.so]\n", argv[0]);
    return 2;
  }
  const int32_t rows = atoi(argv[1]), cols = atoi(argv[2]);
  const double sparsity = atof(argv[3]);
  const int reps = atoi(argv[4]);
  if (rows < 1 || cols < 1 || cols > 65536 || reps < 1) {
    fprintf(stderr, "need rows >= 1, 1 <= cols <= 65536, reps >= 1\n");
    return 2;
  }
  for (size_t i = 0; i < g_flush.size(); i++) g_flush[i] = i & 7;

  std::vector<float> dense((size_t)rows * cols, 0.0f);
  std::vector<int32_t> row_ptr(1, 0);
  std::vector<uint16_t> col_idx;
  std::vector<float> values;
  std::vector<snn_bf16> values_bf16;
  for (int32_t r = 0; r < rows; r++) {
    for (int32_t c = 0; c < cols; c++) {
      if (uniform() < sparsity) continue;
      const float v = (float)(2.0 * uniform() - 1.0);
      dense[(size_t)r * cols + c] = v;
      col_idx.push_back((uint16_t)c);
      values.push_back(v);
      values_bf16.push_back(to_bf16(v));
    }
    row_ptr.push_back((int32_t)col_idx.size());
  }
  const double nnz = (double)col_idx.size();
  std::vector<float> x(cols), y(rows);
  for (auto& e : x) e = (float)uniform();

  double stream = 0;
  for (int i = 0; i < 5; i++) stream = fmax(stream, stream_read());
  printf("%d x %d, sparsity %.3f: %.0f nonzeros; csr16 %.1f MB, csr16_bf16 %.1f MB, dense %.1f MB\n",
         rows, cols, sparsity, nnz, (nnz * 6 + 4.0 * (rows + 1)) * 1e-6,
         (nnz * 4 + 4.0 * (rows + 1)) * 1e-6, (double)rows * cols * 4e-6);
  printf("streaming read (256 MiB, 1 thread): %.1f GB/s\n", stream);

  sgemv_fn* sgemv = NULL;
  if (argc > 5) {
    void* lib = dlopen(argv[5], RTLD_NOW | RTLD_LOCAL);
    if (lib != NULL) sgemv = (sgemv_fn*)dlsym(lib, "cblas_sgemv");
    if (sgemv == NULL) fprintf(stderr, "no cblas_sgemv in %s: %s\n", argv[5], dlerror());
    void (*set_threads)(int) = lib ? (void (*)(int))dlsym(lib, "openblas_set_num_threads") : NULL;
    if (set_threads != NULL) set_threads(1);
  }

  for (int cold = 0; cold < 2; cold++) {
    printf("-- %s --\n", cold ? "cold (caches flushed before each call)" : "warm (back to back)");
    double t_blas = 0;
    if (sgemv != NULL) {
      t_blas = min_time(reps, cold, [&] {
        sgemv(101, 111, rows, cols, 1.0f, dense.data(), cols, x.data(), 1, 0.0f, y.data(), 1);
      });
      printf("%-28s %9.1f us  %6.1f GB/s\n", "openblas sgemv", t_blas * 1e6,
             (double)rows * cols * 4 / t_blas * 1e-9);
    }
    for (int32_t isa : {SNN_ISA_AVX2, SNN_ISA_AVX512, SNN_ISA_NEON}) {
      if (!snn_isa_supported(isa)) continue;
      const double t16 = min_time(reps, cold, [&] {
        snn_f32_spmv_csr16(isa, 0, rows, row_ptr.data(), col_idx.data(), values.data(), x.data(),
                           NULL, y.data(), SNN_ACT_IDENTITY, 0.0f);
      });
      const double tbf = min_time(reps, cold, [&] {
        snn_f32_spmv_csr16_bf16(isa, 0, rows, row_ptr.data(), col_idx.data(), values_bf16.data(),
                                x.data(), NULL, y.data(), SNN_ACT_IDENTITY, 0.0f);
      });
      const double pairs[2][2] = {{t16, 6.0}, {tbf, 4.0}};
      for (int f = 0; f < 2; f++) {
        const double t = pairs[f][0];
        const double bytes = nnz * pairs[f][1] + 4.0 * (rows + 1);
        char label[64];
        snprintf(label, sizeof(label), "%s %s", f == 0 ? "csr16" : "csr16_bf16",
                 snn_isa_name(isa));
        printf("%-28s %9.1f us  %6.1f GB/s (%3.0f%% of stream)  %5.2f G nnz/s", label, t * 1e6,
               bytes / t * 1e-9, 100.0 * bytes / t * 1e-9 / stream, nnz / t * 1e-9);
        if (t_blas > 0) printf("  %5.2fx sgemv", t_blas / t);
        printf("\n");
      }
    }
  }
  return g_sink == 12345 ? 1 : 0;
}
