/*
 * sparsenn native kernels: the whole surface that Java binds (through JavaCPP).
 *
 * Plain C over raw pointers and sizes. Every kernel is single-threaded, allocates nothing and
 * works on the row range [row_begin, row_end); the caller (Java) splits rows across threads.
 * Native code trusts its arguments: Java validates every matrix once, when it is built.
 * Functions return SNN_OK or a negative status; they never abort and no C++ exception escapes.
 *
 * Data layout invariants
 * ----------------------
 * CSR matrix with `rows` rows and `cols` columns:
 *   row_ptr[rows + 1]   row_ptr[0] == 0, non-decreasing, row_ptr[rows] == nnz
 *   col_idx[nnz]        int32 (csr) or uint16 (csr16, only when cols <= 65536); within a row
 *                       strictly increasing and in [0, cols)
 *   values[nnz]         fp32, parallel to col_idx; or bf16 (csr16_bf16: snn_bf16, the upper
 *                       16 bits of an fp32, 4 bytes per nonzero with the uint16 index), which
 *                       the kernels widen exactly to fp32 before multiplying in fp32
 * Dense weights: row-major [rows][cols], leading dimension == cols.
 * Vectors and batches:
 *   batch 1 (spmv, gemv): x[cols], y[rows], bias[rows] indexed by the absolute row number, so a
 *     row range writes y[row_begin .. row_end) and reads the whole x.
 *   batched (spmm, gemm): feature-major, batch contiguous, so that one weight multiplies a
 *     contiguous run of batch values: x[c * batch + b] for input feature c of sample b,
 *     y[r * batch + b] for output row r of sample b. A layer's output is the next layer's input.
 * bias may be NULL (no bias). Outputs never alias inputs.
 * Alignment: buffers from snn_aligned_alloc are 64-byte aligned; kernels accept any 4-byte
 * aligned pointer and never read or write outside the ranges above.
 *
 * Epilogue: y = act(A x + bias), applied in the same pass that produces y.
 *   act is one of SNN_ACT_*; alpha is the LeakyReLU negative slope (ignored otherwise).
 *   GELU is the exact erf form: 0.5 x (1 + erf(x / sqrt 2)).
 *
 * ISA selection: every kernel takes `isa` (SNN_ISA_*). The table for an ISA holds the reference
 * (scalar) kernel in every slot, overridden by the ISA's own kernels where they exist, so every
 * slot is always filled. An ISA the CPU cannot run returns SNN_ERR_ISA_UNSUPPORTED.
 */
#ifndef SPARSENN_KERNELS_H
#define SPARSENN_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes. */
#define SNN_OK 0
#define SNN_ERR_ISA_UNSUPPORTED (-1)
#define SNN_ERR_BAD_ACTIVATION (-2)
#define SNN_ERR_BLAS_UNBOUND (-3)

/* Instruction-set levels. On x86-64: scalar < avx2 (AVX2 + FMA) < avx512 (AVX-512F, BW, VL;
 * every AVX-512 CPU but Xeon Phi).
 * On arm64: scalar < neon. */
#define SNN_ISA_SCALAR 0
#define SNN_ISA_AVX2 1
#define SNN_ISA_AVX512 2
#define SNN_ISA_NEON 3
#define SNN_ISA_COUNT 4

/* Epilogue activations. */
#define SNN_ACT_IDENTITY 0
#define SNN_ACT_RELU 1
#define SNN_ACT_LEAKY_RELU 2
#define SNN_ACT_SIGMOID 3
#define SNN_ACT_TANH 4
#define SNN_ACT_GELU 5
#define SNN_ACT_COUNT 6

/* A bf16 weight: the upper 16 bits of an IEEE fp32 (sign, 8 exponent bits, 7 mantissa bits).
 * Widening to fp32 is exact; the rounding happens once, when the matrix is built (Java rounds to
 * nearest, ties to even, and keeps NaN a NaN). */
