#include "char_model.h"

#include <algorithm>

#include "blas.h"
#include "layout.h"
#include "loss.h"
#include "lstm.h"
#include "rnn.h"
#include "workspace.h"

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

// x (V, m, T) notebook layout = one-hot of ids (m, T) row-major.
template <typename Real>
static void one_hot(Real* x, const std::int32_t* ids, int V, int m, int T) {
  const std::size_t size = std::size_t(V) * m * T;
  std::fill(x, x + size, Real(0));
  for (std::size_t jt = 0; jt < std::size_t(m) * T; ++jt) x[std::size_t(ids[jt]) * m * T + jt] = 1;
}

// The output layer on the hidden states Hs (T·m, n_a) time-major, targets (T·m) time-major: writes the gradients
// of Wy and by into grads and da (n_a, m, T) in the notebook layout the cell's backward reads; returns the loss.
template <typename Real>
static double output_layer(Real* da, const TrainStep<Real>& p, const CharModelLayout& L, const Real* Hs,
                           const std::int32_t* targets) {
  const int n_a = p.shape.n_a, V = p.shape.V;
  const std::size_t rows = std::size_t(p.T) * p.m;
  Workspace<Real> ws(rows * V + rows * n_a);
  Real* Z = ws.take(rows * V);
  Real* dH = ws.take(rows * n_a);
  const double loss = softmax_cross_entropy_backward(SoftmaxCrossEntropy<Real>{
      dH, p.grads + L.Wy, p.grads + L.by, Z, Hs, p.params + L.Wy, p.params + L.by, targets, n_a, V, rows});
  from_time_major(da, dH, n_a, p.m, p.T);
  return loss;
}

// The LSTM's forward, the output layer and the backward through time on a batch. Shapes: x (V, m, T) one-hot;
// targets (T·m) time-major. Writes every gradient into grads and returns the loss.
template <typename Real>
static double lstm_loss_and_gradients(const TrainStep<Real>& p, const CharModelLayout& L, const Real* x,
                                      const std::int32_t* targets) {
  const int n_a = p.shape.n_a, V = p.shape.V, m = p.m, T = p.T;
  const std::size_t step = std::size_t(m) * n_a, states = std::size_t(T) * step, inputs = std::size_t(T) * m * V;
  Workspace<Real> ws(3 * step + 3 * states + 2 * (states + step) + 4 * states + inputs);
  Real* a0 = ws.take(step);
  Real* da0 = ws.take(step);
  Real* dc0 = ws.take(step);
  Real* a = ws.take(states);
  Real* c = ws.take(states);
  Real* da = ws.take(states);
  Real* H = ws.take(states + step);
  Real* C = ws.take(states + step);
  Real* G = ws.take(4 * states);
  Real* X = ws.take(inputs);
  std::fill(a0, a0 + step, Real(0));
  const Real* W = p.params + L.cell_W;
  lstm_forward(LstmForward<Real>{a, c, nullptr, X, H, C, G, x, a0, nullptr, W, p.params + L.cell_b, nullptr,
                                 nullptr, V, n_a, 0, m, T});
  const double loss = output_layer(da, p, L, H + step, targets);
  lstm_backward(LstmBackward<Real>{nullptr, da0, dc0, p.grads + L.cell_W, p.grads + L.cell_b, da, nullptr, X, H, C, G,
                                   W, V, n_a, m, T});
  return loss;
}

