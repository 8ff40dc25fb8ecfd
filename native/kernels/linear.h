// A fully connected layer on the last axis: y = x Wᵀ + b for every row of a (rows, in) matrix (all leading axes of
// the caller's tensor flattened into rows), forward and backward, in GEMMs on the team.
#pragma once
#include <cstddef>

namespace rnn {

// Shapes: Y (rows, out) = X (rows, in) · Wᵀ (in, out) + b (out); W (out, in) as PyTorch's nn.Linear stores it.
template <typename Real>
struct LinearForward {
  Real* Y;
  const Real* X;
  const Real* W;
  const Real* b;
  int rows, in, out;
};

template <typename Real>
void linear_forward(const LinearForward<Real>& p);

// Shapes: dY (rows, out), X (rows, in), W (out, in). Writes dX (rows, in) = dY · W, dW (out, in) = dYᵀ · X and
// db (out) = the column sums of dY.
template <typename Real>
struct LinearBackward {
  Real* dX;
  Real* dW;
  Real* db;
  const Real* dY;
  const Real* X;
  const Real* W;
  int rows, in, out;
};

template <typename Real>
void linear_backward(const LinearBackward<Real>& p);

}  // namespace rnn
