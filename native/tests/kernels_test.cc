// Native conformance tests: every kernel of every ISA this CPU supports (others are skipped
// with a message) against a plain double-precision reference written here.
//
// Tolerance: |got - ref| <= 1e-5 * (sum_k |a_k x_k| + |b|) + 1e-6, where ref is the exact
// (double) activation of the double-accumulated pre-activation. The relative part covers fp32
// accumulation in any order; the absolute 1e-6 covers the vector approximations of
// exp / tanh / erf in the epilogue. A non-finite reference must be matched exactly (NaN by NaN,
// +-inf by the same infinity). Outside the row range, y must keep its sentinel bit for bit.
//
// test_registry then takes every kernel of the registry (kernels.inc) that this CPU can run and
// compares it, called directly, with its slot's scalar kernel on the same inputs.
//
// Prints one line per failure (the first 50), then "N passed, M failed"; exits 1 on failure.
#include "sparsenn/kernels.h"
#include "snn-internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace {

int g_passed = 0;
int g_failed = 0;

void record(bool ok, const std::string& what) {
  if (ok) {
    g_passed++;
    return;
  }
  g_failed++;
  if (g_failed <= 50) printf("FAIL: %s\n", what.c_str());
}

std::string fmt(const char* f, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char* f, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, f);
  vsnprintf(buf, sizeof(buf), f, ap);
  va_end(ap);
  return buf;
}

// --- random numbers ------------------------------------------------------------------------

struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint64_t next() {
    s += 0x9E3779B97F4A7C15ull;
    uint64_t z = s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return (double)(next() >> 11) * (1.0 / 9007199254740992.0); }
  float sym() { return (float)(2.0 * uniform() - 1.0); }
};

// --- test data -------------------------------------------------------------------------------

struct Csc16;

struct Csr {
  int32_t rows = 0, cols = 0;
  std::vector<int32_t> row_ptr;
  std::vector<int32_t> col_idx;
  std::vector<uint16_t> col_idx16;  // filled when cols <= 65536
  std::vector<float> values;
  std::vector<snn_bf16> values_bf16;  // values rounded to bf16 (fill_bf16)
  std::vector<float> dense;  // row-major, zeros where no nonzero
  // The csc16 layout of this matrix, built on first use (csc16_of); reset when values change.
  mutable std::shared_ptr<const Csc16> csc;
  // The N:M slots of the same matrix (kernels.h), for the tightest pattern that holds it.
  int32_t nm_n = 0, nm_m = 0, nm_window = 0, nm_slots = 0;
  std::vector<uint8_t> nm_offsets;
  std::vector<float> nm_values;
};

// fp32 -> bf16, round to nearest, ties to even; NaN stays NaN (quiet). The same rule as the
// Java side that builds bf16 matrices.
snn_bf16 to_bf16(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof(u));
  if ((u & 0x7FFFFFFFu) > 0x7F800000u) return snn_bf16{(uint16_t)((u >> 16) | 0x40u)};
  u += 0x7FFFu + ((u >> 16) & 1u);
  return snn_bf16{(uint16_t)(u >> 16)};
}

float from_bf16(snn_bf16 h) {
  const uint32_t u = (uint32_t)h.bits << 16;
  float f;
  memcpy(&f, &u, sizeof(f));
  return f;
}

void fill_bf16(Csr& m) {
  m.values_bf16.clear();
  for (float v : m.values) m.values_bf16.push_back(to_bf16(v));
  if (m.values_bf16.empty()) m.values_bf16.reserve(1);
}

// The matrix the bf16 kernels compute with: values and dense weights rounded to bf16, so that
// the double-precision reference of the rounded matrix is the bf16 kernels' reference.
Csr rounded_to_bf16(const Csr& m) {
  Csr r = m;
  for (size_t k = 0; k < r.values.size(); k++) r.values[k] = from_bf16(r.values_bf16[k]);
  for (int32_t row = 0; row < r.rows; row++) {
    for (int32_t k = r.row_ptr[row]; k < r.row_ptr[row + 1]; k++) {
      r.dense[(size_t)row * r.cols + r.col_idx[k]] = r.values[k];
    }
  }
  return r;
}

// Fills m's N:M slots for pattern n:gm (n divides 16, gm <= 16 n); false, leaving them
// unchanged, if a group holds more than n nonzeros. Slots of a group are g * n .. g * n + n - 1.
bool encode_nm(Csr& m, int32_t n, int32_t gm) {
  const int64_t groups = ((int64_t)m.cols + gm - 1) / gm;
  const int32_t slots = (int32_t)((groups * n + 15) / 16 * 16);
  const int32_t window = 16 * gm / n;
  std::vector<uint8_t> offsets((size_t)m.rows * slots + 16, 0);
  std::vector<float> values((size_t)m.rows * slots + 16, 0.0f);
  for (int32_t r = 0; r < m.rows; r++) {
    int64_t group = -1;
    int32_t used = 0;
    for (int32_t k = m.row_ptr[r]; k < m.row_ptr[r + 1]; k++) {
      const int32_t c = m.col_idx[k];
      if (c / gm != group) {
        group = c / gm;
        used = 0;
      }
      if (used == n) return false;
      const int64_t slot = group * n + used++;
      offsets[(size_t)r * slots + slot] = (uint8_t)(c - slot / 16 * window);
      values[(size_t)r * slots + slot] = m.values[k];
    }
  }
  m.nm_n = n;
  m.nm_m = gm;
  m.nm_window = window;
  m.nm_slots = slots;
  m.nm_offsets = offsets;
  m.nm_values = values;
  return true;
}

// The sparsest pattern of a fixed list that holds m; 16:16 holds every matrix.
void encode_nm_tightest(Csr& m) {
  const int32_t patterns[][2] = {{1, 16}, {1, 8}, {2, 16}, {1, 4}, {2, 8}, {4, 16},
                                 {2, 4},  {4, 8}, {8, 16}, {16, 16}};
  for (const auto& p : patterns) {
    if (encode_nm(m, p[0], p[1])) return;
  }
}

// Random CSR with the given density; rows with r % 5 == 2 are forced empty when `empty_rows`;
// `last_col` forces column cols-1 into every non-empty row.
Csr make_csr(int32_t rows, int32_t cols, double density, bool empty_rows, bool last_col,
             uint64_t seed) {
  Rng rng(seed);
  Csr m;
  m.rows = rows;
  m.cols = cols;
  m.row_ptr.push_back(0);
  m.dense.assign((size_t)rows * cols, 0.0f);
  for (int32_t r = 0; r < rows; r++) {
    const bool empty = empty_rows && rows > 2 && r % 5 == 2;
    if (!empty) {
      for (int32_t c = 0; c < cols; c++) {
        const bool take = (last_col && c == cols - 1) || (density >= 1.0) ||
                          (density > 0.0 && rng.uniform() < density);
        if (!take) continue;
        float v = rng.sym();
        if (v == 0.0f) v = 0.5f;
        m.col_idx.push_back(c);
        m.values.push_back(v);
        m.dense[(size_t)r * cols + c] = v;
      }
    }
    m.row_ptr.push_back((int32_t)m.col_idx.size());
  }
  if (cols <= 65536) {
    for (int32_t c : m.col_idx) m.col_idx16.push_back((uint16_t)c);
  }
  encode_nm_tightest(m);
  // Never hand a kernel a NULL pointer for an empty matrix.
  if (m.col_idx.empty()) {
    m.col_idx.reserve(1);
    m.col_idx16.reserve(1);
    m.values.reserve(1);
  }
  fill_bf16(m);
  return m;
}

std::vector<float> random_vec(size_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (auto& e : v) e = rng.sym();
  return v;
}

// --- reference -------------------------------------------------------------------------------

struct Act {
  int32_t act;
  float alpha;
  const char* name;
};

const Act kActs[] = {
    {SNN_ACT_IDENTITY, 0.0f, "identity"},
    {SNN_ACT_RELU, 0.0f, "relu"},
    {SNN_ACT_LEAKY_RELU, 0.01f, "leaky0.01"},
    {SNN_ACT_LEAKY_RELU, 0.2f, "leaky0.2"},
    {SNN_ACT_SIGMOID, 0.0f, "sigmoid"},
    {SNN_ACT_TANH, 0.0f, "tanh"},
    {SNN_ACT_GELU, 0.0f, "gelu"},
};
const int kActCount = (int)(sizeof(kActs) / sizeof(kActs[0]));

double ref_act(double x, int32_t act, double alpha) {
  switch (act) {
    case SNN_ACT_RELU:
      return x < 0 ? 0.0 : x;
    case SNN_ACT_LEAKY_RELU:
      return x < 0 ? alpha * x : x;
    case SNN_ACT_SIGMOID:
      return 1.0 / (1.0 + exp(-x));
    case SNN_ACT_TANH:
      return tanh(x);
    case SNN_ACT_GELU:
      return 0.5 * x * (1.0 + erf(x / sqrt(2.0)));
    default:
      return x;
  }
}

// Pre-activation sums (without bias) and sum of |a x|, for y[r * batch + b].
struct Ref {
  std::vector<double> sum, mag;
};

Ref ref_product(const Csr& m, const float* x, int32_t batch) {
  Ref ref;
  ref.sum.assign((size_t)m.rows * batch, 0.0);
  ref.mag.assign((size_t)m.rows * batch, 0.0);
  for (int32_t r = 0; r < m.rows; r++) {
    for (int32_t k = m.row_ptr[r]; k < m.row_ptr[r + 1]; k++) {
      const double a = m.values[k];
      const float* xc = x + (size_t)m.col_idx[k] * batch;
      for (int32_t b = 0; b < batch; b++) {
        ref.sum[(size_t)r * batch + b] += a * xc[b];
        ref.mag[(size_t)r * batch + b] += fabs(a * xc[b]);
      }
    }
  }
  return ref;
}

// Dense reference (zeros included: 0 * inf = NaN like the dense kernels).
Ref ref_dense(const Csr& m, const float* x, int32_t batch) {
  Ref ref;
  ref.sum.assign((size_t)m.rows * batch, 0.0);
  ref.mag.assign((size_t)m.rows * batch, 0.0);
  for (int32_t r = 0; r < m.rows; r++) {
    for (int32_t c = 0; c < m.cols; c++) {
      const double a = m.dense[(size_t)r * m.cols + c];
      const float* xc = x + (size_t)c * batch;
      for (int32_t b = 0; b < batch; b++) {
        ref.sum[(size_t)r * batch + b] += a * xc[b];
        ref.mag[(size_t)r * batch + b] += fabs(a * xc[b]);
      }
    }
  }
  return ref;
}

const float kSentinel = -777.25f;

bool close_enough(float got, double want, double mag) {
  if (isnan(want)) return isnan(got);
  if (isinf(want)) return (double)got == want;
  if (!isfinite(got)) return false;
  return fabs((double)got - want) <= 1e-5 * mag + 1e-6;
}

// Checks y over the whole matrix: the range against the reference, the rest against the
// sentinel. Returns an empty string when all is well, else the first mismatch.
std::string check_output(const std::vector<float>& y, const Ref& ref, int32_t rows, int32_t batch,
                         int32_t r0, int32_t r1, const float* bias, const Act& a) {
  for (int32_t r = 0; r < rows; r++) {
    for (int32_t b = 0; b < batch; b++) {
      const size_t i = (size_t)r * batch + b;
      if (r < r0 || r >= r1) {
        if (memcmp(&y[i], &kSentinel, sizeof(float)) != 0) {
          return fmt("row %d sample %d outside [%d,%d) was written (%g)", r, b, r0, r1, y[i]);
        }
        continue;
      }
      const double bb = bias != NULL ? bias[r] : 0.0;
      const double want = ref_act(ref.sum[i] + bb, a.act, a.alpha);
      if (!close_enough(y[i], want, ref.mag[i] + fabs(bb))) {
        return fmt("row %d sample %d: got %.9g want %.9g (mag %g)", r, b, y[i], want,
                   ref.mag[i] + fabs(bb));
      }
    }
  }
  return "";
}

const int32_t kIsas[] = {SNN_ISA_SCALAR, SNN_ISA_AVX2, SNN_ISA_AVX512, SNN_ISA_NEON};

// The row ranges tried for a matrix of `rows` rows.
std::vector<std::pair<int32_t, int32_t>> ranges_for(int32_t rows) {
  std::vector<std::pair<int32_t, int32_t>> v;
  v.push_back({0, rows});
  if (rows > 5) v.push_back({3, rows - 2});
  if (rows > 1) v.push_back({1, 1});  // empty range
  if (rows > 20) v.push_back({16, rows - 1});  // from a panel boundary of the packed layout
  return v;
}

// --- sparse and dense kernels over one matrix ------------------------------------------------

