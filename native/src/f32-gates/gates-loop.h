/*
 * The recurrent gate epilogue written once over an ISA's vector traits; each ISA file supplies
 * the traits and instantiates snn_gates_loop. The arithmetic is f32-gates-scalar.cc's, term for
 * term (same products and sums in the same order; the vector sigmoid/tanh of math/ in place
 * of libm's).
 *
 * Traits T:
 *   typedef V;                 the vector type, W lanes
 *   static const int W;
 *   V load(const float* p, int64_t step, int32_t n)   lanes l < n from p[l * step], others 0
 *   void store(float* p, int64_t step, int32_t n, V v) lanes l < n to p[l * step]
 *   V set1(float), add(V, V), sub(V, V), mul(V, V), sigmoid(V), tanh(V), act(V, int32_t)
 *
 * Batch 1 runs W hidden units per vector (the projection and the output sequence are then read
 * and written with their row stride); batch > 1 runs W sequences of one unit per vector (every
 * buffer is contiguous along the batch).
 */
#ifndef SPARSENN_SRC_F32_GATES_GATES_LOOP_H
#define SPARSENN_SRC_F32_GATES_GATES_LOOP_H

#include "snn-internal.h"

namespace {

// Lanes: units j .. (batch 1) or sequences b .. (batch > 1) of unit j; `n` of them.
template <class T>
inline void snn_gates_block(int32_t cell, int32_t hidden, int32_t batch, int32_t j, int32_t b,
                            int32_t n, bool along_units, const float* projected,
                            int64_t projected_stride, const float* product, float* h, float* c,
                            float* out, int64_t out_stride, int32_t act) {
  typedef typename T::V V;
  const int64_t nb = batch;
  const int64_t pstep = along_units ? projected_stride : 1;
  const int64_t ostep = along_units ? out_stride : 1;
  const float* p = projected + (int64_t)j * projected_stride + b;
  const float* q = product + (int64_t)j * nb + b;
  const int64_t pgate = (int64_t)hidden * projected_stride;
  const int64_t qgate = (int64_t)hidden * nb;
  float* hs = h + (int64_t)j * nb + b;
  float* cs = c != NULL ? c + (int64_t)j * nb + b : NULL;
  float* os = out != NULL ? out + (int64_t)j * out_stride + b : NULL;
  const V one = T::set1(1.0f);
  V hn;
  switch (cell) {
    case SNN_CELL_LSTM: {
      const V in = T::sigmoid(T::add(T::load(p, pstep, n), T::load(q, 1, n)));
      const V o = T::sigmoid(T::add(T::load(p + pgate, pstep, n), T::load(q + qgate, 1, n)));
      const V f =
          T::sigmoid(T::add(T::load(p + 2 * pgate, pstep, n), T::load(q + 2 * qgate, 1, n)));
      const V g = T::tanh(T::add(T::load(p + 3 * pgate, pstep, n), T::load(q + 3 * qgate, 1, n)));
      const V cn = T::add(T::mul(f, T::load(cs, 1, n)), T::mul(in, g));
      T::store(cs, 1, n, cn);
      hn = T::mul(o, T::tanh(cn));
      break;
    }
    case SNN_CELL_GRU: {
      const V z = T::sigmoid(T::add(T::load(p, pstep, n), T::load(q, 1, n)));
      const V r = T::sigmoid(T::add(T::load(p + pgate, pstep, n), T::load(q + qgate, 1, n)));
      const V g = T::tanh(
          T::add(T::load(p + 2 * pgate, pstep, n), T::mul(r, T::load(q + 2 * qgate, 1, n))));
      hn = T::add(T::mul(T::sub(one, z), g), T::mul(z, T::load(hs, 1, n)));
      break;
    }
    case SNN_CELL_GRU_RESET: {
      const V z = T::sigmoid(T::add(T::load(p, pstep, n), T::load(q, 1, n)));
      const V r = T::sigmoid(T::add(T::load(p + pgate, pstep, n), T::load(q + qgate, 1, n)));
      T::store(cs, 1, n, z);
      if (os != NULL) T::store(os, ostep, n, T::mul(r, T::load(hs, 1, n)));
      return;
    }
    case SNN_CELL_GRU_CANDIDATE: {
      const V z = T::load(cs, 1, n);
      const V g = T::tanh(T::add(T::load(p + 2 * pgate, pstep, n), T::load(q, 1, n)));
      hn = T::add(T::mul(T::sub(one, z), g), T::mul(z, T::load(hs, 1, n)));
      break;
    }
    case SNN_CELL_RNN:
      hn = T::act(T::add(T::load(p, pstep, n), T::load(q, 1, n)), act);
      break;
    default:
      return;
  }
  T::store(hs, 1, n, hn);
  if (os != NULL) T::store(os, ostep, n, hn);
}

template <class T>
inline void snn_gates_loop(SNN_GATES_PARAMS) {
  if (batch == 1) {
    for (int32_t j = 0; j < hidden; j += T::W) {
      const int32_t n = hidden - j < T::W ? hidden - j : T::W;
      snn_gates_block<T>(cell, hidden, batch, j, 0, n, true, projected, projected_stride, product, h,
                         c, out, out_stride, act);
    }
    return;
  }
  for (int32_t j = 0; j < hidden; j++) {
    for (int32_t b = 0; b < batch; b += T::W) {
      const int32_t n = batch - b < T::W ? batch - b : T::W;
      snn_gates_block<T>(cell, hidden, batch, j, b, n, false, projected, projected_stride, product, h,
                         c, out, out_stride, act);
    }
  }
}

}  // namespace

#endif  // SPARSENN_SRC_F32_GATES_GATES_LOOP_H
