// The output layer's loss and its backward pass: softmax cross-entropy over every step at once.
#pragma once
#include <cstddef>
#include <cstdint>

namespace rnn {

// Shapes: Z (rows, n) logits; targets (rows) class ids in [0, n), or -1 for a masked position that adds nothing.
// For J the mean cross-entropy of softmax(Z) over the unmasked rows, writes dZ (rows, n) = ∂J/∂Z (zero rows where
// masked; dZ may be Z itself) and returns J (0, and dZ all zero, when every row is masked). Numerically stable:
// each row's maximum is subtracted before the exponentials.
template <typename Real>
double softmax_cross_entropy(Real* dZ, const Real* Z, const std::int32_t* targets, std::size_t rows, int n);

// Time-major shapes: H (rows, n_a) hidden states, row t·m + j for step t and example j; Wy (n_y, n_a); by (n_y);
// targets (rows) class ids in [0, n_y), or -1 for a masked (padded) position that adds nothing. Z is scratch of
// rows · n_y values. For J the mean cross-entropy over the unmasked rows, writes dH (rows, n_a) = ∂J/∂H,
// dWy (n_y, n_a) and dby (n_y), and returns J (0 when every row is masked).
template <typename Real>
struct SoftmaxCrossEntropy {
  Real* dH;
  Real* dWy;
  Real* dby;
  Real* Z;
  const Real* H;
  const Real* Wy;
  const Real* by;
  const std::int32_t* targets;
  int n_a, n_y;
  std::size_t rows;
};

template <typename Real>
double softmax_cross_entropy_backward(const SoftmaxCrossEntropy<Real>& p);

// The same in the notebook layout: a (n_a, m, T); targets (m, T) with -1 for masked steps.
// Writes da (n_a, m, T), dWy (n_y, n_a), dby (n_y) and returns J.
template <typename Real>
struct OutputLayerBackward {
  Real* da;
  Real* dWy;
  Real* dby;
  const Real* a;
  const Real* Wy;
  const Real* by;
  const std::int32_t* targets;
  int n_a, n_y, m, T;
};

template <typename Real>
double output_layer_backward(const OutputLayerBackward<Real>& p);

}  // namespace rnn