enum Kind {
  SPMV_CSR,
  SPMV_CSR16,
  SPMM_CSR,
  SPMM_CSR16,
  GEMV,
  GEMV_BLAS,
  GEMM,
  GEMM_PACKED,
  GEMM_BLAS,
  SPMV_CSC16,
  SPMM_CSC16,
  SPMV_CSR16_BF16,
  SPMM_CSR16_BF16,
  SPMV_BSR16,
  SPMM_BSR16,
  SPMV_NM,
  SPMM_NM,
  SPMV_SELL,
  SPMM_SELL
};
const char* kind_name(Kind k) {
  switch (k) {
    case SPMV_CSR:
      return "spmv_csr";
    case SPMV_CSR16:
      return "spmv_csr16";
    case SPMM_CSR:
      return "spmm_csr";
    case SPMM_CSR16:
      return "spmm_csr16";
    case GEMV:
      return "gemv";
    case GEMV_BLAS:
      return "gemv_blas";
    case GEMM:
      return "gemm";
    case GEMM_PACKED:
      return "gemm_packed";
    case SPMV_CSC16:
      return "spmv_csc16";
    case SPMM_CSC16:
      return "spmm_csc16";
    case SPMV_CSR16_BF16:
      return "spmv_csr16_bf16";
    case SPMM_CSR16_BF16:
      return "spmm_csr16_bf16";
    case SPMV_BSR16:
      return "spmv_bsr16";
    case SPMM_BSR16:
      return "spmm_bsr16";
    case SPMV_NM:
      return "spmv_nm";
    case SPMM_NM:
      return "spmm_nm";
    case SPMV_SELL:
      return "spmv_sell";
    case SPMM_SELL:
      return "spmm_sell";
    default:
      return "gemm_blas";
  }
}

// The dense weights of m packed in 16-row panels (kernels.h), 64-byte aligned.
struct PackedWeights {
  float* data;
  explicit PackedWeights(const Csr& m) {
    const int64_t panels = ((int64_t)m.rows + SNN_PACKED_PANEL_ROWS - 1) / SNN_PACKED_PANEL_ROWS;
    const int64_t floats = panels * SNN_PACKED_PANEL_ROWS * m.cols;
    data = (float*)snn_aligned_alloc(floats * (int64_t)sizeof(float) + 64);
    for (int32_t r = 0; r < m.rows; r++) {
      for (int32_t c = 0; c < m.cols; c++) {
        data[(int64_t)(r / SNN_PACKED_PANEL_ROWS) * m.cols * SNN_PACKED_PANEL_ROWS +
             (int64_t)c * SNN_PACKED_PANEL_ROWS + r % SNN_PACKED_PANEL_ROWS] =
            m.dense[(size_t)r * m.cols + c];
      }
    }
  }
  ~PackedWeights() { snn_aligned_free(data); }
  PackedWeights(const PackedWeights&) = delete;
  PackedWeights& operator=(const PackedWeights&) = delete;
};

// The csc16 layout of m (kernels.h): panels of panel_rows rows, each column-major.
struct Csc16 {
  int32_t panel_rows;
  std::vector<int32_t> col_ptr;
  std::vector<uint16_t> row_off;
  std::vector<float> values;
  Csc16(const Csr& m, int32_t panel_rows_) : panel_rows(panel_rows_) {
    const int32_t panels = (m.rows + panel_rows - 1) / panel_rows;
    col_ptr.push_back(0);
    for (int32_t p = 0; p < panels; p++) {
      for (int32_t c = 0; c < m.cols; c++) {
        for (int32_t r = p * panel_rows; r < m.rows && r < (p + 1) * panel_rows; r++) {
          const float v = m.dense[(size_t)r * m.cols + c];
          if (v == 0.0f) continue;
          row_off.push_back((uint16_t)(r - p * panel_rows));
          values.push_back(v);
        }
        col_ptr.push_back((int32_t)values.size());
      }
    }
    row_off.reserve(1);
    values.reserve(1);
  }
};

// The bsr16 layout of m (kernels.h): a panel keeps a block for every column that any of its
// rows uses; the zeros inside a kept block are stored.
struct Bsr16 {
  std::vector<int32_t> panel_ptr;
  std::vector<uint16_t> block_col;
  std::vector<float> values;
  explicit Bsr16(const Csr& m) {
    const int32_t panels = (m.rows + SNN_BSR16_ROWS - 1) / SNN_BSR16_ROWS;
    panel_ptr.push_back(0);
    for (int32_t p = 0; p < panels; p++) {
      std::vector<bool> used((size_t)m.cols, false);
      for (int32_t r = p * SNN_BSR16_ROWS; r < m.rows && r < (p + 1) * SNN_BSR16_ROWS; r++) {
        for (int32_t k = m.row_ptr[r]; k < m.row_ptr[r + 1]; k++) used[(size_t)m.col_idx[k]] = true;
      }
      for (int32_t c = 0; c < m.cols; c++) {
        if (!used[(size_t)c]) continue;
        block_col.push_back((uint16_t)c);
        for (int32_t i = 0; i < SNN_BSR16_ROWS; i++) {
          const int32_t r = p * SNN_BSR16_ROWS + i;
          values.push_back(r < m.rows ? m.dense[(size_t)r * m.cols + c] : 0.0f);
        }
      }
      panel_ptr.push_back((int32_t)block_col.size());
    }
    block_col.reserve(1);  // never a NULL pointer
    values.reserve(1);
  }
};

// The sell layout of m (kernels.h), rows sorted by length (descending, stable) within aligned
// groups of `group` rows (1: lane l is row l).
struct Sell {
  std::vector<int32_t> lane_rows, slice_slots;
  std::vector<uint8_t> window_slots, offsets;
  std::vector<float> values;
  Sell(const Csr& m, int32_t group) {
    const int32_t slices = (m.rows + 15) / 16;
    const int32_t windows = (m.cols + SNN_SELL_WINDOW - 1) / SNN_SELL_WINDOW;
    lane_rows.assign((size_t)slices * 16, -1);
    for (int32_t g0 = 0; g0 < m.rows; g0 += group) {
      const int32_t g1 = std::min(m.rows, g0 + group);
      std::vector<int32_t> order;
      for (int32_t r = g0; r < g1; r++) order.push_back(r);
      std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
        return m.row_ptr[a + 1] - m.row_ptr[a] > m.row_ptr[b + 1] - m.row_ptr[b];
      });
      for (int32_t i = 0; i < g1 - g0; i++) lane_rows[(size_t)g0 + i] = order[(size_t)i];
    }
    slice_slots.push_back(0);
    for (int32_t s = 0; s < slices; s++) {
      std::vector<int32_t> next(16, 0), end(16, 0);
      for (int l = 0; l < 16; l++) {
        const int32_t r = lane_rows[(size_t)s * 16 + l];
        if (r >= 0) {
          next[l] = m.row_ptr[r];
          end[l] = m.row_ptr[r + 1];
        }
      }
      int32_t slots = slice_slots.back();
      for (int32_t w = 0; w < windows; w++) {
        const int32_t limit = (w + 1) * SNN_SELL_WINDOW;
        int32_t count = 0;
        for (int l = 0; l < 16; l++) {
          int32_t k = next[l];
          while (k < end[l] && m.col_idx[k] < limit) k++;
          count = std::max(count, k - next[l]);
        }
        window_slots.push_back((uint8_t)count);
        for (int32_t t = 0; t < count; t++) {
          for (int l = 0; l < 16; l++) {
            const bool has = next[l] < end[l] && m.col_idx[next[l]] < limit;
            offsets.push_back(has ? (uint8_t)(m.col_idx[next[l]] - w * SNN_SELL_WINDOW) : 0);
            values.push_back(has ? m.values[next[l]] : 0.0f);
            if (has) next[l]++;
          }
        }
        slots += count;
      }
      slice_slots.push_back(slots);
    }
    lane_rows.reserve(1);  // never a NULL pointer
    window_slots.reserve(1);
    offsets.reserve(1);
    values.reserve(1);
  }
};

// The sell layout for a row range: sorted in groups of 32 rows when the range holds whole
// groups (their lanes are their rows), else unsorted.
Sell sell_for_range(const Csr& m, int32_t r0, int32_t r1) {
  const int32_t group = 32;
  const bool whole = r0 % group == 0 && (r1 % group == 0 || r1 == m.rows);
  return Sell(m, whole ? group : 1);
}

// Panel heights for the tests: several panels and panels cut by the ranges.
int32_t csc_panel_rows(const Csr& m) { return m.rows > 100 ? 64 : 5; }

// m in the csc16 layout, built once per matrix (large ones are run many times).
const Csc16& csc16_of(const Csr& m) {
  if (!m.csc) m.csc = std::make_shared<const Csc16>(m, csc_panel_rows(m));
  return *m.csc;
}

// m with the block pattern of its bsr16 layout as its sparsity pattern (stored zeros included):
// the double-precision reference of the bsr16 kernels, where 0 * inf in a block is NaN.
Csr blocked16(const Csr& m) {
  const Bsr16 b(m);
  Csr out = m;
  out.row_ptr.assign(1, 0);
  out.col_idx.clear();
  out.values.clear();
  for (int32_t r = 0; r < m.rows; r++) {
    const int32_t p = r / SNN_BSR16_ROWS;
    for (int32_t k = b.panel_ptr[p]; k < b.panel_ptr[p + 1]; k++) {
      out.col_idx.push_back(b.block_col[k]);
      out.values.push_back(b.values[(size_t)k * SNN_BSR16_ROWS + r % SNN_BSR16_ROWS]);
    }
    out.row_ptr.push_back((int32_t)out.col_idx.size());
  }
  return out;
}

int32_t call_kernel(Kind kind, int32_t isa, const Csr& m, int32_t r0, int32_t r1, const float* x,
                    int32_t batch, const float* bias, float* y, const Act& a) {
  switch (kind) {
    case SPMV_CSR:
      return snn_f32_spmv_csr(isa, r0, r1, m.row_ptr.data(), m.col_idx.data(), m.values.data(), x,
                              bias, y, a.act, a.alpha);
    case SPMV_CSR16:
      return snn_f32_spmv_csr16(isa, r0, r1, m.row_ptr.data(), m.col_idx16.data(), m.values.data(),
                                x, bias, y, a.act, a.alpha);
    case SPMM_CSR:
      return snn_f32_spmm_csr(isa, r0, r1, m.row_ptr.data(), m.col_idx.data(), m.values.data(), x,
                              batch, bias, y, a.act, a.alpha);
    case SPMM_CSR16:
      return snn_f32_spmm_csr16(isa, r0, r1, m.row_ptr.data(), m.col_idx16.data(), m.values.data(),
                                x, batch, bias, y, a.act, a.alpha);
    case GEMV:
      return snn_f32_gemv(isa, r0, r1, m.cols, m.dense.data(), x, bias, y, a.act, a.alpha);
    case GEMV_BLAS:
      return snn_f32_gemv_blas(isa, r0, r1, m.cols, m.dense.data(), x, bias, y, a.act, a.alpha);
    case GEMM:
      return snn_f32_gemm(isa, r0, r1, m.cols, m.dense.data(), x, batch, bias, y, a.act, a.alpha);
    case GEMM_PACKED: {
      const PackedWeights packed(m);
      return snn_f32_gemm_packed(isa, r0, r1, m.cols, packed.data, x, batch, bias, y, a.act,
                                 a.alpha);
    }
    case SPMV_CSC16: {
      const Csc16& c = csc16_of(m);
      return snn_f32_spmv_csc16(isa, r0, r1, m.cols, c.panel_rows, c.col_ptr.data(),
                                c.row_off.data(), c.values.data(), x, bias, y, a.act, a.alpha);
    }
    case SPMM_CSC16: {
      const Csc16& c = csc16_of(m);
      return snn_f32_spmm_csc16(isa, r0, r1, m.cols, c.panel_rows, c.col_ptr.data(),
                                c.row_off.data(), c.values.data(), x, batch, bias, y, a.act,
                                a.alpha);
    }
    case SPMV_CSR16_BF16:
      return snn_f32_spmv_csr16_bf16(isa, r0, r1, m.row_ptr.data(), m.col_idx16.data(),
                                     m.values_bf16.data(), x, bias, y, a.act, a.alpha);
    case SPMM_CSR16_BF16:
      return snn_f32_spmm_csr16_bf16(isa, r0, r1, m.row_ptr.data(), m.col_idx16.data(),
                                     m.values_bf16.data(), x, batch, bias, y, a.act, a.alpha);
    case SPMV_BSR16: {
      const Bsr16 b(m);
      return snn_f32_spmv_bsr16(isa, r0, r1, b.panel_ptr.data(), b.block_col.data(),
                                b.values.data(), x, bias, y, a.act, a.alpha);
    }
    case SPMM_BSR16: {
      const Bsr16 b(m);
      return snn_f32_spmm_bsr16(isa, r0, r1, b.panel_ptr.data(), b.block_col.data(),
                                b.values.data(), x, batch, bias, y, a.act, a.alpha);
    }
    case SPMV_NM:
      return snn_f32_spmv_nm(isa, r0, r1, m.cols, m.nm_window, m.nm_slots, m.nm_offsets.data(),
                             m.nm_values.data(), x, bias, y, a.act, a.alpha);
    case SPMM_NM:
      return snn_f32_spmm_nm(isa, r0, r1, m.cols, m.nm_window, m.nm_slots, m.nm_offsets.data(),
                             m.nm_values.data(), x, batch, bias, y, a.act, a.alpha);
    case SPMV_SELL: {
      const Sell c = sell_for_range(m, r0, r1);
      return snn_f32_spmv_sell(isa, r0, r1, m.cols, c.lane_rows.data(), c.slice_slots.data(),
                               c.window_slots.data(), c.offsets.data(), c.values.data(), x, bias,
                               y, a.act, a.alpha);
    }
    case SPMM_SELL: {
      const Sell c = sell_for_range(m, r0, r1);
      return snn_f32_spmm_sell(isa, r0, r1, m.cols, c.lane_rows.data(), c.slice_slots.data(),
                               c.window_slots.data(), c.offsets.data(), c.values.data(), x, batch,
                               bias, y, a.act, a.alpha);
    }
    default:
      return snn_f32_gemm_blas(isa, r0, r1, m.cols, m.dense.data(), x, batch, bias, y, a.act,
                               a.alpha);
  }
}

