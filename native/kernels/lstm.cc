// The notebook's LSTM functions on the scan: layout conversions in and out, the scan, and the optional prediction.
#include "lstm.h"

#include <algorithm>
#include <cstddef>

#include "arena.h"
#include "cells/lstm.h"
#include "layout.h"
#include "prediction.h"
#include "scan.h"

namespace rnn {

template <typename Real>
void lstm_forward(const LstmForward<Real>& p) {
  const int n_a = p.n_a, n_x = p.n_x, m = p.m, ldw = p.n_a + p.n_x;
  const std::size_t step = std::size_t(m) * n_a;
  const RowHook inputs = [&](std::size_t j0, std::size_t j1) {
    to_time_major_rows(p.X, p.x, n_x, m, p.T, j0, j1);
    to_time_major_rows(p.H, p.a0, n_a, m, 1, j0, j1);
    if (p.c0 != nullptr) {
      to_time_major_rows(p.C, p.c0, n_a, m, 1, j0, j1);
    } else {
      std::fill(p.C + j0 * n_a, p.C + j1 * n_a, Real(0));
    }
  };
  const RowHook results = [&](std::size_t j0, std::size_t j1) {
    from_time_major_rows(p.a, p.H + step, n_a, m, p.T, j0, j1);
    from_time_major_rows(p.c, p.C + step, n_a, m, p.T, j0, j1);
  };
  ScanForward<Real> scan{p.G, p.H, p.C, p.X, p.W + n_a, p.W, p.b, ldw, ldw, n_x, n_a, m, p.T};
  scan.before = &inputs;
  scan.after = &results;
  scan_forward<LstmCell>(scan);
  if (p.Wy != nullptr) predict(p.y, p.H + step, p.Wy, p.by, n_a, p.n_y, m, p.T);
}

template <typename Real>
void lstm_backward(const LstmBackward<Real>& p) {
  const int n_a = p.n_a, n_x = p.n_x, m = p.m, ldw = p.n_a + p.n_x;
  const std::size_t step = std::size_t(m) * n_a, rows = std::size_t(p.Tb) * m;
  Scratch scratch;
  Real* dH = scratch.take<Real>(rows * n_a);      // (Tb·m, n_a) upstream da, time-major
  Real* dZ = scratch.take<Real>(rows * 4 * n_a);  // (Tb·m, 4 n_a) gradients of the gate pre-activations
  Real* dh0 = scratch.take<Real>(step);           // (m, n_a)
  Real* dc = scratch.take<Real>(step);            // (m, n_a) ∂J/∂c, carried from the last step back to c0
  Real* dX = p.dx != nullptr ? scratch.take<Real>(rows * n_x) : nullptr;  // (Tb·m, n_x)
  to_time_major(dH, p.da, n_a, m, p.Tb);
  if (p.dc_last != nullptr) {
    to_time_major(dc, p.dc_last, n_a, m, 1);
  } else {
    std::fill(dc, dc + step, Real(0));
  }
  // dW is fused like W: its first n_a columns are dWh, the rest dWx.
  scan_backward<LstmCell>(ScanBackward<Real>{dZ, dh0, dc, p.dW, p.dW + n_a, p.db, dX, dH, p.G, p.H, p.C, p.X,
                                             p.W + n_a, p.W, ldw, ldw, ldw, ldw, n_x, n_a, m, p.Tb});
  from_time_major(p.da0, dh0, n_a, m, 1);
  from_time_major(p.dc0, dc, n_a, m, 1);
  if (dX != nullptr) from_time_major(p.dx, dX, n_x, m, p.Tb);
}

template void lstm_forward<float>(const LstmForward<float>&);
template void lstm_forward<double>(const LstmForward<double>&);
template void lstm_backward<float>(const LstmBackward<float>&);
template void lstm_backward<double>(const LstmBackward<double>&);

}  // namespace rnn
