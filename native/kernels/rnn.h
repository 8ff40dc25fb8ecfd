// Vanilla RNN over a whole sequence, forward and backward through time. A single cell is the case T = 1.
#pragma once

namespace rnn {

// Shapes (notebook layout unless said): x (n_x, m, T); a0 (n_a, m); Wax (n_a, n_x); Waa (n_a, n_a); ba (n_a);
// Wya (n_y, n_a) and by (n_y), both null for no prediction.
// Writes a (n_a, m, T), y (n_y, m, T) when Wya is given, and the cache the backward pass reads:
// X (T, m, n_x) the input time-major, H (T + 1, m, n_a) the hidden states time-major with H[0] = a0ᵀ.
template <typename Real>
struct RnnForward {
  Real* a;
  Real* y;
  Real* X;
  Real* H;
  const Real* x;
  const Real* a0;
  const Real* Wax;
  const Real* Waa;
  const Real* ba;
  const Real* Wya;
  const Real* by;
  int n_x, n_a, n_y, m, T;
};

// Shapes: da (n_a, m, Tb) with Tb ≤ T the upstream gradient of the first Tb hidden states; X, H, Wax, Waa as
// written and read by the forward pass. Writes dx (n_x, m, Tb) unless dx is null, da0 (n_a, m), dWax (n_a, n_x), dWaa (n_a, n_a),
// dba (n_a).
template <typename Real>
struct RnnBackward {
  Real* dx;
  Real* da0;
  Real* dWax;
  Real* dWaa;
  Real* dba;
  const Real* da;
  const Real* X;
  const Real* H;
  const Real* Wax;
  const Real* Waa;
  int n_x, n_a, m, Tb;
};

template <typename Real>
void rnn_forward(const RnnForward<Real>& p);

template <typename Real>
void rnn_backward(const RnnBackward<Real>& p);

}  // namespace rnn