// Runs `kind` for every supported ISA, every activation, bias on/off, every range.
void run_matrix_case(Kind kind, const Csr& m, const std::vector<float>& x, int32_t batch,
                     const std::vector<float>& bias, const Ref& ref, const char* label) {
  int variant = 0;
  for (int32_t isa : kIsas) {
    if (!snn_isa_supported(isa)) continue;
    for (int ai = 0; ai < kActCount; ai++) {
      const Act& a = kActs[ai];
      for (const auto& range : ranges_for(m.rows)) {
        const bool with_bias = (variant++ % 2) == 0;
        const float* bp = with_bias ? bias.data() : NULL;
        std::vector<float> y((size_t)m.rows * batch, kSentinel);
        const int32_t rc =
            call_kernel(kind, isa, m, range.first, range.second, x.data(), batch, bp, y.data(), a);
        std::string err =
            rc != SNN_OK ? fmt("status %d", rc)
                         : check_output(y, ref, m.rows, batch, range.first, range.second, bp, a);
        record(err.empty(), fmt("%s isa=%s %s %dx%d batch=%d %s bias=%d range=[%d,%d): %s",
                                kind_name(kind), snn_isa_name(isa), label, m.rows, m.cols, batch,
                                a.name, with_bias ? 1 : 0, range.first, range.second, err.c_str()));
      }
    }
  }
}

struct Shape {
  int32_t rows, cols;
  std::vector<int32_t> batches;
  bool last_col;
};

void test_matrices() {
  const std::vector<Shape> shapes = {
      {1, 1, {1, 3, 8, 17, 64, 100}, false},
      {1, 37, {1, 3, 8, 17, 64, 100}, false},
      {37, 1, {1, 3, 8, 17, 64, 100}, false},
      {17, 33, {1, 3, 8, 17, 64, 100}, false},
      {64, 129, {1, 16, 17, 33, 64, 100}, false},
      {300, 784, {1, 3, 64}, false},
      {1000, 1000, {1, 17}, false},
      {7, 65536, {1, 3}, true},  // csr16 at its limit: column 65535 used in every row
      {5, 40000, {1, 17}, true},
  };
  const double densities[] = {0.0, 0.01, 0.1, 0.5, 1.0};
  uint64_t seed = 1;
  for (const Shape& s : shapes) {
    for (double d : densities) {
      const bool big = (double)s.rows * s.cols >= 200000.0;
      if (big && d >= 1.0 && s.cols > 1000) continue;  // 65536-wide dense rows: 0.5 is enough
      for (int empty = 0; empty < 2; empty++) {
        if (big && empty == 1 && d != 0.1) continue;
        const Csr m = make_csr(s.rows, s.cols, d, empty == 1, s.last_col, seed++);
        const Csr mb = rounded_to_bf16(m);
        const std::vector<float> bias = random_vec((size_t)s.rows, seed++);
        char label[64];
        snprintf(label, sizeof(label), "density=%g empty_rows=%d", d, empty);
        for (int32_t batch : s.batches) {
          const std::vector<float> x = random_vec((size_t)s.cols * batch, seed++);
          const Ref ref = ref_product(m, x.data(), batch);
          const Ref bref = ref_product(mb, x.data(), batch);
          if (s.cols <= 65536) run_matrix_case(batch == 1 ? SPMV_CSR16_BF16 : SPMM_CSR16_BF16, mb, x,
                                               batch, bias, bref, label);
          if (batch == 1) {
            run_matrix_case(SPMV_CSR, m, x, 1, bias, ref, label);
            if (s.cols <= 65536) run_matrix_case(SPMV_CSR16, m, x, 1, bias, ref, label);
            run_matrix_case(SPMV_CSC16, m, x, 1, bias, ref, label);
            run_matrix_case(SPMV_NM, m, x, 1, bias, ref, label);
            run_matrix_case(SPMV_SELL, m, x, 1, bias, ref, label);
            if ((double)s.rows * s.cols <= 1e6) {
              run_matrix_case(GEMV, m, x, 1, bias, ref, label);
              run_matrix_case(GEMM_PACKED, m, x, 1, bias, ref, label);
              run_matrix_case(GEMV_BLAS, m, x, 1, bias, ref, label);
            }
          }
          run_matrix_case(SPMM_CSR, m, x, batch, bias, ref, label);
          if (s.cols <= 65536) run_matrix_case(SPMM_CSR16, m, x, batch, bias, ref, label);
          run_matrix_case(SPMM_CSC16, m, x, batch, bias, ref, label);
          // (smaller than the dense limit: the block layout is rebuilt per call, slow under ASan)
          if (s.cols <= 65536 && (double)s.rows * s.cols * batch <= 3.2e5) {
            const Ref bref = ref_product(blocked16(m), x.data(), batch);
            if (batch == 1) run_matrix_case(SPMV_BSR16, m, x, 1, bias, bref, label);
            run_matrix_case(SPMM_BSR16, m, x, batch, bias, bref, label);
          }
          if ((double)s.rows * s.cols * batch <= 4e6) {
            run_matrix_case(SPMM_NM, m, x, batch, bias, ref, label);
            run_matrix_case(SPMM_SELL, m, x, batch, bias, ref, label);
          }
          if ((double)s.rows * s.cols * batch <= 2e6) {
            run_matrix_case(GEMM, m, x, batch, bias, ref, label);
            run_matrix_case(GEMM_PACKED, m, x, batch, bias, ref, label);
            run_matrix_case(GEMM_BLAS, m, x, batch, bias, ref, label);
          }
        }
      }
    }
  }
}

// Every row length from 0 to 79 (row r has r nonzeros), to hit every tail of every kernel.
void test_row_lengths() {
  const int32_t rows = 80, cols = 97;
  Csr m;
  m.rows = rows;
  m.cols = cols;
  m.row_ptr.push_back(0);
  m.dense.assign((size_t)rows * cols, 0.0f);
  Rng rng(4242);
  for (int32_t r = 0; r < rows; r++) {
    // r distinct columns, spread over [0, cols), increasing
    for (int32_t j = 0; j < r; j++) {
      const int32_t c = (int32_t)(((int64_t)j * cols) / r);
      const float v = rng.sym() + 2.0f;
      m.col_idx.push_back(c);
      m.col_idx16.push_back((uint16_t)c);
      m.values.push_back(v);
      m.dense[(size_t)r * cols + c] = v;
    }
    m.row_ptr.push_back((int32_t)m.col_idx.size());
  }
  fill_bf16(m);
  const Csr mb = rounded_to_bf16(m);
  encode_nm_tightest(m);
  const std::vector<float> bias = random_vec(rows, 17);
  for (int32_t batch : {1, 2, 5, 15, 16, 31, 33, 48, 63, 65, 128, 130}) {
    for (int special = 0; special < 3; special++) {
      // special 1: +-inf inputs (kernels must not turn an inf they re-read under a mask into
      // NaN); special 2: NaN inputs.
      std::vector<float> x = random_vec((size_t)cols * batch, 100 + batch);
      const char* label = "row-lengths";
      if (special == 1) {
        label = "row-lengths +-inf";
        for (int32_t c = 0; c < cols; c++) {
          if (c % 11 != 5) continue;
          for (int32_t b = 0; b < batch; b++)
            x[(size_t)c * batch + b] = b % 2 ? -INFINITY : INFINITY;
        }
      } else if (special == 2) {
        label = "row-lengths nan";
        for (int32_t b = 0; b < batch; b += 2) x[(size_t)(70 + b % 20) * batch + b] = NAN;
      }
      const Ref ref = ref_product(m, x.data(), batch);
      const Ref dref = ref_dense(m, x.data(), batch);
      run_matrix_case(batch == 1 ? SPMV_CSR16_BF16 : SPMM_CSR16_BF16, mb, x, batch, bias,
                      ref_product(mb, x.data(), batch), label);
      if (batch == 1) {
        run_matrix_case(SPMV_CSR, m, x, 1, bias, ref, label);
        run_matrix_case(SPMV_CSR16, m, x, 1, bias, ref, label);
        run_matrix_case(SPMV_CSC16, m, x, 1, bias, ref, label);
        run_matrix_case(SPMV_NM, m, x, 1, bias, ref, label);
        run_matrix_case(SPMV_SELL, m, x, 1, bias, ref, label);
        run_matrix_case(GEMV, m, x, 1, bias, dref, label);
        run_matrix_case(GEMM_PACKED, m, x, 1, bias, dref, label);
      }
      run_matrix_case(SPMM_SELL, m, x, batch, bias, ref, label);
      run_matrix_case(SPMM_CSR, m, x, batch, bias, ref, label);
      run_matrix_case(SPMM_CSR16, m, x, batch, bias, ref, label);
      run_matrix_case(SPMM_CSC16, m, x, batch, bias, ref, label);
      const Ref bref = ref_product(blocked16(m), x.data(), batch);
      if (batch == 1) run_matrix_case(SPMV_BSR16, m, x, 1, bias, bref, label);
      run_matrix_case(SPMM_BSR16, m, x, batch, bias, bref, label);
      run_matrix_case(SPMM_NM, m, x, batch, bias, ref, label);
      run_matrix_case(GEMM, m, x, batch, bias, dref, label);
      run_matrix_case(GEMM_PACKED, m, x, batch, bias, dref, label);
    }
  }
}

// SpMM at every register block of the tiles: batch 1-17 (one ymm / zmm / q blocks, masked or
// full), around 32 and 64 (two to four zmm, full 64 blocks) and beyond; rows of every length
// 0-79 (every leftover of nonzeros dealt round-robin to 2, 4 or 8 accumulators), ranges that
// start and end off any row block, an all-empty matrix and one with no rows; finite, +-inf and
// NaN inputs.
void test_spmm_batches() {
  Csr lengths;  // row r has r nonzeros, spread over the columns
  lengths.rows = 80;
  lengths.cols = 83;
  lengths.row_ptr.push_back(0);
  lengths.dense.assign((size_t)lengths.rows * lengths.cols, 0.0f);
  Rng rng(5151);
  for (int32_t r = 0; r < lengths.rows; r++) {
    for (int32_t j = 0; j < r; j++) {
      const int32_t c = (int32_t)(((int64_t)j * lengths.cols) / r + (r % 3)) % lengths.cols;
      const float v = rng.sym() + 2.0f;
      lengths.col_idx.push_back(c);
      lengths.col_idx16.push_back((uint16_t)c);
      lengths.values.push_back(v);
      lengths.dense[(size_t)r * lengths.cols + c] += v;
    }
    lengths.row_ptr.push_back((int32_t)lengths.col_idx.size());
  }
  const Csr matrices[] = {lengths, make_csr(13, 40, 0.0, false, false, 61),
                          make_csr(0, 9, 0.5, false, false, 62)};
  std::vector<int32_t> batches;
  for (int32_t b = 1; b <= 17; b++) batches.push_back(b);
  for (int32_t b : {24, 31, 32, 33, 47, 48, 49, 63, 64, 65, 80, 127, 128, 129}) {
    batches.push_back(b);
  }
  uint64_t seed = 3100;
  for (const Csr& m : matrices) {
    const std::vector<float> bias = random_vec((size_t)m.rows, seed++);
    for (int32_t batch : batches) {
      for (int special = 0; special < 3; special++) {
        std::vector<float> x = random_vec((size_t)m.cols * batch, seed++);
        const char* label = "spmm-batches";
        if (special == 1) {
          label = "spmm-batches +-inf";
          for (int32_t c = 4; c < m.cols; c += 13) {
            for (int32_t b = 0; b < batch; b++) {
              x[(size_t)c * batch + b] = (b + c) % 3 == 0 ? -INFINITY : INFINITY;
            }
          }
        } else if (special == 2) {
          label = "spmm-batches nan";
          for (int32_t c = 2; c < m.cols; c += 17) x[(size_t)c * batch + (c % batch)] = NAN;
        }
        const Ref ref = ref_product(m, x.data(), batch);
        run_matrix_case(SPMM_CSR, m, x, batch, bias, ref, label);
        run_matrix_case(SPMM_CSR16, m, x, batch, bias, ref, label);
      }
    }
  }
}

