// Elementwise activations and the softmax, templated on the float type.
#pragma once
#include <cmath>
#include <cstddef>

namespace rnn {

template <typename Real>
inline Real sigmoid(Real z) {
  return Real(1) / (Real(1) + std::exp(-z));
}

// out (n) = σ(z (n)); out may alias z.
template <typename Real>
void sigmoid_array(Real* out, const Real* z, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = sigmoid(z[i]);
}

// Softmax of one contiguous vector z (n) into out (n), shifted by the maximum for stability; out may alias z.
template <typename Real>
void softmax_vector(Real* out, const Real* z, std::size_t n) {
  Real max = z[0];
  for (std::size_t i = 1; i < n; ++i) max = z[i] > max ? z[i] : max;
  Real sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = std::exp(z[i] - max);
    sum += out[i];
  }
  for (std::size_t i = 0; i < n; ++i) out[i] /= sum;
}

// out (rows, cols) = softmax of z (rows, cols) down each column (over the rows axis), as the notebook's
// softmax(x) = exp(x) / sum(exp(x), axis=0). colmax and colsum are scratch of length cols.
template <typename Real>
void softmax_columns(Real* out, const Real* z, std::size_t rows, std::size_t cols, Real* colmax, Real* colsum) {
  for (std::size_t c = 0; c < cols; ++c) {
    colmax[c] = z[c];
    colsum[c] = 0;
  }
  for (std::size_t r = 1; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) colmax[c] = z[r * cols + c] > colmax[c] ? z[r * cols + c] : colmax[c];
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) {
      out[r * cols + c] = std::exp(z[r * cols + c] - colmax[c]);
      colsum[c] += out[r * cols + c];
    }
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) out[r * cols + c] /= colsum[c];
}

}  // namespace rnn