typedef struct snn_bf16 {
  uint16_t bits;
} snn_bf16;

/* --- Library and CPU --------------------------------------------------------------------- */

/* The library version, e.g. "0.1.0". */
const char* snn_version(void);
/* 1 when this CPU (and this build) can run kernels of the given ISA, else 0. */
int32_t snn_isa_supported(int32_t isa);
/* The best ISA this CPU can run with this build. */
int32_t snn_isa_best(void);
/* "scalar", "avx2", "avx512", "neon", or "unknown". */
const char* snn_isa_name(int32_t isa);

/* --- Memory -------------------------------------------------------------------------------- */

/* Allocations of at least this many bytes start on a 2 MiB boundary and, on Linux, ask for
 * transparent huge pages (madvise), so that large weight arrays stream without TLB misses. */
#define SNN_HUGE_PAGE_BYTES (2u << 20)

/* 64-byte aligned, zero-filled allocation of `bytes` bytes (0 allowed); NULL when it fails.
 * From SNN_HUGE_PAGE_BYTES up, aligned to that size instead (see above). */
void* snn_aligned_alloc(int64_t bytes);
/* Frees memory from snn_aligned_alloc; NULL is ignored. */
void snn_aligned_free(void* pointer);

/* --- Sparse x vector (batch 1) ----------------------------------------------------------- */

int32_t snn_f32_spmv_csr(int32_t isa, int32_t row_begin, int32_t row_end,
                         const int32_t* row_ptr, const int32_t* col_idx, const float* values,
                         const float* x, const float* bias, float* y,
                         int32_t act, float alpha);

int32_t snn_f32_spmv_csr16(int32_t isa, int32_t row_begin, int32_t row_end,
                           const int32_t* row_ptr, const uint16_t* col_idx, const float* values,
                           const float* x, const float* bias, float* y,
                           int32_t act, float alpha);

int32_t snn_f32_spmv_csr16_bf16(int32_t isa, int32_t row_begin, int32_t row_end,
                                const int32_t* row_ptr, const uint16_t* col_idx,
                                const snn_bf16* values, const float* x, const float* bias,
                                float* y, int32_t act, float alpha);

/* --- Sparse x dense batch ------------------------------------------------------------------ */

/* The SIMD kernels deal a row's nonzeros to several accumulators (independent FMA chains) in a
 * way that depends on the batch size: for a given batch the summation order is fixed, so
 * results are deterministic, but one sample's outputs may differ by rounding between batch
 * sizes and from the spmv kernels. */

int32_t snn_f32_spmm_csr(int32_t isa, int32_t row_begin, int32_t row_end,
                         const int32_t* row_ptr, const int32_t* col_idx, const float* values,
                         const float* x, int32_t batch, const float* bias, float* y,
                         int32_t act, float alpha);

int32_t snn_f32_spmm_csr16(int32_t isa, int32_t row_begin, int32_t row_end,
                           const int32_t* row_ptr, const uint16_t* col_idx, const float* values,
                           const float* x, int32_t batch, const float* bias, float* y,
                           int32_t act, float alpha);

int32_t snn_f32_spmm_csr16_bf16(int32_t isa, int32_t row_begin, int32_t row_end,
                                const int32_t* row_ptr, const uint16_t* col_idx,
                                const snn_bf16* values, const float* x, int32_t batch,
                                const float* bias, float* y, int32_t act, float alpha);

/* --- Dense, our own SIMD ------------------------------------------------------------------- */

/* y[r] = act(sum_c w[r * cols + c] * x[c] + bias[r]) for r in [row_begin, row_end). */
int32_t snn_f32_gemv(int32_t isa, int32_t row_begin, int32_t row_end, int32_t cols,
                     const float* w, const float* x, const float* bias, float* y,
                     int32_t act, float alpha);