// NaN and +-Inf inputs propagate as IEEE: a row with a nonzero weight at a NaN input is NaN.
void test_non_finite() {
  Csr m = make_csr(23, 40, 0.4, true, false, 777);
  // Make sure columns 3, 5, 7 are used by some rows.
  for (int32_t batch : {1, 3, 17, 64}) {
    std::vector<float> x = random_vec((size_t)m.cols * batch, 99 + batch);
    const int32_t b1 = batch > 1 ? 1 : 0;
    x[(size_t)3 * batch + b1] = NAN;
    x[(size_t)5 * batch + 0] = INFINITY;
    x[(size_t)7 * batch + b1] = -INFINITY;
    const std::vector<float> bias = random_vec((size_t)m.rows, 5);
    const Ref ref = ref_product(m, x.data(), batch);
    int nonfinite = 0;
    for (double v : ref.sum) nonfinite += !isfinite(v);
    record(nonfinite > 0, fmt("non-finite setup: %d non-finite reference sums", nonfinite));
    const Ref dref = ref_dense(m, x.data(), batch);
    const Csr mb = rounded_to_bf16(m);
    run_matrix_case(batch == 1 ? SPMV_CSR16_BF16 : SPMM_CSR16_BF16, mb, x, batch, bias,
                    ref_product(mb, x.data(), batch), "non-finite");
    if (batch == 1) {
      run_matrix_case(SPMV_CSR, m, x, 1, bias, ref, "non-finite");
      run_matrix_case(SPMV_CSR16, m, x, 1, bias, ref, "non-finite");
      run_matrix_case(SPMV_CSC16, m, x, 1, bias, ref, "non-finite");
      run_matrix_case(SPMV_NM, m, x, 1, bias, ref, "non-finite");
      run_matrix_case(SPMV_SELL, m, x, 1, bias, ref, "non-finite");
      run_matrix_case(GEMV, m, x, 1, bias, dref, "non-finite");
      run_matrix_case(GEMM_PACKED, m, x, 1, bias, dref, "non-finite");
      run_matrix_case(GEMV_BLAS, m, x, 1, bias, dref, "non-finite");
    }
    run_matrix_case(SPMM_CSR, m, x, batch, bias, ref, "non-finite");
    run_matrix_case(SPMM_CSR16, m, x, batch, bias, ref, "non-finite");
    run_matrix_case(SPMM_CSC16, m, x, batch, bias, ref, "non-finite");
    const Ref bref = ref_product(blocked16(m), x.data(), batch);
    if (batch == 1) run_matrix_case(SPMV_BSR16, m, x, 1, bias, bref, "non-finite");
    run_matrix_case(SPMM_BSR16, m, x, batch, bias, bref, "non-finite");
    run_matrix_case(SPMM_NM, m, x, batch, bias, ref, "non-finite");
    run_matrix_case(SPMM_SELL, m, x, batch, bias, ref, "non-finite");
    run_matrix_case(GEMM, m, x, batch, bias, dref, "non-finite");
    run_matrix_case(GEMM_PACKED, m, x, batch, bias, dref, "non-finite");
    run_matrix_case(GEMM_BLAS, m, x, batch, bias, dref, "non-finite");
  }
}

// csc16 skips zero inputs: inputs with a fraction of exact zeros (none, some, most, all),
// whole features zero across the batch, zeros beside NaN and +-inf, and -0.0 (a zero too).
void test_csc16_zero_inputs() {
  struct ZeroShape {
    int32_t rows, cols;
  };
  const ZeroShape shapes[] = {{1, 1}, {3, 70}, {37, 129}, {100, 300}, {130, 65}};
  uint64_t seed = 5000;
  for (const ZeroShape& s : shapes) {
    for (double density : {0.1, 0.5, 1.0}) {
      const Csr m = make_csr(s.rows, s.cols, density, true, false, seed++);
      const std::vector<float> bias = random_vec((size_t)s.rows, seed++);
      for (double zeros : {0.0, 0.5, 0.87, 1.0}) {
        for (int32_t batch : {1, 3, 16, 17}) {
          Rng rng(seed++);
          std::vector<float> x = random_vec((size_t)s.cols * batch, seed++);
          for (int32_t c = 0; c < s.cols; c++) {
            // half the zeros by whole features (skippable in a batch), half by single samples
            const bool feature = rng.uniform() < zeros / 2;
            for (int32_t b = 0; b < batch; b++) {
              if (feature || rng.uniform() < zeros) x[(size_t)c * batch + b] = b % 3 ? 0.0f : -0.0f;
            }
          }
          char label[96];
          snprintf(label, sizeof(label), "zero-inputs density=%g zeros=%g", density, zeros);
          const Ref ref = ref_product(m, x.data(), batch);
          if (batch == 1) run_matrix_case(SPMV_CSC16, m, x, 1, bias, ref, label);
          run_matrix_case(SPMM_CSC16, m, x, batch, bias, ref, label);
          if (zeros == 0.5 && s.cols > 3) {
            x[1] = NAN;
            x[(size_t)2 * batch] = INFINITY;
            x[(size_t)3 * batch + batch - 1] = -INFINITY;
            snprintf(label, sizeof(label), "zero-inputs non-finite density=%g", density);
            const Ref nref = ref_product(m, x.data(), batch);
            if (batch == 1) run_matrix_case(SPMV_CSC16, m, x, 1, bias, nref, label);
            run_matrix_case(SPMM_CSC16, m, x, batch, bias, nref, label);
          }
        }
      }
    }
  }
}

// Dense batched kernel: every batch 1..70 (every register tile and masked tail), row counts
// around the 1/2/4/8-row tiles, column counts around the 16-column steps, no columns, all-zero
// weights; and shapes with several column chunks (partial sums kept in y between chunks).
// An N:M matrix: in each group of gm inputs of a row (the last one ragged when gm does not
// divide cols) a random number of nonzeros up to n, at random places; rows with r % 7 == 3
// empty. Encoded with exactly that pattern.
Csr make_nm_csr(int32_t rows, int32_t cols, int32_t n, int32_t gm, uint64_t seed) {
  Rng rng(seed);
  Csr m;
  m.rows = rows;
  m.cols = cols;
  m.row_ptr.push_back(0);
  m.dense.assign((size_t)rows * cols, 0.0f);
  for (int32_t r = 0; r < rows; r++) {
    if (r % 7 != 3) {
      for (int32_t g0 = 0; g0 < cols; g0 += gm) {
        const int32_t width = cols - g0 < gm ? cols - g0 : gm;
        // mostly full groups (the pruner's output), sometimes fewer
        int32_t want = rng.uniform() < 0.8 ? n : (int32_t)(rng.next() % (uint64_t)(n + 1));
        if (want > width) want = width;
        std::vector<int32_t> chosen;
        while ((int32_t)chosen.size() < want) {
          const int32_t c = g0 + (int32_t)(rng.next() % (uint64_t)width);
          bool seen = false;
          for (int32_t e : chosen) seen = seen || e == c;
          if (!seen) chosen.push_back(c);
        }
        for (size_t i = 1; i < chosen.size(); i++) {  // increasing within the group
          for (size_t j = i; j > 0 && chosen[j - 1] > chosen[j]; j--) {
            const int32_t t = chosen[j];
            chosen[j] = chosen[j - 1];
            chosen[j - 1] = t;
          }
        }
        for (int32_t c : chosen) {
          float v = rng.sym();
          if (v == 0.0f) v = 0.5f;
          m.col_idx.push_back(c);
          m.values.push_back(v);
          m.dense[(size_t)r * cols + c] = v;
        }
      }
    }
    m.row_ptr.push_back((int32_t)m.col_idx.size());
  }
  if (!encode_nm(m, n, gm)) {
    record(false, fmt("make_nm_csr: %d:%d does not hold its own matrix", n, gm));
  }
  if (m.col_idx.empty()) {
    m.col_idx.reserve(1);
    m.values.reserve(1);
  }
  return m;
}

// Every pattern the session builds (each window width of the SIMD kernels: 16, 32, 64, 128,
// 256), awkward shapes (1x1, cols off the group and vector widths, rows off the SIMD widths),
// empty rows and groups with fewer nonzeros than n; finite, all-zero, +-inf and NaN inputs
// (an infinite input under a zero slot must not turn into NaN).
// sell: rows of very uneven lengths (0 to all columns, so slices pad most lanes), sorted in
// groups and unsorted, widths around the 64-input window; inputs random, all zero, with +-inf
// or NaN at the window starts (the column every padding lane reads: the unmasked AVX-512 path
// must not run then), and ranges of whole groups and of odd lanes.
void test_sell() {
  const int32_t shapes[][2] = {{1, 1}, {16, 64}, {17, 63}, {33, 65}, {40, 130}, {70, 200}};
  uint64_t seed = 47000;
  for (const auto& sh : shapes) {
    Csr m;
    m.rows = sh[0];
    m.cols = sh[1];
    m.row_ptr.push_back(0);
    m.dense.assign((size_t)m.rows * m.cols, 0.0f);
    Rng rng(seed++);
    for (int32_t r = 0; r < m.rows; r++) {
      // densities 0, 1 and a spread between, the full row every 7th
      const double d = r % 7 == 3 ? 1.0 : r % 5 == 1 ? 0.0 : rng.uniform() * rng.uniform();
      for (int32_t c = 0; c < m.cols; c++) {
        if (d < 1.0 && !(rng.uniform() < d)) continue;
        const float v = rng.sym() + 1.5f;
        m.col_idx.push_back(c);
        m.values.push_back(v);
        m.dense[(size_t)r * m.cols + c] = v;
      }
      m.row_ptr.push_back((int32_t)m.col_idx.size());
    }
    m.col_idx.reserve(1);
    m.values.reserve(1);
    const std::vector<float> bias = random_vec((size_t)m.rows, seed++);
    for (int32_t batch : {1, 2, 9, 16, 17}) {
      for (int special = 0; special < 4; special++) {
        std::vector<float> x = random_vec((size_t)m.cols * batch, seed++);
        for (int32_t c = 0; c < m.cols; c += SNN_SELL_WINDOW) {
          for (int32_t b = 0; b < batch; b++) {
            float& e = x[(size_t)c * batch + b];
            if (special == 1) e = 0.0f;
            if (special == 2) e = (b + c / 64) % 2 ? -INFINITY : INFINITY;
            if (special == 3 && b % 2 == 0) e = NAN;
          }
        }
        if (special == 1) {
          for (auto& e : x) e = 0.0f;
        }
        const Ref ref = ref_product(m, x.data(), batch);
        char label[64];
        snprintf(label, sizeof(label), "sell input=%s",
                 special == 0 ? "random" : special == 1 ? "zero" : special == 2 ? "inf" : "nan");
        if (batch == 1) run_matrix_case(SPMV_SELL, m, x, 1, bias, ref, label);
        run_matrix_case(SPMM_SELL, m, x, batch, bias, ref, label);
      }
    }
  }
}

void test_nm() {
  const int32_t patterns[][2] = {{2, 4}, {1, 4}, {2, 8}, {4, 8}, {1, 8},
                                 {2, 16}, {1, 16}, {8, 16}, {16, 16}};
  const int32_t shapes[][2] = {{1, 1}, {1, 3}, {3, 5}, {17, 33}, {37, 100}, {9, 129},
                               {20, 784}, {5, 1030}};
  uint64_t seed = 31000;
  for (const auto& p : patterns) {
    for (const auto& sh : shapes) {
      const Csr m = make_nm_csr(sh[0], sh[1], p[0], p[1], seed++);
      const std::vector<float> bias = random_vec((size_t)m.rows, seed++);
      for (int32_t batch : {1, 3, 16, 17}) {
        for (int special = 0; special < 4; special++) {
          std::vector<float> x = random_vec((size_t)m.cols * batch, seed++);
          if (special == 1) {
            for (auto& e : x) e = 0.0f;
          } else if (special == 2) {
            for (size_t i = 0; i < x.size(); i += 7) x[i] = i % 2 ? -INFINITY : INFINITY;
          } else if (special == 3) {
            for (size_t i = 3; i < x.size(); i += 11) x[i] = NAN;
          }
          const Ref ref = ref_product(m, x.data(), batch);
          char label[96];
          snprintf(label, sizeof(label), "nm %d:%d input=%s", p[0], p[1],
                   special == 0 ? "random" : special == 1 ? "zero" : special == 2 ? "inf" : "nan");
          if (batch == 1) run_matrix_case(SPMV_NM, m, x, 1, bias, ref, label);
          run_matrix_case(SPMM_NM, m, x, batch, bias, ref, label);
        }
      }
    }
  }
}

