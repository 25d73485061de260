// A column split of one layer against csr16 and csc16 on real inputs: the columns whose input is
// nonzero in at least a fraction t of the calibration images (the first 64) in csr16 (bias and
// activation left out), the others in csc16 panel form walked only at their nonzero inputs and
// added into y, then bias and ReLU once. A quick harness, not a benchmark of record: images
// 64..575 in chunks of 32, each chunk's mean call time the minimum over rounds (all variants in
// each round, so a loaded machine disturbs them alike), then the mean over the chunks. Build and
// run from the root after a native build, on the files colsplit-dump.java writes (its header has
// the command):
//   g++ -O2 -march=native -Inative/include native/tools/colsplit-bench.cc
//     java/core/target/native/linux-x86_64/libsparsenn_kernels.a -o /tmp/colsplit-bench
//   (one line)
//   /tmp/colsplit-bench /tmp/mlp.bin /tmp/mlp1024.bin
// x86-64 with AVX-512 only (the csc part's nonzero-input mask is an AVX-512 compare).
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

#include "sparsenn/kernels.h"

namespace {

constexpr int kCalibration = 64;  // the images the per-column statistics come from
constexpr int kTimed = 512;       // the images timed, after those
constexpr int kChunk = 32;       // calls per timing: short, so a time slice lost is rare
constexpr int kRounds = 41;

struct Layer {
  int32_t rows, cols;
  std::vector<float> weights, bias, inputs;  // inputs: images x cols
};

bool read_all(FILE* f, void* p, size_t bytes) { return fread(p, 1, bytes, f) == bytes; }

std::vector<Layer> read_layers(const char* path, int32_t* images) {
  FILE* f = fopen(path, "rb");
  int32_t count = 0;
  std::vector<Layer> layers;
  if (f == nullptr || !read_all(f, &count, 4) || !read_all(f, images, 4)) return layers;
  for (int32_t i = 0; i < count; i++) {
    Layer l{};
    if (!read_all(f, &l.rows, 4) || !read_all(f, &l.cols, 4)) break;
    l.weights.resize((size_t)l.rows * l.cols);
    l.bias.resize(l.rows);
    l.inputs.resize((size_t)*images * l.cols);
    if (!read_all(f, l.weights.data(), 4 * l.weights.size()) ||
        !read_all(f, l.bias.data(), 4 * l.bias.size()) ||
        !read_all(f, l.inputs.data(), 4 * l.inputs.size())) {
      break;
    }
    layers.push_back(std::move(l));
  }
  fclose(f);
  return layers;
}

struct Csr {
  std::vector<int32_t> row_ptr{0};
  std::vector<uint16_t> col_idx;
  std::vector<float> values;
};

// One panel of all rows; mask: the columns this part holds, one bit each.
struct Csc {
  std::vector<int32_t> col_ptr{0};
  std::vector<uint16_t> row_off;
  std::vector<float> values;
  std::vector<uint64_t> mask;
};

Csr csr_of(const Layer& l, const std::vector<bool>& keep) {
  Csr m;
  for (int32_t r = 0; r < l.rows; r++) {
    for (int32_t c = 0; c < l.cols; c++) {
      const float w = l.weights[(size_t)r * l.cols + c];
      if (w != 0 && keep[c]) {
        m.col_idx.push_back((uint16_t)c);
        m.values.push_back(w);
      }
    }
    m.row_ptr.push_back((int32_t)m.values.size());
  }
  return m;
}

Csc csc_of(const Layer& l, const std::vector<bool>& keep) {
  Csc m;
  m.mask.assign((l.cols + 63) / 64, 0);
  for (int32_t c = 0; c < l.cols; c++) {
    if (keep[c]) {
      m.mask[c / 64] |= 1ull << (c % 64);
      for (int32_t r = 0; r < l.rows; r++) {
        const float w = l.weights[(size_t)r * l.cols + c];
        if (w != 0) {
          m.row_off.push_back((uint16_t)r);
          m.values.push_back(w);
        }
      }
    }
    m.col_ptr.push_back((int32_t)m.values.size());
  }
  return m;
}

// y += the part's columns at the nonzero inputs: the csc16 kernel's loop (csc16-loop.h) without
// its zeroing and epilogue, with the part's column mask on the nonzero-input bits.
void csc_add(const Csc& m, int32_t cols, const float* x, float* y) {
  const uint16_t* off = m.row_off.data();
  const float* val = m.values.data();
  for (int32_t c0 = 0; c0 < cols; c0 += 64) {
    const int32_t n = cols - c0 < 64 ? cols - c0 : 64;
    uint64_t bits = 0;
    for (int32_t i = 0; i < n; i += 16) {
      const int32_t left = n - i < 16 ? n - i : 16;
      const __mmask16 load = (__mmask16)((1u << left) - 1u);
      const __m512 v = _mm512_maskz_loadu_ps(load, x + c0 + i);
      bits |= (uint64_t)_mm512_mask_cmp_ps_mask(load, v, _mm512_setzero_ps(), _CMP_NEQ_UQ) << i;
    }
    bits &= m.mask[c0 / 64];
    while (bits != 0) {
      const int32_t c = c0 + __builtin_ctzll(bits);
      bits &= bits - 1;
      const float xc = x[c];
      int64_t k = m.col_ptr[c];
      const int64_t end = m.col_ptr[c + 1];
      for (; k + 4 <= end; k += 4) {
        const uint32_t r0 = off[k], r1 = off[k + 1], r2 = off[k + 2], r3 = off[k + 3];
        const float y0 = y[r0] + val[k] * xc, y1 = y[r1] + val[k + 1] * xc;
        const float y2 = y[r2] + val[k + 2] * xc, y3 = y[r3] + val[k + 3] * xc;
        y[r0] = y0;
        y[r1] = y1;
        y[r2] = y2;
        y[r3] = y3;
      }
      for (; k < end; k++) y[off[k]] += val[k] * xc;
    }
  }
}

template <class F>
double mean_micros(int first, F call) {
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = first; i < first + kChunk; i++) call(i);
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() /
         kChunk;
}