/* Batched dense: y[r * batch + b] = act(sum_c w[r * cols + c] * x[c * batch + b] + bias[r])
 * for r in [row_begin, row_end), any batch >= 1. The SIMD kernels read each weight of the range
 * from memory once: register tiles of rows x samples, columns in chunks whose slice of x stays
 * in cache, partial sums kept in y's rows of the range between chunks. cols == 0 gives
 * act(bias). */
int32_t snn_f32_gemm(int32_t isa, int32_t row_begin, int32_t row_end, int32_t cols,
                     const float* w, const float* x, int32_t batch, const float* bias, float* y,
                     int32_t act, float alpha);

/* Rows per panel of the packed dense layout. */
#define SNN_PACKED_PANEL_ROWS 16

/* Batched dense on packed weights, same result as snn_f32_gemm, any batch >= 1 (batch 1 is a
 * matrix-vector product). wp holds the rows in panels of 16, each panel column-major:
 * W[r][c] is wp[(r / 16) * cols * 16 + c * 16 + r % 16], the rows of the last panel beyond
 * the matrix zero, the whole 64-byte aligned. The SIMD kernels vectorise over output rows, so
 * small batches run at full vector width. Any row range (ranges that start on a panel
 * boundary waste nothing); cols == 0 gives act(bias). */
int32_t snn_f32_gemm_packed(int32_t isa, int32_t row_begin, int32_t row_end, int32_t cols,
                            const float* wp, const float* x, int32_t batch, const float* bias,
                            float* y, int32_t act, float alpha);

/* --- Epilogue and softmax ------------------------------------------------------------------ */

/* In place: y[r * batch + b] = act(y[r * batch + b] + bias[r]) for r in [row_begin, row_end). */
int32_t snn_f32_bias_act(int32_t isa, int32_t row_begin, int32_t row_end, int32_t batch,
                         const float* bias, float* y, int32_t act, float alpha);

/* Softmax over the `features` rows of each of the `batch` columns (feature-major layout):
 * y[f * batch + b] = exp(x[f * batch + b] - max_f) / sum. x and y may be the same buffer. */
int32_t snn_f32_softmax(int32_t isa, int32_t features, int32_t batch, const float* x, float* y);

/* dst[c * rows + r] = src[r * cols + c]: a row-major batch (rows = samples) to the kernels'
 * feature-major layout, and back with rows and cols swapped. src and dst must not overlap. */
int32_t snn_f32_transpose(int32_t isa, int32_t rows, int32_t cols, const float* src, float* dst);

/* --- Dense through OpenBLAS ---------------------------------------------------------------- */

/* Binds the cblas_sgemv and cblas_sgemm entry points of an OpenBLAS already loaded in the
 * process (Java finds their addresses through the OpenBLAS presets). Either may be NULL to
 * unbind. Call once before the *_blas kernels; not thread-safe against concurrent BLAS calls. */
int32_t snn_blas_bind(const void* cblas_sgemv, const void* cblas_sgemm);
/* 1 when both BLAS entry points are bound. */
int32_t snn_blas_bound(void);

/* Same contract as snn_f32_gemv, computed by cblas_sgemv on the row range, then the epilogue
 * (with the given isa's bias_act kernel). */
int32_t snn_f32_gemv_blas(int32_t isa, int32_t row_begin, int32_t row_end, int32_t cols,
                          const float* w, const float* x, const float* bias, float* y,
                          int32_t act, float alpha);

/* Batched dense: y[r * batch + b] = act(sum_c w[r * cols + c] * x[c * batch + b] + bias[r])
 * for r in [row_begin, row_end): cblas_sgemm on the row range, then the epilogue. */
int32_t snn_f32_gemm_blas(int32_t isa, int32_t row_begin, int32_t row_end, int32_t cols,
                          const float* w, const float* x, int32_t batch, const float* bias,
                          float* y, int32_t act, float alpha);

/* --- Column panels: only the nonzero inputs are walked (activation sparsity) ---------------- */