void test_gemm() {
  struct GemmShape {
    int32_t rows, cols;
    std::vector<int32_t> batches;
  };
  std::vector<int32_t> all;
  for (int32_t b = 1; b <= 70; b++) all.push_back(b);
  const std::vector<GemmShape> shapes = {
      {1, 1, all},
      {19, 37, all},
      {8, 16, {1, 8, 9, 16, 17, 32, 33, 64, 65}},
      {13, 0, {1, 8, 17, 64}},
      {0, 5, {3}},
      {11, 2100, {1, 8, 17, 33, 64, 70, 130}},
      {37, 700, {200, 256}},
  };
  uint64_t seed = 900;
  for (const GemmShape& s : shapes) {
    for (double d : {0.0, 1.0}) {
      const Csr m = make_csr(s.rows, s.cols, d, false, false, seed++);
      const std::vector<float> bias = random_vec((size_t)s.rows + 1, seed++);
      char label[64];
      snprintf(label, sizeof(label), "gemm density=%g", d);
      for (int32_t batch : s.batches) {
        std::vector<float> x = random_vec((size_t)s.cols * batch + 1, seed++);
        const Ref ref = ref_dense(m, x.data(), batch);
        run_matrix_case(GEMM, m, x, batch, bias, ref, label);
        run_matrix_case(GEMM_PACKED, m, x, batch, bias, ref, label);
      }
    }
  }
}

// Transpose on shapes around the 8- and 16-row gather groups, empty and 1 x 1: exact, and
// nothing written past the end of dst.
void test_transpose() {
  const int32_t shapes[][2] = {{0, 5},  {5, 0},   {1, 1},  {1, 40},  {40, 1},  {7, 9},
                               {8, 8},  {15, 17}, {16, 16}, {17, 33}, {64, 784}, {3, 1000},
                               {8, 784}, {10, 64}, {64, 10}, {24, 17}, {63, 785}};
  uint64_t seed = 4000;
  for (const auto& shape : shapes) {
    const int32_t rows = shape[0], cols = shape[1];
    const size_t n = (size_t)rows * cols;
    const std::vector<float> src = random_vec(n, seed++);
    for (int32_t isa : kIsas) {
      if (!snn_isa_supported(isa)) continue;
      std::vector<float> dst(n + 17, kSentinel);
      const int32_t rc = snn_f32_transpose(isa, rows, cols, src.data(), dst.data());
      std::string err = rc == SNN_OK ? "" : fmt("status %d", rc);
      for (int32_t r = 0; r < rows && err.empty(); r++) {
        for (int32_t c = 0; c < cols && err.empty(); c++) {
          if (memcmp(&dst[(size_t)c * rows + r], &src[(size_t)r * cols + c], sizeof(float)) != 0) {
            err = fmt("element (%d, %d) moved wrongly", r, c);
          }
        }
      }
      for (size_t i = n; i < dst.size() && err.empty(); i++) {
        if (memcmp(&dst[i], &kSentinel, sizeof(float)) != 0) err = fmt("wrote past the end (%zu)", i);
      }
      record(err.empty(), fmt("transpose isa %d %d x %d: %s", isa, rows, cols, err.c_str()));
    }
  }
}

// Activations on chosen values, including extremes, through bias_act (batch > 1 and 1).
void test_bias_act() {
  std::vector<float> special = {0.0f,   -0.0f,  1e-8f,   -1e-8f, 0.1f,   -0.1f,    0.2499f,   0.25f,
                                -0.25f, 0.5f,   -0.7f,   1.0f,   -1.0f,  2.0f,     -3.0f,     5.0f,
                                -8.0f,  9.5f,   -15.0f,  20.0f,  -40.0f, 80.0f,    -87.5f,    88.5f,
                                -90.0f, 100.0f, -200.0f, 1e30f,  -1e30f, INFINITY, -INFINITY, NAN};
  const int32_t n = (int32_t)special.size();
  for (int32_t batch : {1, 3, 8, 16, 17, 64, 100}) {
    const int32_t rows = batch == 1 ? n : 9;
    std::vector<float> y0 = random_vec((size_t)rows * batch, 1000 + batch);
    for (size_t i = 0; i < y0.size(); i++) {
      y0[i] *= 6.0f;
      if (i % 3 == 0) y0[i] = special[(i / 3) % special.size()];
    }
    const std::vector<float> bias = random_vec((size_t)rows, 2000 + batch);
    int variant = 0;
    for (int32_t isa : kIsas) {
      if (!snn_isa_supported(isa)) continue;
      for (int ai = 0; ai < kActCount; ai++) {
        const Act& a = kActs[ai];
        for (const auto& range : ranges_for(rows)) {
          const bool with_bias = (variant++ % 2) == 1;
          const float* bp = with_bias ? bias.data() : NULL;
          std::vector<float> y(y0.size(), kSentinel);
          Ref ref;
          ref.sum.assign(y0.size(), 0.0);
          ref.mag.assign(y0.size(), 0.0);
          for (int32_t r = range.first; r < range.second; r++) {
            for (int32_t b = 0; b < batch; b++) {
              const size_t i = (size_t)r * batch + b;
              y[i] = y0[i];
              ref.sum[i] = y0[i];
              // bias is added in fp32 before the activation: allow for that rounding.
              ref.mag[i] = fabs((double)y0[i]);
            }
          }
          const int32_t rc =
              snn_f32_bias_act(isa, range.first, range.second, batch, bp, y.data(), a.act, a.alpha);
          std::string err =
              rc != SNN_OK ? fmt("status %d", rc)
                           : check_output(y, ref, rows, batch, range.first, range.second, bp, a);
          record(err.empty(),
                 fmt("bias_act isa=%s batch=%d %s bias=%d range=[%d,%d): %s", snn_isa_name(isa),
                     batch, a.name, with_bias, range.first, range.second, err.c_str()));
        }
      }
    }
  }
}

void test_softmax() {
  for (int32_t isa : kIsas) {
    if (!snn_isa_supported(isa)) continue;
    for (int32_t features : {1, 2, 10, 1000}) {
      for (int32_t batch : {1, 3, 17}) {
        std::vector<float> x = random_vec((size_t)features * batch, 31 * features + batch);
        for (auto& v : x) v *= 20.0f;
        for (int in_place = 0; in_place < 2; in_place++) {
          std::vector<float> y(x.size(), kSentinel);
          float* out = in_place ? x.data() : y.data();
          std::vector<float> xin = x;
          const int32_t rc =
              snn_f32_softmax(isa, features, batch, xin.data(), in_place ? xin.data() : y.data());
          (void)out;
          const std::vector<float>& got = in_place ? xin : y;
          std::string err;
          if (rc != SNN_OK) err = fmt("status %d", rc);
          for (int32_t b = 0; b < batch && err.empty(); b++) {
            double mx = -INFINITY, sum = 0.0, gsum = 0.0;
            for (int32_t f = 0; f < features; f++) {
              const double v = x[(size_t)f * batch + b];
              if (v > mx) mx = v;
            }
            for (int32_t f = 0; f < features; f++) sum += exp(x[(size_t)f * batch + b] - mx);
            for (int32_t f = 0; f < features && err.empty(); f++) {
              const double want = exp(x[(size_t)f * batch + b] - mx) / sum;
              const float g = got[(size_t)f * batch + b];
              gsum += g;
              if (!(fabs(g - want) <= 1e-5 * want + 1e-7)) {
                err = fmt("f=%d b=%d got %g want %g", f, b, g, want);
              }
            }
            if (err.empty() && fabs(gsum - 1.0) > 1e-5)
              err = fmt("column %d sums to %.9g", b, gsum);
          }
          record(err.empty(), fmt("softmax isa=%s features=%d batch=%d in_place=%d: %s",
                                  snn_isa_name(isa), features, batch, in_place, err.c_str()));
        }
      }
    }
  }
}

// --- dispatch, memory, BLAS binding ----------------------------------------------------------

// Naive row-major no-transpose CBLAS stand-ins (standard signatures, enums as ints).
void naive_sgemv(int order, int trans, int m, int n, float alpha, const float* a, int lda,
                 const float* x, int incx, float beta, float* y, int incy) {
  if (order != 101 || trans != 111) {
    for (int i = 0; i < m; i++) y[i * incy] = NAN;
    return;
  }
  for (int i = 0; i < m; i++) {
    double acc = 0.0;
    for (int j = 0; j < n; j++) acc += (double)a[(size_t)i * lda + j] * x[(size_t)j * incx];
    y[i * incy] = (float)(alpha * acc + (beta != 0.0f ? beta * y[i * incy] : 0.0));
  }
}

void naive_sgemm(int order, int ta, int tb, int m, int n, int k, float alpha, const float* a,
                 int lda, const float* b, int ldb, float beta, float* c, int ldc) {
  if (order != 101 || ta != 111 || tb != 111) {
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) c[(size_t)i * ldc + j] = NAN;
    return;
  }
  for (int i = 0; i < m; i++) {
    for (int j = 0; j < n; j++) {
      double acc = 0.0;
      for (int p = 0; p < k; p++) acc += (double)a[(size_t)i * lda + p] * b[(size_t)p * ldb + j];
      c[(size_t)i * ldc + j] =
          (float)(alpha * acc + (beta != 0.0f ? beta * c[(size_t)i * ldc + j] : 0.0));
    }
  }
}

// --- the registry: every kernel against its slot's scalar kernel -------------------------------

// got against want (the scalar kernel's output), where mag bounds the sum of |terms| of each
// element: as close_enough with twice the magnitude (both sides round), and bit-equal where
// want kept the sentinel.
std::string compare_to_scalar(const std::vector<float>& got, const std::vector<float>& want,
                              const std::vector<float>& mag) {
  for (size_t i = 0; i < want.size(); i++) {
    if (memcmp(&want[i], &kSentinel, sizeof(float)) == 0) {
      if (memcmp(&got[i], &kSentinel, sizeof(float)) != 0) {
        return fmt("element %zu written (%g) where the scalar kernel did not", i, got[i]);
      }
      continue;
    }
    if (!close_enough(got[i], want[i], 2.0 * mag[i])) {
      return fmt("element %zu: got %.9g, scalar %.9g (mag %g)", i, got[i], want[i], mag[i]);
    }
  }
  return "";
}

std::vector<float> abs_of(const std::vector<float>& v) {
  std::vector<float> a(v.size());
  for (size_t i = 0; i < v.size(); i++) a[i] = fabsf(v[i]);
  return a;
}

Csr abs_of(const Csr& m) {
  Csr a = m;
  a.values = abs_of(m.values);
  a.dense = abs_of(m.dense);
  a.csc.reset();
  for (snn_bf16& h : a.values_bf16) h.bits &= 0x7FFFu;
  a.nm_values = abs_of(m.nm_values);
  return a;
}

// One call of a weight-taking kernel on matrix m (in the layout its slot's format names).
struct Call {
  const Csr* m;
  int32_t r0, r1;
  const float* x;
  int32_t batch;
  const float* bias;
  float* y;
  int32_t act;
  float alpha;
};

// Runs `run(fn, call)` against `run(ref, call)` over awkward matrices (every row length up to
// about 50 in the last), batches, activations, bias on/off and row ranges. The magnitude of each
// output is the scalar kernel on |weights|, |x| and |bias| without activation.
template <typename Fn, typename Run>
void check_weighted(const char* name, Fn fn, Fn ref, bool batched, Run run) {
  const std::vector<Csr> matrices = {
      make_csr(1, 1, 1.0, false, false, 11), make_csr(17, 33, 0.3, true, false, 12),
      make_csr(37, 300, 0.1, true, true, 13), make_csr(64, 129, 0.5, false, false, 14),
      make_csr(80, 97, 0.5, true, false, 15)};
  const std::vector<int32_t> batches =
      batched ? std::vector<int32_t>{1, 3, 8, 9, 16, 17, 33, 64, 65} : std::vector<int32_t>{1};
  uint64_t seed = 9000;
  int variant = 0;
  std::string err;
  for (const Csr& m : matrices) {
    const Csr abs_m = abs_of(m);
    const std::vector<float> bias = random_vec((size_t)m.rows, seed++);
    const std::vector<float> abs_bias = abs_of(bias);
    for (int32_t batch : batches) {
      const std::vector<float> x = random_vec((size_t)m.cols * batch, seed++);
      const std::vector<float> abs_x = abs_of(x);
      for (int ai = 0; ai < kActCount && err.empty(); ai++) {
        const Act& a = kActs[ai];
        for (const auto& range : ranges_for(m.rows)) {
          const bool with_bias = (variant++ % 2) == 0;
          const size_t n = (size_t)m.rows * batch;
          std::vector<float> got(n, kSentinel), want(n, kSentinel), mag(n, kSentinel);
          const float* bp = with_bias ? bias.data() : NULL;
          run(fn, Call{&m, range.first, range.second, x.data(), batch, bp, got.data(), a.act,
                       a.alpha});
          run(ref, Call{&m, range.first, range.second, x.data(), batch, bp, want.data(), a.act,
                        a.alpha});
          run(ref, Call{&abs_m, range.first, range.second, abs_x.data(), batch,
                        with_bias ? abs_bias.data() : NULL, mag.data(), SNN_ACT_IDENTITY, 0.0f});
          err = compare_to_scalar(got, want, mag);
          if (!err.empty()) {
            err = fmt("%dx%d batch=%d %s bias=%d range=[%d,%d): %s", m.rows, m.cols, batch,
                      a.name, with_bias ? 1 : 0, range.first, range.second, err.c_str());
            break;
          }
        }
      }
    }
  }
  record(err.empty(), fmt("registry: %s against scalar: %s", name, err.c_str()));
}

