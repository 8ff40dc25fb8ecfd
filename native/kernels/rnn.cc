#include "rnn.h"

#include <cstddef>

#include "activations.h"
#include "blas.h"
#include "fast_math.h"
#include "layout.h"
#include "prediction.h"
#include "workspace.h"

namespace rnn {

// Shapes: h (m, n_a) pre-activations without bias, ba (n_a). In place: h = tanh(h + ba).
template <typename Real>
RNN_VECTORIZED static void tanh_rows_with_bias(Real* h, const Real* ba, int m, int n_a) {
  for (int j = 0; j < m; ++j) tanh_with_bias(h + std::size_t(j) * n_a, ba, n_a);
}

template <typename Real>
void rnn_forward(const RnnForward<Real>& p) {
  const int n_a = p.n_a, m = p.m;
  const std::size_t step = std::size_t(m) * n_a;
  const std::size_t columns = std::size_t(p.T) * m;
  Real* states = p.H + step;  // H[1..T], (T·m, n_a)

  to_time_major(p.X, p.x, p.n_x, m, p.T);
  to_time_major(p.H, p.a0, n_a, m, 1);
  // Input projection of every step at once: H[1..T] (T·m, n_a) = X (T·m, n_x) · Waxᵀ.
  gemm(Op::N, Op::T, int(columns), n_a, p.n_x, Real(1), p.X, p.n_x, p.Wax, p.n_x, Real(0), states, n_a);
  for (int t = 0; t < p.T; ++t) {
    Real* h = states + t * step;
    // h (m, n_a) += h_prev (m, n_a) · Waaᵀ, then h = tanh(h + ba).
    gemm(Op::N, Op::T, m, n_a, n_a, Real(1), p.H + t * step, n_a, p.Waa, n_a, Real(1), h, n_a);
    tanh_rows_with_bias(h, p.ba, m, n_a);
  }
  from_time_major(p.a, states, n_a, m, p.T);
  if (p.Wya != nullptr) {
    Workspace<Real> scratch(columns * p.n_y);
    predict(p.y, scratch.take(columns * p.n_y), states, p.Wya, p.by, n_a, p.n_y, m, p.T);
  }
}

template <typename Real>
void rnn_backward(const RnnBackward<Real>& p) {
  const int n_a = p.n_a, n_x = p.n_x, m = p.m;
  const std::size_t step = std::size_t(m) * n_a;
  const std::size_t columns = std::size_t(p.Tb) * m;
  const std::size_t dX_size = p.dx != nullptr ? columns * n_x : 0;
  Workspace<Real> ws(columns * n_a + step + dX_size);
  Real* dZ = ws.take(columns * n_a);  // (Tb·m, n_a): upstream da, overwritten step by step with ∂J/∂(pre-tanh)
  Real* dh = ws.take(step);           // (m, n_a): gradient reaching h_t from step t + 1
  Real* dX = ws.take(dX_size);        // (Tb·m, n_x), when dx is wanted

  to_time_major(dZ, p.da, n_a, m, p.Tb);
  for (std::size_t i = 0; i < step; ++i) dh[i] = 0;
  for (int t = p.Tb - 1; t >= 0; --t) {
    Real* dz = dZ + t * step;
    const Real* h = p.H + (t + 1) * step;
    for (std::size_t i = 0; i < step; ++i) dz[i] = (dz[i] + dh[i]) * (Real(1) - h[i] * h[i]);
    // da_prev (m, n_a) = dz (m, n_a) · Waa (n_a, n_a).
    gemm(Op::N, Op::N, m, n_a, n_a, Real(1), dz, n_a, p.Waa, n_a, Real(0), dh, n_a);
  }
  from_time_major(p.da0, dh, n_a, m, 1);
  // Parameter gradients over all steps at once: dWax = dZᵀ X, dWaa = dZᵀ H[0..Tb-1], dba = Σ rows of dZ.
  gemm(Op::T, Op::N, n_a, n_x, int(columns), Real(1), dZ, n_a, p.X, n_x, Real(0), p.dWax, n_x);
  gemm(Op::T, Op::N, n_a, n_a, int(columns), Real(1), dZ, n_a, p.H, n_a, Real(0), p.dWaa, n_a);
  column_sums(p.dba, dZ, columns, n_a);
  if (p.dx == nullptr) return;
  // dX (Tb·m, n_x) = dZ (Tb·m, n_a) · Wax (n_a, n_x).
  gemm(Op::N, Op::N, int(columns), n_x, n_a, Real(1), dZ, n_a, p.Wax, n_x, Real(0), dX, n_x);
  from_time_major(p.dx, dX, n_x, m, p.Tb);
}

template void rnn_forward<float>(const RnnForward<float>&);
template void rnn_forward<double>(const RnnForward<double>&);
template void rnn_backward<float>(const RnnBackward<float>&);
template void rnn_backward<double>(const RnnBackward<double>&);

}  // namespace rnn