/* csc16 matrix with `rows` rows, `cols` columns and panels of `panel_rows` rows
 * (1 <= panel_rows <= 65536), P = ceil(rows / panel_rows) panels:
 *   col_ptr[P * cols + 1]  col_ptr[0] == 0, non-decreasing; the nonzeros of column c within
 *                          panel p are k in [col_ptr[p * cols + c], col_ptr[p * cols + c + 1])
 *   row_off[nnz]           uint16: the row minus the panel's first row, p * panel_rows; within
 *                          a panel column strictly increasing and below the panel's row count
 *   values[nnz]            fp32, parallel to row_off
 * A zero input costs one test: the kernels add only the columns whose input is nonzero (NaN and
 * +-inf are nonzero), each row in column order. So a stored weight that is not finite meets a
 * zero input never, where CSR would make 0 * inf = NaN. Any row range; ranges on panel
 * boundaries waste nothing. cols == 0 gives act(bias). */
int32_t snn_f32_spmv_csc16(int32_t isa, int32_t row_begin, int32_t row_end, int32_t cols,
                           int32_t panel_rows, const int32_t* col_ptr, const uint16_t* row_off,
                           const float* values, const float* x, const float* bias, float* y,
                           int32_t act, float alpha);

/* Batched csc16, feature-major as above: an input feature is skipped when it is zero in every
 * sample of the batch, otherwise each nonzero weight adds a vector over the batch. */
int32_t snn_f32_spmm_csc16(int32_t isa, int32_t row_begin, int32_t row_end, int32_t cols,
                           int32_t panel_rows, const int32_t* col_ptr, const uint16_t* row_off,
                           const float* values, const float* x, int32_t batch,
                           const float* bias, float* y, int32_t act, float alpha);

/* --- Block-sparse: 16x1 blocks (bsr16) ------------------------------------------------------ */

/* Rows per panel of the bsr16 layout. */
#define SNN_BSR16_ROWS 16

/* Block-sparse weights in blocks of 16 rows x 1 column: the rows in panels of 16 (panel p holds
 * rows 16p .. 16p + 15), each panel a list of blocks, one per column the panel keeps:
 *   panel_ptr[panels + 1]   panels = ceil(rows / 16); panel_ptr[0] == 0, non-decreasing
 *   block_col[blocks]       uint16; within a panel strictly increasing and in [0, cols)
 *   values[blocks * 16]     block k is values[16k .. 16k + 15], W[16p + i][block_col[k]] at
 *                           values[16k + i]; zeros inside a kept block (and the rows of the last
 *                           panel beyond the matrix) are stored as zeros and multiplied
 * Same contracts as snn_f32_spmv_csr16 and snn_f32_spmm_csr16 otherwise (any row range, any
 * batch >= 1 for spmm); the SIMD kernels vectorise over the 16 rows of a block: one index and
 * one broadcast of x per block. */
int32_t snn_f32_spmv_bsr16(int32_t isa, int32_t row_begin, int32_t row_end,
                           const int32_t* panel_ptr, const uint16_t* block_col,
                           const float* values, const float* x, const float* bias, float* y,
                           int32_t act, float alpha);

int32_t snn_f32_spmm_bsr16(int32_t isa, int32_t row_begin, int32_t row_end,
                           const int32_t* panel_ptr, const uint16_t* block_col,
                           const float* values, const float* x, int32_t batch,
                           const float* bias, float* y, int32_t act, float alpha);