void run(const char* name, int32_t index, const Layer& l, int32_t images) {
  const int32_t isa = snn_isa_best();
  if (images < kCalibration + kTimed) return;
  std::vector<double> p(l.cols, 0), pt(l.cols, 0);  // nonzero frequency: calibration, timed
  std::vector<long> col_nnz(l.cols, 0);
  long nnz = 0;
  for (int i = 0; i < kCalibration + kTimed; i++) {
    for (int32_t c = 0; c < l.cols; c++) {
      if (l.inputs[(size_t)i * l.cols + c] != 0) (i < kCalibration ? p : pt)[c]++;
    }
  }
  for (int32_t c = 0; c < l.cols; c++) {
    p[c] /= kCalibration;
    pt[c] /= kTimed;
    for (int32_t r = 0; r < l.rows; r++) col_nnz[c] += l.weights[(size_t)r * l.cols + c] != 0;
    nnz += col_nnz[c];
  }
  double visited = 0;
  for (int32_t c = 0; c < l.cols; c++) visited += pt[c] * col_nnz[c];
  printf("%s layer %d, %dx%d, %ld nonzeros, %.0f at nonzero inputs\n", name, index, l.rows,
         l.cols, nnz, visited);

  const std::vector<bool> all(l.cols, true);
  const Csr csr = csr_of(l, all);
  const Csc csc = csc_of(l, all);
  const double thresholds[] = {0.2, 0.3, 0.4, 0.5, 0.6};
  const int kSplits = sizeof thresholds / sizeof thresholds[0];
  std::vector<Csr> often(kSplits);
  std::vector<Csc> rare(kSplits);
  for (int t = 0; t < kSplits; t++) {
    std::vector<bool> is_rare(l.cols), is_often(l.cols);
    for (int32_t c = 0; c < l.cols; c++) {
      is_rare[c] = p[c] < thresholds[t];
      is_often[c] = !is_rare[c];
    }
    often[t] = csr_of(l, is_often);
    rare[t] = csc_of(l, is_rare);
  }
  std::vector<float> y(l.rows), check(l.rows);
  auto x_of = [&](int i) { return l.inputs.data() + (size_t)(kCalibration + i % kTimed) * l.cols; };
  auto whole_csr = [&](int i) {
    snn_f32_spmv_csr16(isa, 0, l.rows, csr.row_ptr.data(), csr.col_idx.data(), csr.values.data(),
                       x_of(i), l.bias.data(), y.data(), SNN_ACT_RELU, 0);
  };
  auto whole_csc = [&](int i) {
    snn_f32_spmv_csc16(isa, 0, l.rows, l.cols, l.rows, csc.col_ptr.data(), csc.row_off.data(),
                       csc.values.data(), x_of(i), l.bias.data(), y.data(), SNN_ACT_RELU, 0);
  };
  auto csr_part = [&](int t, int i, float* out) {
    snn_f32_spmv_csr16(isa, 0, l.rows, often[t].row_ptr.data(), often[t].col_idx.data(),
                       often[t].values.data(), x_of(i), nullptr, out, SNN_ACT_IDENTITY, 0);
  };
  auto split = [&](int t, int i, float* out) {
    csr_part(t, i, out);
    csc_add(rare[t], l.cols, x_of(i), out);
    snn_f32_bias_act(isa, 0, l.rows, 1, l.bias.data(), out, SNN_ACT_RELU, 0);
  };
  double worst = 0;
  for (int i = 0; i < kTimed; i++) {
    whole_csr(i);
    for (int t = 0; t < kSplits; t++) {
      split(t, i, check.data());
      for (int32_t r = 0; r < l.rows; r++) worst = std::max(worst, (double)fabsf(y[r] - check[r]));
    }
  }
  // variants: csr16, csc16, then per split: whole, csr part alone, csc part alone
  const int variants = 2 + 3 * kSplits, chunks = kTimed / kChunk;
  std::vector<double> fastest((size_t)variants * chunks, 1e30);
  for (int round = 0; round < kRounds; round++) {
    for (int ch = 0; ch < chunks; ch++) {
      const int first = ch * kChunk;
      double* f = fastest.data() + (size_t)ch * variants;
      f[0] = std::min(f[0], mean_micros(first, whole_csr));
      f[1] = std::min(f[1], mean_micros(first, whole_csc));
      for (int t = 0; t < kSplits; t++) {
        f[2 + 3 * t] = std::min(f[2 + 3 * t], mean_micros(first, [&](int i) {
          split(t, i, y.data());
        }));
        f[3 + 3 * t] = std::min(f[3 + 3 * t], mean_micros(first, [&](int i) {
          csr_part(t, i, y.data());
        }));
        f[4 + 3 * t] = std::min(f[4 + 3 * t], mean_micros(first, [&](int i) {
          csc_add(rare[t], l.cols, x_of(i), y.data());
        }));
      }
    }
  }
  std::vector<double> best(variants, 0);
  for (int ch = 0; ch < chunks; ch++) {
    for (int v = 0; v < variants; v++) best[v] += fastest[(size_t)ch * variants + v] / chunks;
  }
  const double better = std::min(best[0], best[1]);
  printf("  csr16 %.2f us, csc16 %.2f us; largest |csr16 - split| %.2g\n", best[0], best[1], worst);
  for (int t = 0; t < kSplits; t++) {
    const long rare_nnz = (long)rare[t].values.size();
    double rare_visited = 0;
    for (int32_t c = 0; c < l.cols; c++) {
      if (p[c] < thresholds[t]) rare_visited += pt[c] * col_nnz[c];
    }
    printf("  split t=%.1f: %ld csr16 + %ld csc16 nonzeros (%.0f at nonzero inputs): %.2f us "
           "(%.2fx the better), parts %.2f + %.2f us\n",
           thresholds[t], nnz - rare_nnz, rare_nnz, rare_visited, best[2 + 3 * t],
           better / best[2 + 3 * t], best[3 + 3 * t], best[4 + 3 * t]);
  }
  fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (!__builtin_cpu_supports("avx512f")) {
    fprintf(stderr, "needs AVX-512\n");
    return 1;
  }
  printf("isa %s; us per call over %d images (chunks of %d, each the min of %d rounds)\n",
         snn_isa_name(snn_isa_best()), kTimed, kChunk, kRounds);
  for (int a = 1; a < argc; a++) {
    int32_t images = 0;
    const std::vector<Layer> layers = read_layers(argv[a], &images);
    if (layers.empty()) {
      fprintf(stderr, "%s: not a colsplit-dump file\n", argv[a]);
      return 1;
    }
    for (size_t i = 0; i < layers.size(); i++) run(argv[a], (int32_t)i, layers[i], images);
  }
  return 0;
}