// One check per registry slot, named check_<op>_<format>.
void check_spmv_csr(const char* name, snn_spmv_csr_kernel* fn, snn_spmv_csr_kernel* ref) {
  check_weighted(name, fn, ref, false, [](snn_spmv_csr_kernel* f, const Call& c) {
    f(c.r0, c.r1, c.m->row_ptr.data(), c.m->col_idx.data(), c.m->values.data(), c.x, c.bias, c.y,
      c.act, c.alpha);
  });
}

void check_spmv_csr16(const char* name, snn_spmv_csr16_kernel* fn, snn_spmv_csr16_kernel* ref) {
  check_weighted(name, fn, ref, false, [](snn_spmv_csr16_kernel* f, const Call& c) {
    f(c.r0, c.r1, c.m->row_ptr.data(), c.m->col_idx16.data(), c.m->values.data(), c.x, c.bias,
      c.y, c.act, c.alpha);
  });
}

void check_spmm_csr(const char* name, snn_spmm_csr_kernel* fn, snn_spmm_csr_kernel* ref) {
  check_weighted(name, fn, ref, true, [](snn_spmm_csr_kernel* f, const Call& c) {
    f(c.r0, c.r1, c.m->row_ptr.data(), c.m->col_idx.data(), c.m->values.data(), c.x, c.batch,
      c.bias, c.y, c.act, c.alpha);
  });
}

void check_spmm_csr16(const char* name, snn_spmm_csr16_kernel* fn, snn_spmm_csr16_kernel* ref) {
  check_weighted(name, fn, ref, true, [](snn_spmm_csr16_kernel* f, const Call& c) {
    f(c.r0, c.r1, c.m->row_ptr.data(), c.m->col_idx16.data(), c.m->values.data(), c.x, c.batch,
      c.bias, c.y, c.act, c.alpha);
  });
}

void check_spmv_csr16_bf16(const char* name, snn_spmv_csr16_bf16_kernel* fn,
                          snn_spmv_csr16_bf16_kernel* ref) {
  check_weighted(name, fn, ref, false, [](snn_spmv_csr16_bf16_kernel* f, const Call& c) {
    f(c.r0, c.r1, c.m->row_ptr.data(), c.m->col_idx16.data(), c.m->values_bf16.data(), c.x,
      c.bias, c.y, c.act, c.alpha);
  });
}

void check_spmm_csr16_bf16(const char* name, snn_spmm_csr16_bf16_kernel* fn,
                          snn_spmm_csr16_bf16_kernel* ref) {
  check_weighted(name, fn, ref, true, [](snn_spmm_csr16_bf16_kernel* f, const Call& c) {
    f(c.r0, c.r1, c.m->row_ptr.data(), c.m->col_idx16.data(), c.m->values_bf16.data(), c.x,
      c.batch, c.bias, c.y, c.act, c.alpha);
  });
}

void check_spmv_bsr16(const char* name, snn_spmv_bsr16_kernel* fn, snn_spmv_bsr16_kernel* ref) {
  check_weighted(name, fn, ref, false, [](snn_spmv_bsr16_kernel* f, const Call& c) {
    const Bsr16 b(*c.m);
    f(c.r0, c.r1, b.panel_ptr.data(), b.block_col.data(), b.values.data(), c.x, c.bias, c.y,
      c.act, c.alpha);
  });
}

void check_spmm_bsr16(const char* name, snn_spmm_bsr16_kernel* fn, snn_spmm_bsr16_kernel* ref) {
  check_weighted(name, fn, ref, true, [](snn_spmm_bsr16_kernel* f, const Call& c) {
    const Bsr16 b(*c.m);
    f(c.r0, c.r1, b.panel_ptr.data(), b.block_col.data(), b.values.data(), c.x, c.batch, c.bias,
      c.y, c.act, c.alpha);
  });
}

void check_spmv_nm(const char* name, snn_spmv_nm_kernel* fn, snn_spmv_nm_kernel* ref) {
  check_weighted(name, fn, ref, false, [](snn_spmv_nm_kernel* f, const Call& c) {
    f(c.r0, c.r1, c.m->cols, c.m->nm_window, c.m->nm_slots, c.m->nm_offsets.data(),
      c.m->nm_values.data(), c.x, c.bias, c.y, c.act, c.alpha);
  });
}

void check_spmv_sell(const char* name, snn_spmv_sell_kernel* fn, snn_spmv_sell_kernel* ref) {
  check_weighted(name, fn, ref, false, [](snn_spmv_sell_kernel* f, const Call& c) {
    const Sell s = sell_for_range(*c.m, c.r0, c.r1);
    f(c.r0, c.r1, c.m->cols, s.lane_rows.data(), s.slice_slots.data(), s.window_slots.data(),
      s.offsets.data(), s.values.data(), c.x, c.bias, c.y, c.act, c.alpha);
  });
}

void check_spmm_sell(const char* name, snn_spmm_sell_kernel* fn, snn_spmm_sell_kernel* ref) {
  check_weighted(name, fn, ref, true, [](snn_spmm_sell_kernel* f, const Call& c) {
    const Sell s = sell_for_range(*c.m, c.r0, c.r1);
    f(c.r0, c.r1, c.m->cols, s.lane_rows.data(), s.slice_slots.data(), s.window_slots.data(),
      s.offsets.data(), s.values.data(), c.x, c.batch, c.bias, c.y, c.act, c.alpha);
  });
}

void check_spmm_nm(const char* name, snn_spmm_nm_kernel* fn, snn_spmm_nm_kernel* ref) {
  check_weighted(name, fn, ref, true, [](snn_spmm_nm_kernel* f, const Call& c) {
    f(c.r0, c.r1, c.m->cols, c.m->nm_window, c.m->nm_slots, c.m->nm_offsets.data(),
      c.m->nm_values.data(), c.x, c.batch, c.bias, c.y, c.act, c.alpha);
  });
}

void check_gemv_dense(const char* name, snn_gemv_dense_kernel* fn, snn_gemv_dense_kernel* ref) {
  check_weighted(name, fn, ref, false, [](snn_gemv_dense_kernel* f, const Call& c) {
    f(c.r0, c.r1, c.m->cols, c.m->dense.data(), c.x, c.bias, c.y, c.act, c.alpha);
  });
}

void check_gemm_dense(const char* name, snn_gemm_dense_kernel* fn, snn_gemm_dense_kernel* ref) {
  check_weighted(name, fn, ref, true, [](snn_gemm_dense_kernel* f, const Call& c) {
    f(c.r0, c.r1, c.m->cols, c.m->dense.data(), c.x, c.batch, c.bias, c.y, c.act, c.alpha);
  });
}

void check_gemm_packed(const char* name, snn_gemm_packed_kernel* fn,
                       snn_gemm_packed_kernel* ref) {
  check_weighted(name, fn, ref, true, [](snn_gemm_packed_kernel* f, const Call& c) {
    const PackedWeights packed(*c.m);
    f(c.r0, c.r1, c.m->cols, packed.data, c.x, c.batch, c.bias, c.y, c.act, c.alpha);
  });
}

// Half the inputs zero, so the skipping paths run too.
std::vector<float> with_zeros(const float* x, size_t n) {
  std::vector<float> z(x, x + n);
  for (size_t i = 0; i < n; i += 2) z[i] = 0.0f;
  return z;
}

void check_spmv_csc16(const char* name, snn_spmv_csc16_kernel* fn, snn_spmv_csc16_kernel* ref) {
  check_weighted(name, fn, ref, false, [](snn_spmv_csc16_kernel* f, const Call& c) {
    const Csc16& w = csc16_of(*c.m);
    const std::vector<float> x = with_zeros(c.x, (size_t)c.m->cols);
    f(c.r0, c.r1, c.m->cols, w.panel_rows, w.col_ptr.data(), w.row_off.data(), w.values.data(),
      x.data(), c.bias, c.y, c.act, c.alpha);
  });
}

void check_spmm_csc16(const char* name, snn_spmm_csc16_kernel* fn, snn_spmm_csc16_kernel* ref) {
  check_weighted(name, fn, ref, true, [](snn_spmm_csc16_kernel* f, const Call& c) {
    const Csc16& w = csc16_of(*c.m);
    const std::vector<float> x = with_zeros(c.x, (size_t)c.m->cols * c.batch);
    f(c.r0, c.r1, c.m->cols, w.panel_rows, w.col_ptr.data(), w.row_off.data(), w.values.data(),
      x.data(), c.batch, c.bias, c.y, c.act, c.alpha);
  });
}

// bias_act: y (random, some large) in place; the magnitude is |y| + |bias|.
void check_bias_act_dense(const char* name, snn_bias_act_dense_kernel* fn,
                          snn_bias_act_dense_kernel* ref) {
  std::string err;
  int variant = 0;
  for (int32_t batch : {1, 3, 8, 16, 17, 64, 100}) {
    const int32_t rows = 21;
    std::vector<float> y0 = random_vec((size_t)rows * batch, 3000 + batch);
    for (float& v : y0) v *= 12.0f;
    const std::vector<float> bias = random_vec((size_t)rows, 3100 + batch);
    for (int ai = 0; ai < kActCount && err.empty(); ai++) {
      const Act& a = kActs[ai];
      for (const auto& range : ranges_for(rows)) {
        const bool with_bias = (variant++ % 2) == 0;
        const float* bp = with_bias ? bias.data() : NULL;
        std::vector<float> got(y0.size(), kSentinel), mag(y0.size(), kSentinel);
        for (int32_t r = range.first; r < range.second; r++) {
          for (int32_t b = 0; b < batch; b++) {
            const size_t i = (size_t)r * batch + b;
            got[i] = y0[i];
            mag[i] = fabsf(y0[i]) + (bp != NULL ? fabsf(bp[r]) : 0.0f);
          }
        }
        std::vector<float> want = got;
        fn(range.first, range.second, batch, bp, got.data(), a.act, a.alpha);
        ref(range.first, range.second, batch, bp, want.data(), a.act, a.alpha);
        err = compare_to_scalar(got, want, mag);
        if (!err.empty()) {
          err = fmt("batch=%d %s bias=%d range=[%d,%d): %s", batch, a.name, with_bias ? 1 : 0,
                    range.first, range.second, err.c_str());
          break;
        }
      }
    }
  }
  record(err.empty(), fmt("registry: %s against scalar: %s", name, err.c_str()));
}

void check_softmax_dense(const char* name, snn_softmax_dense_kernel* fn,
                         snn_softmax_dense_kernel* ref) {
  std::string err;
  for (int32_t features : {1, 7, 33}) {
    for (int32_t batch : {1, 5, 16, 17}) {
      const std::vector<float> x = random_vec((size_t)features * batch, 3200 + features * batch);
      std::vector<float> got(x.size(), kSentinel), want(x.size(), kSentinel);
      const std::vector<float> mag(x.size(), 1.0f);  // outputs in [0, 1]
      fn(features, batch, x.data(), got.data());
      ref(features, batch, x.data(), want.data());
      if (err.empty()) err = compare_to_scalar(got, want, mag);
    }
  }
  record(err.empty(), fmt("registry: %s against scalar: %s", name, err.c_str()));
}

// transpose moves values: bit-equal.
void check_transpose_dense(const char* name, snn_transpose_dense_kernel* fn,
                           snn_transpose_dense_kernel* ref) {
  std::string err;
  for (int32_t rows : {0, 1, 7, 8, 17, 64}) {
    for (int32_t cols : {1, 9, 16, 33, 785}) {
      const std::vector<float> src = random_vec((size_t)rows * cols, 3300 + rows * cols);
      std::vector<float> got(src.size() + 9, kSentinel), want(src.size() + 9, kSentinel);
      fn(rows, cols, src.data(), got.data());
      ref(rows, cols, src.data(), want.data());
      if (err.empty() && memcmp(got.data(), want.data(), got.size() * sizeof(float)) != 0) {
        err = fmt("%d x %d differs", rows, cols);
      }
    }
  }
  record(err.empty(), fmt("registry: %s against scalar: %s", name, err.c_str()));
}

// Every slot of every table this CPU runs is filled; every registered kernel this CPU runs
// matches its slot's scalar kernel (the scalar rows are the references, checked above against
// double precision). Kernels of an ISA this CPU lacks are skipped, with a message.
// --- recurrent gates -------------------------------------------------------------------------

// One snn_f32_gates call's buffers: `steps` columns of projection (this step is column `step`),
// the output sequence likewise, state and product; specials (NaN, +-inf, large) at chosen
// places when `special`.
struct GatesCase {
  int32_t cell, hidden, batch, act;
  int64_t projected_stride, out_stride;
  bool with_out;
  std::vector<float> projected, product, h, c, out;
};