/* --- N:M semi-structured (nm) ---------------------------------------------------------------
 *
 * A rows x cols matrix with at most n nonzeros in each group of m consecutive inputs of a row
 * (the last group may be shorter), e.g. 2:4. Each row holds row_slots slots, a multiple of 16:
 * slot k of row r is values[r * row_slots + k] and offsets[r * row_slots + k] (uint8). The slots
 * go in 16-slot blocks; block k / 16 covers the `window` inputs starting at (k / 16) * window,
 * and a slot reads input column (k / 16) * window + offset. The layout Java builds puts the n
 * slots of group g at g * n .. g * n + n - 1, so window = 16 * m / n (32 for 2:4 and 4:8, 64 for
 * 1:4 and 2:8); the kernels only rely on:
 *   1 <= window <= 256, row_slots % 16 == 0, every offset < window,
 *   a slot whose value is zero (+0 or -0) contributes nothing: its input is never multiplied
 *     (padding slots, and groups with fewer than n nonzeros, are zero slots);
 *   a slot whose value is not zero reads a column < cols.
 * So the result is CSR's over the nonzero slots: a zero weight never turns an infinite input
 * into NaN. The SIMD kernels select the inputs of 16 slots from a window of x with permutes
 * (AVX-512: one vpermt2ps for a 32-input window) instead of one scalar load per nonzero. */

int32_t snn_f32_spmv_nm(int32_t isa, int32_t row_begin, int32_t row_end, int32_t cols,
                        int32_t window, int32_t row_slots, const uint8_t* offsets,
                        const float* values, const float* x, const float* bias, float* y,
                        int32_t act, float alpha);

/* Batched, feature-major x[c * batch + b] and y[r * batch + b], any batch >= 1. */
int32_t snn_f32_spmm_nm(int32_t isa, int32_t row_begin, int32_t row_end, int32_t cols,
                        int32_t window, int32_t row_slots, const uint8_t* offsets,
                        const float* values, const float* x, int32_t batch, const float* bias,
                        float* y, int32_t act, float alpha);

/* --- Sliced ELL over input windows (sell) ---------------------------------------------------
 *
 * Unstructured sparse weights at full vector width for batch 1: rows go 16 to a slice (one SIMD
 * lane per row), inputs in windows of SNN_SELL_WINDOW columns. Per slice and window, the slice's
 * nonzeros in that window are dealt into slots: lane l of slot t holds lane l's t-th nonzero in
 * the window (its value and its column's offset from the window's first column), or a zero
 * value where that row has fewer. The SIMD kernels hold the window of x in registers and select
 * a slot's 16 inputs with permutes (AVX-512: two vpermt2ps and a merge), so a nonzero costs a
 * vector lane, not a scalar load of x; padding costs lanes too (about 40% of them at 90%
 * unstructured sparsity). With slices = ceil(rows / 16) and windows = ceil(cols / 64):
 *   lane_rows[slices * 16]          the output row of lane l of slice s (at s * 16 + l), or -1
 *                                   for none; no row twice. Java sorts rows by their nonzero
 *                                   count within aligned groups of SNN_SELL_GROUP_ROWS rows, so
 *                                   that a slice's rows need similar slot counts, and a lane in
 *                                   such a group maps to a row of the same group.
 *   slice_slots[slices + 1]         the first slot of each slice: slice_slots[0] == 0,
 *                                   non-decreasing
 *   window_slots[slices * windows]  the slots of slice s in window w (at s * windows + w), at
 *                                   most SNN_SELL_WINDOW; they sum to the slice's slots, which
 *                                   go in window order
 *   values[16 * slots], offsets[16 * slots]  lane l of slot k at 16 * k + l; offset (uint8) is
 *                                   the column minus the window's first column, and every
 *                                   lane's column (padding included) is < cols
 *   a lane whose value is zero (+0 or -0) contributes nothing: its input is never multiplied, so
 *   padding never turns an infinite input into NaN.
 * The row range [row_begin, row_end) counts lanes: the kernel runs the slices holding those
 * lanes and writes y[lane_rows[l]] = act(sum + bias[lane_rows[l]]) for each lane l in the range
 * whose row is >= 0 (Java's threads take ranges of whole groups, which are their rows). Each
 * row sums its terms in column order, split between two partial sums in the SIMD kernels (so
 * results differ from CSR's by rounding only). */
