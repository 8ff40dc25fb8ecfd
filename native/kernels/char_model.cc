#include "char_model.h"

#include <algorithm>

#include "arena.h"
#include "blas.h"
#include "cells/lstm.h"
#include "cells/rnn.h"
#include "layout.h"
#include "loss.h"
#include "scan.h"

namespace rnn {

CharModelLayout::CharModelLayout(const CharModelShape& s) {
  const std::size_t n_a = s.n_a, V = s.V;
  const std::size_t gates = s.cell == Cell::Lstm ? 4 * n_a : n_a;
  const std::size_t columns = s.cell == Cell::Lstm ? n_a + V : V;
  cell_W = 0;
  cell_U = gates * columns;
  cell_b = cell_U + (s.cell == Cell::Lstm ? 0 : n_a * n_a);
  Wy = cell_b + gates;
  by = Wy + V * n_a;
  total = by + V;
}

namespace {

// Where the cell's parameters sit in the flat vector: W_x (G·n_a, V) and W_h (G·n_a, n_a), with their leading
// dimensions, and b (G·n_a). The LSTM's fused W holds both (W_h its first n_a columns); the RNN keeps Wax and Waa.
template <typename Real>
struct CellWeights {
  Real* Wx;
  Real* Wh;
  Real* b;
  int ldwx, ldwh, gates;

