// The notebook's RNN functions on the scan: layout conversions in and out, the scan, and the optional prediction.
#include "rnn.h"

#include <cstddef>

#include "arena.h"
#include "cells/rnn.h"
#include "layout.h"
#include "prediction.h"
#include "scan.h"

namespace rnn {

template <typename Real>
void rnn_forward(const RnnForward<Real>& p) {
  const int n_a = p.n_a, m = p.m;
  const std::size_t step = std::size_t(m) * n_a;
  Real* states = p.H + step;  // H[1..T] (T·m, n_a): the RNN's activated gate is its state, so Z is H[1..T]
  const RowHook inputs = [&](std::size_t j0, std::size_t j1) {
    to_time_major_rows(p.X, p.x, p.n_x, m, p.T, j0, j1);
    to_time_major_rows(p.H, p.a0, n_a, m, 1, j0, j1);
  };
  const RowHook results = [&](std::size_t j0, std::size_t j1) { from_time_major_rows(p.a, states, n_a, m, p.T, j0, j1); };
  ScanForward<Real> scan{states, p.H, nullptr, p.X, p.Wax, p.Waa, p.ba, p.n_x, n_a, p.n_x, n_a, m, p.T};
  scan.before = &inputs;
  scan.after = &results;
  scan_forward<RnnCell>(scan);
  if (p.Wya != nullptr) predict(p.y, states, p.Wya, p.by, n_a, p.n_y, m, p.T);
}

template <typename Real>
void rnn_backward(const RnnBackward<Real>& p) {
  const int n_a = p.n_a, n_x = p.n_x, m = p.m;
  const std::size_t step = std::size_t(m) * n_a, rows = std::size_t(p.Tb) * m;
  Scratch scratch;
  Real* dH = scratch.take<Real>(rows * n_a);  // (Tb·m, n_a) upstream da, time-major
  Real* dZ = scratch.take<Real>(rows * n_a);  // (Tb·m, n_a) ∂J/∂(pre-tanh)
  Real* dh0 = scratch.take<Real>(step);       // (m, n_a)
  Real* dX = p.dx != nullptr ? scratch.take<Real>(rows * n_x) : nullptr;  // (Tb·m, n_x)
  to_time_major(dH, p.da, n_a, m, p.Tb);
  scan_backward<RnnCell>(ScanBackward<Real>{dZ, dh0, nullptr, p.dWaa, p.dWax, p.dba, dX, dH, p.H + step, p.H, nullptr,
                                            p.X, p.Wax, p.Waa, n_x, n_a, n_x, n_a, n_x, n_a, m, p.Tb});
  from_time_major(p.da0, dh0, n_a, m, 1);
  if (dX != nullptr) from_time_major(p.dx, dX, n_x, m, p.Tb);
}

template void rnn_forward<float>(const RnnForward<float>&);
template void rnn_forward<double>(const RnnForward<double>&);
template void rnn_backward<float>(const RnnBackward<float>&);
template void rnn_backward<double>(const RnnBackward<double>&);

}  // namespace rnn