#define SNN_SELL_WINDOW 64
#define SNN_SELL_GROUP_ROWS 512

int32_t snn_f32_spmv_sell(int32_t isa, int32_t row_begin, int32_t row_end, int32_t cols,
                          const int32_t* lane_rows, const int32_t* slice_slots,
                          const uint8_t* window_slots, const uint8_t* offsets,
                          const float* values, const float* x, const float* bias, float* y,
                          int32_t act, float alpha);

/* Batched, feature-major x[c * batch + b] and y[r * batch + b], any batch >= 1: each lane's
 * nonzeros add a vector over the batch into its row. The format is built for batch 1; the
 * planner prices this by measurement. */
int32_t snn_f32_spmm_sell(int32_t isa, int32_t row_begin, int32_t row_end, int32_t cols,
                          const int32_t* lane_rows, const int32_t* slice_slots,
                          const uint8_t* window_slots, const uint8_t* offsets,
                          const float* values, const float* x, int32_t batch, const float* bias,
                          float* y, int32_t act, float alpha);

/* --- Recurrent gates ------------------------------------------------------------------------ */

/* The cells of snn_f32_gates. Gate rows in ONNX order. */
#define SNN_CELL_LSTM 0          /* rows i, o, f, c: c <- f c + i g, h <- o tanh(c) */
#define SNN_CELL_GRU 1           /* linear_before_reset: rows z, r, h; the product's h rows hold
                                  * R_h h + Rb_h: h <- (1 - z) tanh(p_h + r q_h) + z h */
#define SNN_CELL_GRU_RESET 2     /* without linear_before_reset, first half: rows z, r of the
                                  * product; c <- z (scratch), out <- r h (the next product's x) */
#define SNN_CELL_GRU_CANDIDATE 3 /* second half: product = R_h (r h) (hidden rows), z read from
                                  * c: h <- (1 - z) tanh(p_h + q) + z h */
#define SNN_CELL_RNN 4           /* one row block: h <- act(p + q) */
#define SNN_CELL_COUNT 5

/* One step's gate math of a recurrent cell, fused, in place. For unit j < hidden of sequence
 * b < batch and gate row block g (row g * hidden + j):
 *   p_g = projected[(g * hidden + j) * projected_stride + b]   W x + biases for this step (the
 *         step's column of the feature-major projection of all steps: projected_stride is its
 *         column count)
 *   q_g = product[(g * hidden + j) * batch + b]                 R h (feature-major)
 *   h[j * batch + b], c[j * batch + b]                          the state, updated in place
 *   out[j * out_stride + b]                                     the new h again (the output
 *                                                               sequence), or NULL for none
 * sigmoid(x) = 1 / (1 + exp(-x)); the SIMD kernels use math/'s vector exp, sigmoid and tanh
 * (absolute error < 1e-6 each), so one step's h, c and out stay within 8e-6 (1 + |h| + |c| +
 * the sum of |q_g|) of the scalar kernel's (tested, finite terms); NaN propagates, +-inf saturate the gates (tanh(+-inf) =
 * +-1, sigmoid(+inf) = 1, sigmoid(-inf) = 0), as in libm and Java. `act` applies to
 * SNN_CELL_RNN only (SNN_ACT_TANH or SNN_ACT_RELU in practice; any SNN_ACT_* with alpha 0);
 * `c` is unused (may be NULL) for SNN_CELL_GRU and SNN_CELL_RNN. An unknown cell writes
 * nothing. out must not overlap projected, product, h or c. */
int32_t snn_f32_gates(int32_t isa, int32_t cell, int32_t hidden, int32_t batch,
                      const float* projected, int64_t projected_stride, const float* product,
                      float* h, float* c, float* out, int64_t out_stride, int32_t act);

#ifdef __cplusplus
}
#endif

#endif /* SPARSENN_KERNELS_H */
