// csc16 against csr16 at given input zero fractions: a quick harness, not a benchmark of record
// (the JMH rows are: SpmvBenchmark/SpmmBenchmark with -p inputZeros=...). Minimum over rounds of
// the mean of many calls, so a loaded machine disturbs it less. Build and run from the root,
// after a native build (cmake/run-native-tests.sh or mvn package):
//   g++ -O2 -march=native -Inative/include -Inative/src native/tools/csc16-bench.cc \
//     target/native-tests/release/libsparsenn_kernels.a -o /tmp/csc16-bench && /tmp/csc16-bench
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <vector>

#include "sparsenn/kernels.h"

namespace {

struct Layer {
  int32_t rows, cols;
  std::vector<float> dense;
  std::vector<int32_t> row_ptr;
  std::vector<uint16_t> col_idx;
  std::vector<float> csr_values;
};

struct Csc {
  int32_t panel_rows;
  std::vector<int32_t> col_ptr;
  std::vector<uint16_t> row_off;
  std::vector<float> values;
};

Layer make_layer(int32_t rows, int32_t cols, double sparsity, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::normal_distribution<float> n(0.0f, 0.05f);
  Layer l{rows, cols, std::vector<float>((size_t)rows * cols), {0}, {}, {}};
  for (float& w : l.dense) w = u(rng) < sparsity ? 0.0f : n(rng);
  for (int32_t r = 0; r < rows; r++) {
    for (int32_t c = 0; c < cols; c++) {
      const float w = l.dense[(size_t)r * cols + c];
      if (w == 0.0f) continue;
      l.col_idx.push_back((uint16_t)c);
      l.csr_values.push_back(w);
    }
    l.row_ptr.push_back((int32_t)l.csr_values.size());
  }
  return l;
}

Csc make_csc(const Layer& l, int32_t panel_rows) {
  Csc c{panel_rows, {0}, {}, {}};
  for (int32_t p0 = 0; p0 < l.rows; p0 += panel_rows) {
    for (int32_t j = 0; j < l.cols; j++) {
      for (int32_t r = p0; r < l.rows && r < p0 + panel_rows; r++) {
        const float w = l.dense[(size_t)r * l.cols + j];
        if (w == 0.0f) continue;
        c.row_off.push_back((uint16_t)(r - p0));
        c.values.push_back(w);
      }
      c.col_ptr.push_back((int32_t)c.values.size());
    }
  }
  return c;
}

template <class F>
double min_micros(F call) {
  double best = 1e30;
  for (int round = 0; round < 31; round++) {
    const auto t0 = std::chrono::steady_clock::now();
    const int reps = 50;
    for (int i = 0; i < reps; i++) call(i);
    const double us =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, us / reps);
  }
  return best;
}

}  // namespace

int main() {
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  const int32_t isa = snn_isa_best();
  printf("isa %s; 90%% weight sparsity; us per call (min over 31 rounds of 50)\n",
         snn_isa_name(isa));
  const int32_t shapes[][2] = {{1024, 784}, {1024, 1024}, {300, 784}};
  for (const auto& shape : shapes) {
    const Layer l = make_layer(shape[0], shape[1], 0.9, rng);
    const int32_t heights[] = {256, 512, l.rows};
    std::vector<Csc> cscs;
    for (int32_t h : heights) cscs.push_back(make_csc(l, h));
    for (double zeros : {0.0, 0.5, 0.62, 0.87}) {
      for (int32_t batch : {1, 8}) {
        // 16 different inputs, so the branch predictor cannot learn one pattern
        std::vector<std::vector<float>> xs(16, std::vector<float>((size_t)l.cols * batch));
        for (auto& x : xs) {
          for (int32_t c = 0; c < l.cols; c++) {
            // zeros by feature for the batch (ReLU zeros correlate across samples), half of them
            // whole features, half single samples
            const bool feature = u(rng) < zeros / 2;
            for (int32_t b = 0; b < batch; b++) {
              x[(size_t)c * batch + b] =
                  feature || u(rng) < zeros / 2 / (1 - zeros / 2) ? 0.0f : u(rng);
            }
          }
        }
        std::vector<float> y((size_t)l.rows * batch), bias(l.rows, 0.01f);
        const double csr = min_micros([&](int i) {
          const float* x = xs[i % 16].data();
          if (batch == 1) {
            snn_f32_spmv_csr16(isa, 0, l.rows, l.row_ptr.data(), l.col_idx.data(),
                               l.csr_values.data(), x, bias.data(), y.data(), SNN_ACT_RELU, 0);
          } else {
            snn_f32_spmm_csr16(isa, 0, l.rows, l.row_ptr.data(), l.col_idx.data(),
                               l.csr_values.data(), x, batch, bias.data(), y.data(),
                               SNN_ACT_RELU, 0);
          }
        });
        printf("%5dx%-5d zeros %2.0f%% batch %d: csr16 %7.2f", l.rows, l.cols, zeros * 100, batch,
               csr);
        for (const Csc& c : cscs) {
          const double us = min_micros([&](int i) {
            const float* x = xs[i % 16].data();
            if (batch == 1) {
              snn_f32_spmv_csc16(isa, 0, l.rows, l.cols, c.panel_rows, c.col_ptr.data(),
                                 c.row_off.data(), c.values.data(), x, bias.data(), y.data(),
                                 SNN_ACT_RELU, 0);
            } else {
              snn_f32_spmm_csc16(isa, 0, l.rows, l.cols, c.panel_rows, c.col_ptr.data(),
                                 c.row_off.data(), c.values.data(), x, batch, bias.data(),
                                 y.data(), SNN_ACT_RELU, 0);
            }
          });
          printf("  csc16/%d %7.2f (%.2fx)", c.panel_rows, us, csr / us);
        }
        printf("\n");
        fflush(stdout);
      }
    }
  }
  return 0;
}
