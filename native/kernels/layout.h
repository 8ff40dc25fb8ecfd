// Conversions between the notebook layout (n, m, T) — time innermost — and the time-major layout (T, m, n)
// the kernels work in, where all steps form one (T·m, n) matrix and each step is a contiguous (m, n) block.
#pragma once
#include <cstddef>

namespace rnn {

// dst (T, m, n) time-major  <-  src (n, m, T) notebook layout.
template <typename Real>
void to_time_major(Real* dst, const Real* src, std::size_t n, std::size_t m, std::size_t T) {
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < m; ++j) {
      const Real* row = src + (i * m + j) * T;
      for (std::size_t t = 0; t < T; ++t) dst[(t * m + j) * n + i] = row[t];
    }
}

// dst (n, m, T) notebook layout  <-  src (T, m, n) time-major.
template <typename Real>
void from_time_major(Real* dst, const Real* src, std::size_t n, std::size_t m, std::size_t T) {
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < m; ++j) {
      Real* row = dst + (i * m + j) * T;
      for (std::size_t t = 0; t < T; ++t) row[t] = src[(t * m + j) * n + i];
    }
}

// out (cols) = sum over the rows of a (rows, cols): the batch-and-time sum that gives a bias gradient.
template <typename Real>
void column_sums(Real* out, const Real* a, std::size_t rows, std::size_t cols) {
  for (std::size_t c = 0; c < cols; ++c) out[c] = 0;
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) out[c] += a[r * cols + c];
}

}  // namespace rnn
