// Elementwise activations and the softmax, templated on the float type.
#pragma once
#include <cstddef>

#include "fast_math.h"

namespace rnn {

// out (n) = σ(z (n)); out may alias z.
template <typename Real>
RNN_VECTORIZED void sigmoid_array(Real* out, const Real* z, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = fast_sigmoid(z[i]);
}

// In place over n values: z = σ(z + bias), or z = tanh(z + bias). Inline, for vectorized callers.
template <typename Real>
inline void sigmoid_with_bias(Real* __restrict z, const Real* __restrict bias, int n) {
  for (int k = 0; k < n; ++k) z[k] = fast_sigmoid(z[k] + bias[k]);
}

template <typename Real>
inline void tanh_with_bias(Real* __restrict z, const Real* __restrict bias, int n) {
  for (int k = 0; k < n; ++k) z[k] = fast_tanh(z[k] + bias[k]);
}

// Softmax of one contiguous vector z (n) into out (n), shifted by the maximum for stability; out may alias z.
template <typename Real>
void softmax_vector(Real* out, const Real* z, std::size_t n) {
  Real max = z[0];
  for (std::size_t i = 1; i < n; ++i) max = z[i] > max ? z[i] : max;
  for (std::size_t i = 0; i < n; ++i) out[i] = fast_exp(z[i] - max);
  Real sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += out[i];
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
      out[r * cols + c] = fast_exp(z[r * cols + c] - colmax[c]);
      colsum[c] += out[r * cols + c];
    }
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) out[r * cols + c] /= colsum[c];
}

}  // namespace rnn
