#include "lstm.h"

#include <cstddef>

#include "activations.h"
#include "fast_math.h"
#include "blas.h"
#include "layout.h"
#include "prediction.h"
#include "workspace.h"

namespace rnn {

// One example's cell update over n_a units: c_next = f * c_prev + i * c̃, a_next = o * tanh(c_next).
template <typename Real>
static inline void cell_update(Real* __restrict c_next, Real* __restrict a_next, const Real* __restrict f,
                               const Real* __restrict i, const Real* __restrict cc, const Real* __restrict o,
                               const Real* __restrict c_prev, int n_a) {
  for (int k = 0; k < n_a; ++k) {
    const Real c = f[k] * c_prev[k] + i[k] * cc[k];
    c_next[k] = c;
    a_next[k] = o[k] * fast_tanh(c);
  }
}

// Below this many units a row's gate blocks are too short for vector loops (the scalar remainders cost as much as
// the vectors), so the small-layer path first gathers every gate of the step into one contiguous run.
constexpr int kGatherBelowUnits = 16;

// Shapes: g (m, 4 n_a) gate pre-activations without bias, laid out [f | i | c̃ | o] per row; b (4 n_a);
// c_prev (m, n_a); scratch (4 m n_a), used when n_a < kGatherBelowUnits. In place, g becomes the activated gates;
// writes c_next = f * c_prev + i * c̃ and a_next = o * tanh(c_next), both (m, n_a).
template <typename Real>
RNN_VECTORIZED static void lstm_cell_pointwise(Real* g, Real* c_next, Real* a_next, const Real* c_prev, const Real* b,
                                               Real* scratch, int m, int n_a) {
  if (n_a >= kGatherBelowUnits) {
    for (int j = 0; j < m; ++j) {
      Real* f = g + std::size_t(j) * 4 * n_a;
      sigmoid_with_bias(f, b, 2 * n_a);  // f and i
      tanh_with_bias(f + 2 * n_a, b + 2 * n_a, n_a);
      sigmoid_with_bias(f + 3 * n_a, b + 3 * n_a, n_a);
      const std::size_t row = std::size_t(j) * n_a;
      cell_update(c_next + row, a_next + row, f, f + n_a, f + 2 * n_a, f + 3 * n_a, c_prev + row, n_a);
    }
    return;
  }
  // scratch (4, m, n_a) gate-major, sigmoid gates first: [f; i; o; c̃], each gate of all m examples contiguous.
  const std::size_t cells = std::size_t(m) * n_a;
  Real* const f = scratch;
  Real* const i = f + cells;
  Real* const o = i + cells;
  Real* const cc = o + cells;
  const int from_row[4] = {0, 1, 3, 2};  // f, i, o, c̃ are blocks 0, 1, 3, 2 of a row of g
  for (int j = 0; j < m; ++j)
    for (int gate = 0; gate < 4; ++gate) {
      const Real* source = g + std::size_t(j) * 4 * n_a + from_row[gate] * n_a;
      const Real* bias = b + from_row[gate] * n_a;
      Real* target = scratch + gate * cells + std::size_t(j) * n_a;
      for (int k = 0; k < n_a; ++k) target[k] = source[k] + bias[k];
    }
  for (std::size_t k = 0; k < 3 * cells; ++k) f[k] = fast_sigmoid(f[k]);
  for (std::size_t k = 0; k < cells; ++k) cc[k] = fast_tanh(cc[k]);
  cell_update(c_next, a_next, f, i, cc, o, c_prev, int(cells));
  for (int j = 0; j < m; ++j)
    for (int gate = 0; gate < 4; ++gate) {
      const Real* source = scratch + gate * cells + std::size_t(j) * n_a;
      Real* target = g + std::size_t(j) * 4 * n_a + from_row[gate] * n_a;
      for (int k = 0; k < n_a; ++k) target[k] = source[k];
    }
}

// One example's backward over n_a units; see lstm_cell_backward_pointwise. df, di, dcc, dout are the four blocks of
// the example's row of dg; f, i, cc, o those of its row of g.
template <typename Real>
static inline void cell_backward(Real* __restrict df, Real* __restrict di, Real* __restrict dcc, Real* __restrict dout,
                                 Real* __restrict dc, const Real* __restrict f, const Real* __restrict i,
                                 const Real* __restrict cc, const Real* __restrict o, const Real* __restrict c_next,
                                 const Real* __restrict c_prev, const Real* __restrict da,
                                 const Real* __restrict dh, int n_a) {
  for (int k = 0; k < n_a; ++k) {
    const Real da_next = da[k] + dh[k];
    const Real tc = fast_tanh(c_next[k]);
    const Real dc_total = dc[k] + o[k] * (Real(1) - tc * tc) * da_next;
    dout[k] = da_next * tc * o[k] * (Real(1) - o[k]);
    dcc[k] = dc_total * i[k] * (Real(1) - cc[k] * cc[k]);
    di[k] = dc_total * cc[k] * i[k] * (Real(1) - i[k]);
    df[k] = dc_total * c_prev[k] * f[k] * (Real(1) - f[k]);
    dc[k] = dc_total * f[k];
  }
}

// Shapes: g (m, 4 n_a) activated gates [f | i | c̃ | o]; c_next, c_prev (m, n_a); da (m, n_a) the upstream
// gradient of a_next; dh, dc (m, n_a) the gradients of a_next and c_next carried from step t + 1.
// Writes dg (m, 4 n_a), the gradients of the gate pre-activations, and dc = ∂J/∂c_prev in place.
template <typename Real>
RNN_VECTORIZED static void lstm_cell_backward_pointwise(Real* dg, Real* dc, const Real* g, const Real* c_next,
                                                        const Real* c_prev, const Real* da, const Real* dh, int m,
                                                        int n_a) {
  for (int j = 0; j < m; ++j) {
    const std::size_t gates = std::size_t(j) * 4 * n_a, row = std::size_t(j) * n_a;
    Real* d = dg + gates;
    const Real* a = g + gates;
    cell_backward(d, d + n_a, d + 2 * n_a, d + 3 * n_a, dc + row, a, a + n_a, a + 2 * n_a, a + 3 * n_a, c_next + row,
                  c_prev + row, da + row, dh + row, n_a);
  }
}

template <typename Real>
void lstm_forward(const LstmForward<Real>& p) {
  const int n_a = p.n_a, n_x = p.n_x, m = p.m, gates = 4 * p.n_a, ldw = p.n_a + p.n_x;
  const std::size_t step = std::size_t(m) * n_a;
  const std::size_t gate_step = std::size_t(m) * gates;
  const std::size_t columns = std::size_t(p.T) * m;

  to_time_major(p.X, p.x, n_x, m, p.T);
  to_time_major(p.H, p.a0, n_a, m, 1);
  if (p.c0 != nullptr) {
    to_time_major(p.C, p.c0, n_a, m, 1);
  } else {
    for (std::size_t i = 0; i < step; ++i) p.C[i] = 0;
  }
  const std::size_t scratch_size = n_a < kGatherBelowUnits ? 4 * step : 0;
  Workspace<Real> ws(scratch_size);
  Real* scratch = ws.take(scratch_size);
  // Input projection of every step at once: G (T·m, 4 n_a) = X (T·m, n_x) · W[:, n_a:]ᵀ.
  gemm(Op::N, Op::T, int(columns), gates, n_x, Real(1), p.X, n_x, p.W + n_a, ldw, Real(0), p.G, gates);
  for (int t = 0; t < p.T; ++t) {
    Real* g = p.G + t * gate_step;
    // g (m, 4 n_a) += a_prev (m, n_a) · W[:, :n_a]ᵀ.
    gemm(Op::N, Op::T, m, gates, n_a, Real(1), p.H + t * step, n_a, p.W, ldw, Real(1), g, gates);
    lstm_cell_pointwise(g, p.C + (t + 1) * step, p.H + (t + 1) * step, p.C + t * step, p.b, scratch, m, n_a);
  }
  from_time_major(p.a, p.H + step, n_a, m, p.T);
  from_time_major(p.c, p.C + step, n_a, m, p.T);
  if (p.Wy != nullptr) {
    Workspace<Real> scratch(columns * p.n_y);
    predict(p.y, scratch.take(columns * p.n_y), p.H + step, p.Wy, p.by, n_a, p.n_y, m, p.T);
  }
}

template <typename Real>
void lstm_backward(const LstmBackward<Real>& p) {
  const int n_a = p.n_a, n_x = p.n_x, m = p.m, gates = 4 * p.n_a, ldw = p.n_a + p.n_x;
  const std::size_t step = std::size_t(m) * n_a;
  const std::size_t gate_step = std::size_t(m) * gates;
  const std::size_t columns = std::size_t(p.Tb) * m;
  const std::size_t dX_size = p.dx != nullptr ? columns * n_x : 0;
  Workspace<Real> ws(columns * n_a + columns * gates + 2 * step + dX_size);
  Real* DA = ws.take(columns * n_a);     // (Tb·m, n_a) upstream da, time-major
  Real* dG = ws.take(columns * gates);   // (Tb·m, 4 n_a) gradients of the gate pre-activations
  Real* dh = ws.take(step);              // (m, n_a) gradient reaching a_t from step t + 1
  Real* dc = ws.take(step);              // (m, n_a) gradient reaching c_t from step t + 1
  Real* dX = ws.take(dX_size);           // (Tb·m, n_x), when dx is wanted

  to_time_major(DA, p.da, n_a, m, p.Tb);
  for (std::size_t i = 0; i < step; ++i) dh[i] = 0;
  if (p.dc_last != nullptr) {
    to_time_major(dc, p.dc_last, n_a, m, 1);
  } else {
    for (std::size_t i = 0; i < step; ++i) dc[i] = 0;
  }
  for (int t = p.Tb - 1; t >= 0; --t) {
    Real* dg = dG + t * gate_step;
    lstm_cell_backward_pointwise(dg, dc, p.G + t * gate_step, p.C + (t + 1) * step, p.C + t * step, DA + t * step,
                                 dh, m, n_a);
    // da_prev (m, n_a) = dg (m, 4 n_a) · W[:, :n_a] (4 n_a, n_a).
    gemm(Op::N, Op::N, m, n_a, gates, Real(1), dg, gates, p.W, ldw, Real(0), dh, n_a);
  }
  from_time_major(p.da0, dh, n_a, m, 1);
  from_time_major(p.dc0, dc, n_a, m, 1);
  // Parameter gradients over all steps at once, straight into the fused layout:
  // dW[:, :n_a] = dGᵀ H[0..Tb-1], dW[:, n_a:] = dGᵀ X, db = Σ rows of dG.
  gemm(Op::T, Op::N, gates, n_a, int(columns), Real(1), dG, gates, p.H, n_a, Real(0), p.dW, ldw);
  gemm(Op::T, Op::N, gates, n_x, int(columns), Real(1), dG, gates, p.X, n_x, Real(0), p.dW + n_a, ldw);
  column_sums(p.db, dG, columns, gates);
  if (p.dx == nullptr) return;
  // dX (Tb·m, n_x) = dG (Tb·m, 4 n_a) · W[:, n_a:] (4 n_a, n_x).
  gemm(Op::N, Op::N, int(columns), n_x, gates, Real(1), dG, gates, p.W + n_a, ldw, Real(0), dX, n_x);
  from_time_major(p.dx, dX, n_x, m, p.Tb);
}

template void lstm_forward<float>(const LstmForward<float>&);
template void lstm_forward<double>(const LstmForward<double>&);
template void lstm_backward<float>(const LstmBackward<float>&);
template void lstm_backward<double>(const LstmBackward<double>&);

}  // namespace rnn