  CellWeights(Real* params, const CharModelShape& s, const CharModelLayout& L) {
    const bool lstm = s.cell == Cell::Lstm;
    gates = lstm ? 4 : 1;
    Wh = params + (lstm ? L.cell_W : L.cell_U);
    Wx = params + L.cell_W + (lstm ? s.n_a : 0);
    ldwh = lstm ? s.n_a + s.V : s.n_a;
    ldwx = lstm ? s.n_a + s.V : s.V;
    b = params + L.cell_b;
  }
};

// The input projection of one-hot characters is a gather: Z (rows, G·n_a) row r = column ids[r] of W_x (G·n_a, V),
// read through its transpose WxT (V, G·n_a) so that each row is one contiguous copy.
template <typename Real>
void gather_input_projection(Real* Z, Real* WxT, const CellWeights<const Real>& w, const std::int32_t* ids,
                             std::size_t rows, int gn, int V) {
  for (int k = 0; k < gn; ++k)
    for (int v = 0; v < V; ++v) WxT[std::size_t(v) * gn + k] = w.Wx[std::size_t(k) * w.ldwx + v];
  parallel_for(threads_for(double(rows) * gn, kElementsPerThread), rows, [&](std::size_t r0, std::size_t r1) {
    for (std::size_t r = r0; r < r1; ++r) std::copy(WxT + std::size_t(ids[r]) * gn, WxT + std::size_t(ids[r] + 1) * gn, Z + r * gn);
  });
}

// Its gradient is a scatter: dWx (G·n_a, V) column v = the sum of the rows of dZ (rows, G·n_a) whose character is v.
template <typename Real>
void scatter_input_gradient(Real* dWx, int lddwx, const Real* dZ, const std::int32_t* ids, std::size_t rows, int gn,
                            int V) {
  parallel_for(threads_for(double(rows) * gn, kElementsPerThread), std::size_t(gn), [&](std::size_t k0, std::size_t k1) {
    for (std::size_t k = k0; k < k1; ++k)
      for (int v = 0; v < V; ++v) dWx[k * lddwx + v] = 0;
    for (std::size_t r = 0; r < rows; ++r) {
      const Real* dz = dZ + r * gn;
      for (std::size_t k = k0; k < k1; ++k) dWx[k * lddwx + std::size_t(ids[r])] += dz[k];
    }
  });
}

// Forward, the output layer's loss, and backward through time, for either cell. ids, targets (T·m) time-major.
// Writes every gradient into p.grads and returns the loss.
template <typename CellType, typename Real>
double loss_and_gradients(const TrainStep<Real>& p, const CharModelLayout& L, const std::int32_t* ids,
                          const std::int32_t* targets) {
  const int n_a = p.shape.n_a, V = p.shape.V, m = p.m, T = p.T, gn = CellType::gates * n_a;
  const std::size_t step = std::size_t(m) * n_a, rows = std::size_t(T) * m;
  const CellWeights<const Real> w(p.params, p.shape, L);
  const CellWeights<Real> dw(p.grads, p.shape, L);
  Scratch scratch;
  Real* H = scratch.take<Real>(rows * n_a + step);  // (T + 1, m, n_a), H[0] = 0
  Real* C = CellType::has_cell_state ? scratch.take<Real>(rows * n_a + step) : nullptr;
  Real* Z = CellType::has_cell_state ? scratch.take<Real>(rows * gn) : H + step;  // (T·m, G·n_a)
  Real* WxT = scratch.take<Real>(std::size_t(V) * gn);
  Real* logits = scratch.take<Real>(rows * V);
  Real* dH = scratch.take<Real>(rows * n_a);
  Real* dZ = scratch.take<Real>(rows * gn);
  Real* dh0 = scratch.take<Real>(step);
  Real* dc = CellType::has_cell_state ? scratch.take<Real>(step) : nullptr;
  std::fill(H, H + step, Real(0));
  if (C != nullptr) std::fill(C, C + step, Real(0));
  if (dc != nullptr) std::fill(dc, dc + step, Real(0));
  gather_input_projection(Z, WxT, w, ids, rows, gn, V);
  scan_forward<CellType>(ScanForward<Real>{Z, H, C, nullptr, w.Wx, w.Wh, w.b, w.ldwx, w.ldwh, V, n_a, m, T});
  const double loss = softmax_cross_entropy_backward(SoftmaxCrossEntropy<Real>{
      dH, p.grads + L.Wy, p.grads + L.by, logits, H + step, p.params + L.Wy, p.params + L.by, targets, n_a, V, rows});
  scan_backward<CellType>(ScanBackward<Real>{dZ, dh0, dc, dw.Wh, nullptr, dw.b, nullptr, dH, Z, H, C, nullptr, w.Wx,
                                             w.Wh, w.ldwx, w.ldwh, dw.ldwx, dw.ldwh, V, n_a, m, T});
  scatter_input_gradient(dw.Wx, dw.ldwx, dZ, ids, rows, gn, V);
  return loss;
}

}  // namespace

template <typename Real>
double train_step(const TrainStep<Real>& p) {
  const CharModelLayout L(p.shape);
  const std::size_t rows = std::size_t(p.T) * p.m;
  Scratch scratch;
  std::int32_t* ids = scratch.take<std::int32_t>(rows);
  std::int32_t* targets = scratch.take<std::int32_t>(rows);
  to_time_major(ids, p.inputs, 1, p.m, p.T);
  to_time_major(targets, p.targets, 1, p.m, p.T);
  const double loss = p.shape.cell == Cell::Lstm ? loss_and_gradients<LstmCell>(p, L, ids, targets)
                                                 : loss_and_gradients<RnnCell>(p, L, ids, targets);
  if (p.clip_value > 0) clip_by_value(p.grads, L.total, Real(p.clip_value));
  if (p.clip_norm > 0) scale(p.grads, L.total, Real(norm_clip_factor(sum_of_squares(p.grads, L.total), p.clip_norm)));
  if (p.optimizer == Optimizer::Adam) {
    adam_update(p.params, p.grads, p.moment1, p.moment2, L.total, p.adam);
  } else {
    sgd_update(p.params, p.grads, p.moment1, L.total, p.sgd);
  }
  return loss;
}

namespace {

// One step of one sequence: (h, c) ← the cell on character `token`.
template <typename CellType, typename Real>
void next_state(const NextCharacter<Real>& p, const CellWeights<const Real>& w) {
  const int n_a = p.shape.n_a, gn = CellType::gates * n_a;
  Scratch scratch;
  Real* H = scratch.take<Real>(2 * n_a);
  Real* C = CellType::has_cell_state ? scratch.take<Real>(2 * n_a) : nullptr;
  Real* Z = CellType::has_cell_state ? scratch.take<Real>(gn) : H + n_a;
  std::copy(p.h, p.h + n_a, H);
  if (C != nullptr) std::copy(p.c, p.c + n_a, C);
  for (int k = 0; k < gn; ++k) Z[k] = w.Wx[std::size_t(k) * w.ldwx + p.token];
  scan_forward<CellType>(ScanForward<Real>{Z, H, C, nullptr, w.Wx, w.Wh, w.b, w.ldwx, w.ldwh, p.shape.V, n_a, 1, 1});
  std::copy(H + n_a, H + 2 * n_a, p.h);
  if (C != nullptr) std::copy(C + n_a, C + 2 * n_a, p.c);
}

}  // namespace

template <typename Real>
void next_character(const NextCharacter<Real>& p) {
  const CharModelLayout L(p.shape);
  const int n_a = p.shape.n_a, V = p.shape.V;
  const CellWeights<const Real> w(p.params, p.shape, L);
  if (p.shape.cell == Cell::Lstm) {
    next_state<LstmCell>(p, w);
  } else {
    next_state<RnnCell>(p, w);
  }
  // logits (1, V) = h (1, n_a) · Wyᵀ + by.
  std::copy(p.params + L.by, p.params + L.by + V, p.logits);
  gemm(Op::N, Op::T, 1, V, n_a, Real(1), p.h, n_a, p.params + L.Wy, n_a, Real(1), p.logits, V);
}

template double train_step<float>(const TrainStep<float>&);
template double train_step<double>(const TrainStep<double>&);
template void next_character<float>(const NextCharacter<float>&);
template void next_character<double>(const NextCharacter<double>&);

}  // namespace rnn