int32_t gate_rows(int32_t cell) {
  switch (cell) {
    case SNN_CELL_LSTM:
      return 4;
    case SNN_CELL_GRU:
    case SNN_CELL_GRU_RESET:
      return 3;
    case SNN_CELL_GRU_CANDIDATE:
      return 3;  // the projection's rows; the product has one block
    default:
      return 1;
  }
}

GatesCase make_gates_case(int32_t cell, int32_t hidden, int32_t batch, int32_t act, bool special,
                          uint64_t seed) {
  GatesCase g;
  g.cell = cell;
  g.hidden = hidden;
  g.batch = batch;
  g.act = act;
  const int32_t steps = 3;
  g.projected_stride = (int64_t)steps * batch;
  g.out_stride = cell == SNN_CELL_GRU_RESET ? batch : (int64_t)steps * batch;
  g.with_out = seed % 5 != 0;
  const int32_t rows = gate_rows(cell) * hidden;
  const int32_t product_rows = cell == SNN_CELL_GRU_CANDIDATE ? hidden : rows;
  g.projected = random_vec((size_t)rows * g.projected_stride, seed);
  g.product = random_vec((size_t)product_rows * batch, seed + 1);
  g.h = random_vec((size_t)hidden * batch, seed + 2);
  g.c = random_vec((size_t)hidden * batch, seed + 3);
  for (float& v : g.projected) v *= 4.0f;
  for (float& v : g.product) v *= 4.0f;
  for (float& v : g.c) v *= 3.0f;
  if (cell == SNN_CELL_GRU_CANDIDATE) {
    for (float& v : g.c) v = 0.5f + 0.5f * v / 3.0f;  // z, in [0, 1]
  }
  g.out.assign((size_t)hidden * g.out_stride, kSentinel);
  if (special) {
    const float values[] = {NAN, INFINITY, -INFINITY, 30.0f, -30.0f, 100.0f, -100.0f, 0.0f};
    Rng rng(seed + 4);
    for (int k = 0; k < 6; k++) {
      const float v = values[k % 8];
      const size_t i = (size_t)(rng.next() % g.projected.size());
      g.projected[i] = v;
      g.product[(size_t)(rng.next() % g.product.size())] = values[(k + 3) % 8];
    }
  }
  return g;
}

template <class Fn>
void run_gates(GatesCase& g, Fn fn, int32_t step) {
  const int64_t column = (int64_t)step * g.batch;
  fn(g.cell, g.hidden, g.batch, g.projected.data() + column, g.projected_stride,
     g.product.data(), g.h.data(), g.c.data(), g.with_out ? g.out.data() + (g.cell ==
     SNN_CELL_GRU_RESET ? 0 : column) : NULL, g.out_stride, g.act);
}

// The documented bound: 8e-6 (1 + |h| + |c| + the sum of |q| over the gates, finite terms) of the scalar
// kernel's result; NaN where it has NaN, the same infinity.
std::string compare_gates(const GatesCase& before, const GatesCase& got, const GatesCase& want) {
  const int32_t nb = before.batch;
  const int32_t product_rows = (int32_t)(before.product.size() / nb);
  const std::vector<float>* pairs[3][2] = {{&got.h, &want.h}, {&got.c, &want.c},
                                           {&got.out, &want.out}};
  const char* names[3] = {"h", "c", "out"};
  for (int k = 0; k < 3; k++) {
    const std::vector<float>& a = *pairs[k][0];
    const std::vector<float>& b = *pairs[k][1];
    for (size_t i = 0; i < b.size(); i++) {
      if (memcmp(&b[i], &kSentinel, sizeof(float)) == 0) {
        if (memcmp(&a[i], &kSentinel, sizeof(float)) != 0) {
          return fmt("%s[%zu] written (%g) where the scalar kernel did not", names[k], i, a[i]);
        }
        continue;
      }
      // the unit and sequence of element i
      const int64_t stride = k == 2 ? before.out_stride : nb;
      const int32_t j = (int32_t)(i / stride);
      const int32_t bb = (int32_t)(i % stride) % nb;
      const size_t s = (size_t)j * nb + bb;
      // non-finite terms make a non-finite result, compared exactly below
      auto fin = [](float v) { return isfinite(v) ? fabs((double)v) : 0.0; };
      double mag = 1.0 + fin(before.h[s]) + fin(before.c[s]);
      for (int32_t r = j; r < product_rows; r += before.hidden) {
        mag += fin(before.product[(size_t)r * nb + bb]);
      }
      const double w = b[i];
      bool ok;
      if (isnan(w)) {
        ok = isnan(a[i]);
      } else if (isinf(w)) {
        ok = (double)a[i] == w;
      } else {
        ok = isfinite(a[i]) && fabs((double)a[i] - w) <= 8e-6 * mag;
      }
      if (!ok) return fmt("%s[%zu]: got %.9g, scalar %.9g (mag %g)", names[k], i, a[i], b[i], mag);
    }
  }
  return "";
}

const int32_t kCells[] = {SNN_CELL_LSTM, SNN_CELL_GRU, SNN_CELL_GRU_RESET,
                          SNN_CELL_GRU_CANDIDATE, SNN_CELL_RNN};

// Every cell, hidden and batch sizes on and off the vector widths, three steps in a row (the
// state carries), with and without the output sequence, specials in some.
void check_gates_dense(const char* name, snn_gates_dense_kernel* fn,
                       snn_gates_dense_kernel* ref) {
  std::string err;
  uint64_t seed = 7000;
  for (int32_t cell : kCells) {
    for (int32_t hidden : {1, 3, 4, 7, 8, 9, 16, 17, 33, 100}) {
      for (int32_t batch : {1, 2, 3, 8, 9, 16, 17}) {
        for (int32_t act : {SNN_ACT_TANH, SNN_ACT_RELU}) {
          if (act == SNN_ACT_RELU && cell != SNN_CELL_RNN) continue;
          for (bool special : {false, true}) {
            GatesCase got = make_gates_case(cell, hidden, batch, act, special, seed++);
            GatesCase want = got;
            for (int32_t step = 0; step < 3 && err.empty(); step++) {
              const GatesCase before = want;
              run_gates(got, fn, step);
              run_gates(want, ref, step);
              err = compare_gates(before, got, want);
              if (!err.empty()) {
                err = fmt("cell=%d hidden=%d batch=%d act=%d special=%d out=%d step=%d: %s", cell,
                          hidden, batch, act, special ? 1 : 0, got.with_out ? 1 : 0, step,
                          err.c_str());
              }
              got = want;  // the next step starts from the same state
            }
            if (!err.empty()) break;
          }
        }
      }
    }
  }
  record(err.empty(), fmt("registry: %s against scalar: %s", name, err.c_str()));
}

// The scalar kernel against the formulas in double precision (libm's expf / tanhf are within
// a few ulp), and the public entry point at every supported ISA.
void test_gates() {
  std::string err;
  for (int32_t cell : kCells) {
    GatesCase g = make_gates_case(cell, 13, 3, SNN_ACT_TANH, false, 7777 + cell);
    g.with_out = true;
    GatesCase want = g;
    run_gates(want, snn_f32_gates__scalar, 1);
    const int32_t nb = g.batch, hd = g.hidden;
    auto sig = [](double x) { return 1.0 / (1.0 + exp(-x)); };
    for (int32_t j = 0; j < hd && err.empty(); j++) {
      for (int32_t b = 0; b < nb; b++) {
        auto p = [&](int32_t gate) {
          return (double)g.projected[(size_t)(gate * hd + j) * g.projected_stride + nb + b];
        };
        auto q = [&](int32_t gate) { return (double)g.product[(size_t)(gate * hd + j) * nb + b]; };
        const size_t s = (size_t)j * nb + b;
        double h = g.h[s], c = g.c[s], o = 0.0;
        switch (cell) {
          case SNN_CELL_LSTM:
            c = sig(p(2) + q(2)) * c + sig(p(0) + q(0)) * tanh(p(3) + q(3));
            h = sig(p(1) + q(1)) * tanh(c);
            break;
          case SNN_CELL_GRU: {
            const double z = sig(p(0) + q(0));
            h = (1 - z) * tanh(p(2) + sig(p(1) + q(1)) * q(2)) + z * h;
            break;
          }
          case SNN_CELL_GRU_RESET:
            c = sig(p(0) + q(0));
            o = sig(p(1) + q(1)) * h;
            break;
          case SNN_CELL_GRU_CANDIDATE:
            h = (1 - c) * tanh(p(2) + q(0)) + c * h;
            break;
          default:
            h = tanh(p(0) + q(0));
        }
        if (cell != SNN_CELL_GRU_RESET) o = h;
        const size_t oi = (size_t)j * g.out_stride + (cell == SNN_CELL_GRU_RESET ? 0 : nb) + b;
        const double tol = 2e-6 * (1 + fabs(c) + fabs(h));
        if (fabs(want.h[s] - h) > tol || fabs(want.c[s] - c) > tol || fabs(want.out[oi] - o) > tol) {
          err = fmt("cell=%d j=%d b=%d: h %.9g / %.9g, c %.9g / %.9g, out %.9g / %.9g", cell, j, b,
                    want.h[s], h, want.c[s], c, want.out[oi], o);
          break;
        }
      }
    }
    for (int32_t isa : kIsas) {
      if (!snn_isa_supported(isa) || !err.empty()) continue;
      GatesCase got = g;
      const int32_t status = snn_f32_gates(isa, cell, hd, nb, got.projected.data() + nb,
                                           got.projected_stride, got.product.data(), got.h.data(),
                                           got.c.data(), got.out.data() + (cell ==
                                           SNN_CELL_GRU_RESET ? 0 : nb), got.out_stride,
                                           SNN_ACT_TANH);
      if (status != SNN_OK) err = fmt("snn_f32_gates isa=%s: status %d", snn_isa_name(isa), status);
      if (err.empty()) err = compare_gates(g, got, want);
      if (!err.empty()) err = fmt("isa=%s cell=%d: %s", snn_isa_name(isa), cell, err.c_str());
    }
  }
  record(err.empty(), fmt("gates: scalar against double-precision formulas, entry point: %s",
                          err.c_str()));
  float h = 0.5f;
  record(snn_f32_gates(SNN_ISA_SCALAR, SNN_CELL_RNN, 1, 1, &h, 1, &h, &h, NULL, NULL, 1, -1) ==
                 SNN_ERR_BAD_ACTIVATION &&
             h == 0.5f,
         "snn_f32_gates with a bad activation: status and nothing written");
}