// The same for the vanilla RNN.
template <typename Real>
static double rnn_loss_and_gradients(const TrainStep<Real>& p, const CharModelLayout& L, const Real* x,
                                     const std::int32_t* targets) {
  const int n_a = p.shape.n_a, V = p.shape.V, m = p.m, T = p.T;
  const std::size_t step = std::size_t(m) * n_a, states = std::size_t(T) * step, inputs = std::size_t(T) * m * V;
  Workspace<Real> ws(2 * step + 2 * states + (states + step) + inputs);
  Real* a0 = ws.take(step);
  Real* da0 = ws.take(step);
  Real* a = ws.take(states);
  Real* da = ws.take(states);
  Real* H = ws.take(states + step);
  Real* X = ws.take(inputs);
  std::fill(a0, a0 + step, Real(0));
  const Real* Wax = p.params + L.cell_W;
  const Real* Waa = p.params + L.cell_U;
  rnn_forward(RnnForward<Real>{a, nullptr, X, H, x, a0, Wax, Waa, p.params + L.cell_b, nullptr, nullptr, V, n_a, 0,
                               m, T});
  const double loss = output_layer(da, p, L, H + step, targets);
  rnn_backward(RnnBackward<Real>{nullptr, da0, p.grads + L.cell_W, p.grads + L.cell_U, p.grads + L.cell_b, da, X, H, Wax,
                                 Waa, V, n_a, m, T});
  return loss;
}

template <typename Real>
double train_step(const TrainStep<Real>& p) {
  const CharModelLayout L(p.shape);
  const std::size_t rows = std::size_t(p.T) * p.m;
  Workspace<Real> x(rows * p.shape.V);
  Workspace<std::int32_t> targets(rows);
  Real* one_hot_x = x.take(rows * p.shape.V);
  std::int32_t* time_major_targets = targets.take(rows);
  one_hot(one_hot_x, p.inputs, p.shape.V, p.m, p.T);
  to_time_major(time_major_targets, p.targets, 1, p.m, p.T);
  const double loss = p.shape.cell == Cell::Lstm
                          ? lstm_loss_and_gradients(p, L, one_hot_x, time_major_targets)
                          : rnn_loss_and_gradients(p, L, one_hot_x, time_major_targets);
  if (p.clip_value > 0) clip_by_value(p.grads, L.total, Real(p.clip_value));
  if (p.clip_norm > 0) scale(p.grads, L.total, Real(norm_clip_factor(sum_of_squares(p.grads, L.total), p.clip_norm)));
  if (p.optimizer == Optimizer::Adam) {
    adam_update(p.params, p.grads, p.moment1, p.moment2, L.total, p.adam);
  } else {
    sgd_update(p.params, p.grads, p.moment1, L.total, p.sgd);
  }
  return loss;
}

template <typename Real>
void next_character(const NextCharacter<Real>& p) {
  const CharModelLayout L(p.shape);
  const int n_a = p.shape.n_a, V = p.shape.V;
  Workspace<Real> ws(2 * V + 10 * n_a);
  Real* x = ws.take(V);
  Real* X = ws.take(V);
  Real* a = ws.take(n_a);
  Real* c = ws.take(n_a);
  Real* H = ws.take(2 * n_a);
  Real* C = ws.take(2 * n_a);
  Real* G = ws.take(4 * n_a);
  std::fill(x, x + V, Real(0));
  x[p.token] = 1;
  if (p.shape.cell == Cell::Lstm) {
    lstm_forward(LstmForward<Real>{a, c, nullptr, X, H, C, G, x, p.h, p.c, p.params + L.cell_W, p.params + L.cell_b,
                                   nullptr, nullptr, V, n_a, 0, 1, 1});
    std::copy(c, c + n_a, p.c);
  } else {
    rnn_forward(RnnForward<Real>{a, nullptr, X, H, x, p.h, p.params + L.cell_W, p.params + L.cell_U,
                                 p.params + L.cell_b, nullptr, nullptr, V, n_a, 0, 1, 1});
  }
  std::copy(a, a + n_a, p.h);
  // logits (1, V) = h (1, n_a) · Wyᵀ + by.
  std::copy(p.params + L.by, p.params + L.by + V, p.logits);
  gemm(Op::N, Op::T, 1, V, n_a, Real(1), p.h, n_a, p.params + L.Wy, n_a, Real(1), p.logits, V);
}

template double train_step<float>(const TrainStep<float>&);
template double train_step<double>(const TrainStep<double>&);
template void next_character<float>(const NextCharacter<float>&);
template void next_character<double>(const NextCharacter<double>&);

}  // namespace rnn
