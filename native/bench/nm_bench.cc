// A quick A/B harness for the N:M kernels against csr16 and the dense kernels on the same
// N:M-pruned matrix: the minimum over many repetitions (the machine may be loaded), in
// microseconds and G nonzeros/s. Not a benchmark of record (JMH is: SpmvBenchmark,
// SpmmBenchmark); it exists to choose layouts. Build against a Release build of the library:
//   cmake -S cmake -B target/nt/rel -DCMAKE_BUILD_TYPE=Release && cmake --build target/nt/rel
//   g++ -O2 -std=c++17 -Inative/include -Inative/src native/bench/nm_bench.cc \
//       target/nt/rel/libsparsenn_kernels.a -o target/nm_bench && target/nm_bench [n m]
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <algorithm>
#include <random>
#include <vector>

#include "sparsenn/kernels.h"

namespace {

double now_us() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec * 1e-3;
}

template <typename F>
double min_us(F f, double budget_us) {
  f();
  double best = 1e30, spent = 0;
  int reps = 0;
  while ((spent < budget_us || reps < 20) && reps < 200000) {
    const double t0 = now_us();
    f();
    const double dt = now_us() - t0;
    best = std::min(best, dt);
    spent += dt;
    reps++;
  }
  return best;
}

struct Layer {
  int rows, cols, n, m;
  std::vector<float> dense;
  std::vector<int32_t> row_ptr;
  std::vector<uint16_t> col16;
  std::vector<float> values;
  int window, slots;
  float *nm_values, *packed;
  uint8_t* nm_offsets;
};

Layer make(int rows, int cols, int n, int m, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  Layer l{rows, cols, n, m, {}, {}, {}, {}, 16 * m / n, 0, nullptr, nullptr, nullptr};
  l.dense.assign((size_t)rows * cols, 0.0f);
  for (int r = 0; r < rows; r++) {
    for (int g = 0; g < cols; g += m) {
      const int w = std::min(m, cols - g);
      std::vector<int> idx(w);
      for (int i = 0; i < w; i++) idx[i] = i;
      std::shuffle(idx.begin(), idx.end(), rng);
      for (int i = 0; i < std::min(n, w); i++) l.dense[(size_t)r * cols + g + idx[i]] = u(rng) + 2;
    }
  }
  const int groups = (cols + m - 1) / m;
  l.slots = (groups * n + 15) / 16 * 16;
  l.nm_values = (float*)snn_aligned_alloc((int64_t)rows * l.slots * 4);
  l.nm_offsets = (uint8_t*)snn_aligned_alloc((int64_t)rows * l.slots);
  l.row_ptr.push_back(0);
  for (int r = 0; r < rows; r++) {
    int slot = -1, group = -1, used = 0;
    for (int c = 0; c < cols; c++) {
      const float v = l.dense[(size_t)r * cols + c];
      if (v == 0) continue;
      l.col16.push_back((uint16_t)c);
      l.values.push_back(v);
      if (c / m != group) group = c / m, used = 0;
      slot = group * n + used++;
      l.nm_values[(int64_t)r * l.slots + slot] = v;
      l.nm_offsets[(int64_t)r * l.slots + slot] = (uint8_t)(c - slot / 16 * l.window);
    }
    l.row_ptr.push_back((int32_t)l.values.size());
  }
  const int panels = (rows + 15) / 16;
  l.packed = (float*)snn_aligned_alloc((int64_t)panels * 16 * cols * 4);
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c++)
      l.packed[(int64_t)(r / 16) * cols * 16 + c * 16 + r % 16] = l.dense[(size_t)r * cols + c];
  return l;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 2 ? atoi(argv[1]) : 2, m = argc > 2 ? atoi(argv[2]) : 4;
  const int shapes[][2] = {{1024, 784}, {1024, 1024}, {4096, 4096}};
  const int isa = snn_isa_best();
  for (const auto& s : shapes) {
    Layer l = make(s[0], s[1], n, m, 7);
    const double nnz = (double)l.values.size();
    for (int batch : {1, 8}) {
      std::vector<float> x((size_t)l.cols * batch, 0.5f), y((size_t)l.rows * batch);
      std::vector<float> bias(l.rows, 0.1f);
      const double budget = 300000;
      auto report = [&](const char* name, double us) {
        printf("%4dx%-4d %d:%d batch %d  %-14s %9.1f us  %6.2f G nnz/s\n", l.rows, l.cols, n, m,
               batch, name, us, nnz * batch / us * 1e-3);
      };
      if (batch == 1) {
        report("nm avx512", min_us([&] { snn_f32_spmv_nm(isa, 0, l.rows, l.cols, l.window, l.slots, l.nm_offsets, l.nm_values, x.data(), bias.data(), y.data(), 1, 0); }, budget));
        report("nm avx2", min_us([&] { snn_f32_spmv_nm(SNN_ISA_AVX2, 0, l.rows, l.cols, l.window, l.slots, l.nm_offsets, l.nm_values, x.data(), bias.data(), y.data(), 1, 0); }, budget));
        report("csr16", min_us([&] { snn_f32_spmv_csr16(isa, 0, l.rows, l.row_ptr.data(), l.col16.data(), l.values.data(), x.data(), bias.data(), y.data(), 1, 0); }, budget));
        report("dense_simd", min_us([&] { snn_f32_gemv(isa, 0, l.rows, l.cols, l.dense.data(), x.data(), bias.data(), y.data(), 1, 0); }, budget));
      } else {
        report("nm avx512", min_us([&] { snn_f32_spmm_nm(isa, 0, l.rows, l.cols, l.window, l.slots, l.nm_offsets, l.nm_values, x.data(), batch, bias.data(), y.data(), 1, 0); }, budget));
        report("csr16", min_us([&] { snn_f32_spmm_csr16(isa, 0, l.rows, l.row_ptr.data(), l.col16.data(), l.values.data(), x.data(), batch, bias.data(), y.data(), 1, 0); }, budget));
        report("dense_simd", min_us([&] { snn_f32_gemm(isa, 0, l.rows, l.cols, l.dense.data(), x.data(), batch, bias.data(), y.data(), 1, 0); }, budget));
      }
      report("dense_packed", min_us([&] { snn_f32_gemm_packed(isa, 0, l.rows, l.cols, l.packed, x.data(), batch, bias.data(), y.data(), 1, 0); }, budget));
    }
  }
  return 0;
}