void test_registry() {
  for (int32_t isa : kIsas) {
    const snn_kernel_table* t = snn_kernel_table_for(isa);
    if (t == NULL) continue;
#define SNN_SLOT(op, format, entry, params, args, act)                                        \
  record(t->op##_##format != NULL,                                                            \
         fmt("registry: slot " #op "_" #format " of isa %s is empty", snn_isa_name(isa)));
#include "kernels.inc"
  }
  const snn_kernel_table* scalar = snn_kernel_table_for(SNN_ISA_SCALAR);
  int checked = 0;
#define SNN_KERNEL(op, format, isa, fn)                                                 \
  if (!snn_isa_supported(SNN_ISA_ID_##isa)) {                                           \
    printf("skipped: " #fn " (isa " #isa " not supported here)\n");                     \
  } else {                                                                              \
    SNN_IF_##isa(if (SNN_ISA_ID_##isa == SNN_ISA_SCALAR) {                              \
      record(scalar->op##_##format == fn, "registry: " #fn " is not the scalar slot");  \
    } else {                                                                            \
      check_##op##_##format(#fn, fn, scalar->op##_##format);                            \
      checked++;                                                                        \
    })                                                                                  \
  }
#include "kernels.inc"
  printf("registry: %d kernels checked against their scalar kernels\n", checked);
}

void test_dispatch_and_memory() {
  record(strcmp(snn_version(), "0.1.0") == 0, fmt("snn_version() = %s", snn_version()));
  record(snn_isa_supported(SNN_ISA_SCALAR) == 1, "scalar must be supported");
  record(snn_isa_supported(-1) == 0 && snn_isa_supported(SNN_ISA_COUNT) == 0,
         "out-of-range isa reported as supported");
  record(snn_isa_supported(snn_isa_best()) == 1, "best isa not supported");
  record(strcmp(snn_isa_name(SNN_ISA_AVX512), "avx512") == 0 &&
             strcmp(snn_isa_name(SNN_ISA_SCALAR), "scalar") == 0 &&
             strcmp(snn_isa_name(SNN_ISA_AVX2), "avx2") == 0 &&
             strcmp(snn_isa_name(SNN_ISA_NEON), "neon") == 0 &&
             strcmp(snn_isa_name(42), "unknown") == 0,
         "snn_isa_name");
#if defined(__x86_64__)
  record(snn_isa_supported(SNN_ISA_NEON) == 0, "neon must be unsupported on x86-64");
#elif defined(__aarch64__)
  record(snn_isa_supported(SNN_ISA_NEON) == 1, "neon must be supported on arm64");
  record(snn_isa_supported(SNN_ISA_AVX2) == 0, "avx2 must be unsupported on arm64");
#endif
  printf("best isa: %s; supported:", snn_isa_name(snn_isa_best()));
  for (int32_t isa : kIsas) {
    if (snn_isa_supported(isa)) printf(" %s", snn_isa_name(isa));
  }
  printf("\n");
  for (int32_t isa : kIsas) {
    if (!snn_isa_supported(isa)) printf("skipped: isa %s not supported here\n", snn_isa_name(isa));
  }

  // Status codes: bad isa, bad activation; nothing written.
  const int32_t row_ptr[3] = {0, 1, 2};
  const int32_t col_idx[2] = {0, 1};
  const uint16_t col_idx16[2] = {0, 1};
  const float values[2] = {1.0f, 2.0f};
  const snn_bf16 values_bf16[2] = {{0x3F80}, {0x4000}};  // 1.0f, 2.0f
  const float x[2] = {1.0f, 1.0f};
  float y[4] = {kSentinel, kSentinel, kSentinel, kSentinel};
  // one 1x2 N:M row: 16 slots, the first two real
  const uint8_t nm_offsets[16] = {0, 1};
  const float nm_values[16] = {1.0f, 2.0f};
  // one 1x2 sell row: one slice, one window, one slot
  const int32_t sell_lanes[16] = {0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};
  const int32_t sell_slices[2] = {0, 1};
  const uint8_t sell_windows[1] = {1};
  for (int32_t bad_isa : {-1, SNN_ISA_COUNT, 99}) {
    record(
        snn_f32_spmv_csr(bad_isa, 0, 2, row_ptr, col_idx, values, x, NULL, y, 0, 0) ==
                SNN_ERR_ISA_UNSUPPORTED &&
            snn_f32_spmv_csr16(bad_isa, 0, 2, row_ptr, col_idx16, values, x, NULL, y, 0, 0) ==
                SNN_ERR_ISA_UNSUPPORTED &&
            snn_f32_spmm_csr(bad_isa, 0, 2, row_ptr, col_idx, values, x, 1, NULL, y, 0, 0) ==
                SNN_ERR_ISA_UNSUPPORTED &&
            snn_f32_spmm_csr16(bad_isa, 0, 2, row_ptr, col_idx16, values, x, 1, NULL, y, 0, 0) ==
                SNN_ERR_ISA_UNSUPPORTED &&
            snn_f32_gemv(bad_isa, 0, 2, 2, values, x, NULL, y, 0, 0) == SNN_ERR_ISA_UNSUPPORTED &&
            snn_f32_gemm(bad_isa, 0, 2, 1, values, x, 1, NULL, y, 0, 0) ==
                SNN_ERR_ISA_UNSUPPORTED &&
            snn_f32_gemm_packed(bad_isa, 0, 2, 1, values, x, 1, NULL, y, 0, 0) ==
                SNN_ERR_ISA_UNSUPPORTED &&
            snn_f32_bias_act(bad_isa, 0, 2, 1, NULL, y, 0, 0) == SNN_ERR_ISA_UNSUPPORTED &&
            snn_f32_softmax(bad_isa, 2, 1, x, y) == SNN_ERR_ISA_UNSUPPORTED &&
            snn_f32_transpose(bad_isa, 1, 2, x, y) == SNN_ERR_ISA_UNSUPPORTED &&
            snn_f32_gemv_blas(bad_isa, 0, 2, 1, values, x, NULL, y, 0, 0) ==
                SNN_ERR_ISA_UNSUPPORTED &&
            snn_f32_gemm_blas(bad_isa, 0, 2, 1, values, x, 1, NULL, y, 0, 0) ==
                SNN_ERR_ISA_UNSUPPORTED &&
            snn_f32_spmv_csc16(bad_isa, 0, 2, 1, 2, row_ptr, col_idx16, values, x, NULL, y, 0,
                               0) == SNN_ERR_ISA_UNSUPPORTED &&
            snn_f32_spmm_csc16(bad_isa, 0, 2, 1, 2, row_ptr, col_idx16, values, x, 1, NULL, y, 0,
                               0) == SNN_ERR_ISA_UNSUPPORTED &&
            snn_f32_spmv_csr16_bf16(bad_isa, 0, 2, row_ptr, col_idx16, values_bf16, x, NULL, y, 0,
                                    0) == SNN_ERR_ISA_UNSUPPORTED &&
            snn_f32_spmm_csr16_bf16(bad_isa, 0, 2, row_ptr, col_idx16, values_bf16, x, 1, NULL, y,
                                    0, 0) == SNN_ERR_ISA_UNSUPPORTED &&
            snn_f32_spmv_nm(bad_isa, 0, 1, 2, 16, 16, nm_offsets, nm_values, x, NULL, y, 0, 0) ==
                SNN_ERR_ISA_UNSUPPORTED &&
            snn_f32_spmm_nm(bad_isa, 0, 1, 2, 16, 16, nm_offsets, nm_values, x, 1, NULL, y, 0,
                            0) == SNN_ERR_ISA_UNSUPPORTED &&
            snn_f32_spmv_sell(bad_isa, 0, 1, 2, sell_lanes, sell_slices, sell_windows, nm_offsets,
                              nm_values, x, NULL, y, 0, 0) == SNN_ERR_ISA_UNSUPPORTED &&
            snn_f32_spmm_sell(bad_isa, 0, 1, 2, sell_lanes, sell_slices, sell_windows, nm_offsets,
                              nm_values, x, 1, NULL, y, 0, 0) == SNN_ERR_ISA_UNSUPPORTED,
        fmt("isa %d must give SNN_ERR_ISA_UNSUPPORTED", bad_isa));
  }
  for (int32_t isa : kIsas) {
    if (snn_isa_supported(isa)) continue;
    record(snn_f32_spmv_csr(isa, 0, 2, row_ptr, col_idx, values, x, NULL, y, 0, 0) ==
               SNN_ERR_ISA_UNSUPPORTED,
           fmt("unsupported isa %s must give SNN_ERR_ISA_UNSUPPORTED", snn_isa_name(isa)));
  }
  for (int32_t bad_act : {-1, SNN_ACT_COUNT, 1000}) {
    record(snn_f32_spmv_csr(0, 0, 2, row_ptr, col_idx, values, x, NULL, y, bad_act, 0) ==
                   SNN_ERR_BAD_ACTIVATION &&
               snn_f32_spmv_csr16(0, 0, 2, row_ptr, col_idx16, values, x, NULL, y, bad_act, 0) ==
                   SNN_ERR_BAD_ACTIVATION &&
               snn_f32_spmm_csr(0, 0, 2, row_ptr, col_idx, values, x, 1, NULL, y, bad_act, 0) ==
                   SNN_ERR_BAD_ACTIVATION &&
               snn_f32_spmm_csr16(0, 0, 2, row_ptr, col_idx16, values, x, 1, NULL, y, bad_act, 0) ==
                   SNN_ERR_BAD_ACTIVATION &&
               snn_f32_gemv(0, 0, 2, 2, values, x, NULL, y, bad_act, 0) == SNN_ERR_BAD_ACTIVATION &&
               snn_f32_gemm(0, 0, 2, 1, values, x, 1, NULL, y, bad_act, 0) ==
                   SNN_ERR_BAD_ACTIVATION &&
               snn_f32_gemm_packed(0, 0, 2, 1, values, x, 1, NULL, y, bad_act, 0) ==
                   SNN_ERR_BAD_ACTIVATION &&
               snn_f32_bias_act(0, 0, 2, 1, NULL, y, bad_act, 0) == SNN_ERR_BAD_ACTIVATION &&
               snn_f32_gemv_blas(0, 0, 2, 1, values, x, NULL, y, bad_act, 0) ==
                   SNN_ERR_BAD_ACTIVATION &&
               snn_f32_gemm_blas(0, 0, 2, 1, values, x, 1, NULL, y, bad_act, 0) ==
                   SNN_ERR_BAD_ACTIVATION &&
               snn_f32_spmv_csc16(0, 0, 2, 1, 2, row_ptr, col_idx16, values, x, NULL, y, bad_act,
                                  0) == SNN_ERR_BAD_ACTIVATION &&
               snn_f32_spmm_csc16(0, 0, 2, 1, 2, row_ptr, col_idx16, values, x, 1, NULL, y,
                                  bad_act, 0) == SNN_ERR_BAD_ACTIVATION &&
               snn_f32_spmv_csr16_bf16(0, 0, 2, row_ptr, col_idx16, values_bf16, x, NULL, y,
                                       bad_act, 0) == SNN_ERR_BAD_ACTIVATION &&
               snn_f32_spmm_csr16_bf16(0, 0, 2, row_ptr, col_idx16, values_bf16, x, 1, NULL, y,
                                       bad_act, 0) == SNN_ERR_BAD_ACTIVATION &&
               snn_f32_spmv_nm(0, 0, 1, 2, 16, 16, nm_offsets, nm_values, x, NULL, y, bad_act,
                               0) == SNN_ERR_BAD_ACTIVATION &&
               snn_f32_spmm_nm(0, 0, 1, 2, 16, 16, nm_offsets, nm_values, x, 1, NULL, y, bad_act,
                               0) == SNN_ERR_BAD_ACTIVATION &&
               snn_f32_spmv_sell(0, 0, 1, 2, sell_lanes, sell_slices, sell_windows, nm_offsets,
                                 nm_values, x, NULL, y, bad_act, 0) == SNN_ERR_BAD_ACTIVATION &&
               snn_f32_spmm_sell(0, 0, 1, 2, sell_lanes, sell_slices, sell_windows, nm_offsets,
                                 nm_values, x, 1, NULL, y, bad_act, 0) == SNN_ERR_BAD_ACTIVATION,
           fmt("act %d must give SNN_ERR_BAD_ACTIVATION", bad_act));
  }
  record(y[0] == kSentinel && y[1] == kSentinel, "a rejected call wrote its output");

  // BLAS: unbound first.
  snn_blas_bind(NULL, NULL);
  record(snn_blas_bound() == 0, "blas bound after unbinding");
  record(snn_f32_gemv_blas(0, 0, 2, 1, values, x, NULL, y, 0, 0) == SNN_ERR_BLAS_UNBOUND &&
             snn_f32_gemm_blas(0, 0, 2, 1, values, x, 1, NULL, y, 0, 0) == SNN_ERR_BLAS_UNBOUND,
         "unbound blas must give SNN_ERR_BLAS_UNBOUND");
  snn_blas_bind((const void*)&naive_sgemv, NULL);
  record(snn_blas_bound() == 0, "blas bound with only sgemv");
  snn_blas_bind((const void*)&naive_sgemv, (const void*)&naive_sgemm);
  record(snn_blas_bound() == 1, "blas not bound");

  // Aligned allocation.
  for (int64_t bytes : {0LL, 1LL, 3LL, 64LL, 1000LL, 1LL << 20}) {
    unsigned char* p = (unsigned char*)snn_aligned_alloc(bytes);
    bool ok = p != NULL && ((uintptr_t)p % 64) == 0;
    for (int64_t i = 0; ok && i < bytes; i++) ok = p[i] == 0;
    if (p != NULL && bytes > 0) {
      memset(p, 0xAB, (size_t)bytes);  // writable over the whole size (ASan checks)
    }
    snn_aligned_free(p);
    record(ok, fmt("snn_aligned_alloc(%lld): aligned, zero-filled", (long long)bytes));
  }
  for (int64_t bytes : {(int64_t)SNN_HUGE_PAGE_BYTES, (int64_t)SNN_HUGE_PAGE_BYTES * 3 + 5}) {
    unsigned char* p = (unsigned char*)snn_aligned_alloc(bytes);
    bool ok = p != NULL && ((uintptr_t)p % SNN_HUGE_PAGE_BYTES) == 0;
    for (int64_t i = 0; ok && i < bytes; i += 4096) ok = p[i] == 0 && p[bytes - 1] == 0;
    if (p != NULL) memset(p, 0xAB, (size_t)bytes);
    snn_aligned_free(p);
    record(ok, fmt("snn_aligned_alloc(%lld): on a huge-page boundary, zero-filled",
                   (long long)bytes));
  }
  record(snn_aligned_alloc(-1) == NULL, "snn_aligned_alloc(-1) must be NULL");
  record(snn_aligned_alloc(INT64_MAX) == NULL, "snn_aligned_alloc(INT64_MAX) must be NULL");
  snn_aligned_free(NULL);
}

}  // namespace

// Under AddressSanitizer, let a huge allocation fail with NULL (as it does without ASan) so the
// snn_aligned_alloc failure path can be tested; unused in other builds.
extern "C" const char* __asan_default_options() { return "allocator_may_return_null=1"; }

int main() {
  test_dispatch_and_memory();
  test_bias_act();
  test_softmax();
  test_non_finite();
  test_row_lengths();
  test_spmm_batches();
  test_matrices();
  test_gemm();
  test_csc16_zero_inputs();
  test_nm();
  test_sell();
  test_transpose();
  test_gates();
  test_registry();
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}
