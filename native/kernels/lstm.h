// LSTM over a whole sequence, forward and backward through time. A single cell is the case T = 1.
//
// The four gate matrices travel fused as W (4 n_a, n_a + n_x) = [Wf; Wi; Wc; Wo] and b (4 n_a) = [bf; bi; bc; bo]:
// columns [0, n_a) of W act on a_prev, columns [n_a, n_a + n_x) on x_t, so one GEMM serves all four gates.
#pragma once

namespace rnn {

// Shapes (notebook layout unless said): x (n_x, m, T); a0, c0 (n_a, m), c0 null for zeros; W, b fused as above;
// Wy (n_y, n_a) and by (n_y), both null for no prediction.
// Writes a, c (n_a, m, T), y (n_y, m, T) when Wy is given, and the cache the backward pass reads, time-major:
// X (T, m, n_x); H, C (T + 1, m, n_a) with H[0] = a0ᵀ, C[0] = c0ᵀ; G (T, m, 4 n_a) the activated gates f, i, c̃, o.
template <typename Real>
struct LstmForward {
  Real* a;
  Real* c;
  Real* y;
  Real* X;
  Real* H;
  Real* C;
  Real* G;
  const Real* x;
  const Real* a0;
  const Real* c0;
  const Real* W;
  const Real* b;
  const Real* Wy;
  const Real* by;
  int n_x, n_a, n_y, m, T;
};

// Shapes: da (n_a, m, Tb) with Tb ≤ T the upstream gradient of the first Tb hidden states; dc_last (n_a, m) the
// gradient of c at step Tb - 1, or null for zero (the cell backward passes it); X, H, C, G, W as the forward left them.
// Writes dx (n_x, m, Tb) unless dx is null (the character model needs no input gradient), da0, dc0 (n_a, m), dW (4 n_a, n_a + n_x) and db (4 n_a) fused like W and b.
template <typename Real>
struct LstmBackward {
  Real* dx;
  Real* da0;
  Real* dc0;
  Real* dW;
  Real* db;
  const Real* da;
  const Real* dc_last;
  const Real* X;
  const Real* H;
  const Real* C;
  const Real* G;
  const Real* W;
  int n_x, n_a, m, Tb;
};

template <typename Real>
void lstm_forward(const LstmForward<Real>& p);

template <typename Real>
void lstm_backward(const LstmBackward<Real>& p);

}  // namespace rnn
