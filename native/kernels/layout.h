// Conversions between the notebook layout (n, m, T) — time innermost — and the time-major layout (T, m, n)
// the kernels work in, where all steps form one (T·m, n) matrix and each step is a contiguous (m, n) block.
#pragma once
#include <cstddef>

#include "team.h"

namespace rnn {

// Both conversions are, for each example j, a transpose between (n, T) and (T, n) with large strides (m·T and m·n
// values); they go tile by tile so that the rows a tile reads and writes stay in the L1 cache.
// Examples are shared among the team's threads.
constexpr std::size_t kTransposeTile = 16;

// dst (T, m, n) time-major  <-  src (n, m, T) notebook layout.
template <typename Real>
void to_time_major(Real* dst, const Real* src, std::size_t n, std::size_t m, std::size_t T) {
  parallel_for(threads_for(double(n) * m * T, kElementsPerThread), m, [&](std::size_t j0, std::size_t j1) {
  for (std::size_t j = j0; j < j1; ++j)
    for (std::size_t i0 = 0; i0 < n; i0 += kTransposeTile)
      for (std::size_t t0 = 0; t0 < T; t0 += kTransposeTile) {
        const std::size_t i1 = i0 + kTransposeTile < n ? i0 + kTransposeTile : n;
        const std::size_t t1 = t0 + kTransposeTile < T ? t0 + kTransposeTile : T;
        for (std::size_t i = i0; i < i1; ++i) {
          const Real* row = src + (i * m + j) * T;
          for (std::size_t t = t0; t < t1; ++t) dst[(t * m + j) * n + i] = row[t];
        }
      }
  });
}

// dst (n, m, T) notebook layout  <-  src (T, m, n) time-major.
template <typename Real>
void from_time_major(Real* dst, const Real* src, std::size_t n, std::size_t m, std::size_t T) {
  parallel_for(threads_for(double(n) * m * T, kElementsPerThread), m, [&](std::size_t j0, std::size_t j1) {
  for (std::size_t j = j0; j < j1; ++j)
    for (std::size_t t0 = 0; t0 < T; t0 += kTransposeTile)
      for (std::size_t i0 = 0; i0 < n; i0 += kTransposeTile) {
        const std::size_t i1 = i0 + kTransposeTile < n ? i0 + kTransposeTile : n;
        const std::size_t t1 = t0 + kTransposeTile < T ? t0 + kTransposeTile : T;
        for (std::size_t i = i0; i < i1; ++i) {
          Real* row = dst + (i * m + j) * T;
          for (std::size_t t = t0; t < t1; ++t) row[t] = src[(t * m + j) * n + i];
        }
      }
  });
}

// out (cols) = sum over the rows of a (rows, cols): the batch-and-time sum that gives a bias gradient. Columns are
// shared among the team's threads.
template <typename Real>
void column_sums(Real* out, const Real* a, std::size_t rows, std::size_t cols) {
  parallel_for(threads_for(double(rows) * cols, kElementsPerThread), cols, [&](std::size_t c0, std::size_t c1) {
    for (std::size_t c = c0; c < c1; ++c) out[c] = 0;
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t c = c0; c < c1; ++c) out[c] += a[r * cols + c];
  });
}

}  // namespace rnn
