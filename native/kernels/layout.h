// Conversions between the notebook layout (n, m, T) — time innermost — and the time-major layout (T, m, n)
// the kernels work in, where all steps form one (T·m, n) matrix and each step is a contiguous (m, n) block.
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif

#include "team.h"

namespace rnn {

// dst (C, R) = src (R, C)ᵀ, row strides ldd and lds, through a 16 × 16 tile on the stack: each tile reads 16 whole
// source runs and writes 16 whole destination runs, so the power-of-two strides of these layouts (which put every
// row of a tile in the same L1 set) never make the cache hold more than one run of each at a time.
constexpr std::size_t kTransposeTile = 16;

// Results at least this large are written past the caches (stream_run): the kernels do not read them again, a
// result that size would not stay in L2 anyway, and a fresh or recycled result buffer is cold, so ordinary stores
// would first read every line of it from memory (measured: a 2 MB transpose into a cold buffer 0.53 ms, 0.24 ms
// streamed).
constexpr std::size_t kStreamBytes = std::size_t(2) << 20;

// dst[0, n) = src[0, n) with non-temporal stores where dst is 16-byte aligned and n whole 16 bytes (SSE2, every
// x86-64), else ordinary ones. The caller fences (stream_fence) before its results are published.
template <typename Real>
inline void stream_run(Real* dst, const Real* src, std::size_t n) {
#if defined(__SSE2__)
  constexpr std::size_t per = 16 / sizeof(Real);
  if (reinterpret_cast<std::uintptr_t>(dst) % 16 == 0 && n % per == 0) {
    for (std::size_t k = 0; k < n; k += per) {
      if constexpr (sizeof(Real) == 4) {
        _mm_stream_ps(reinterpret_cast<float*>(dst + k), _mm_loadu_ps(reinterpret_cast<const float*>(src + k)));
      } else {
        _mm_stream_pd(reinterpret_cast<double*>(dst + k), _mm_loadu_pd(reinterpret_cast<const double*>(src + k)));
      }
    }
    return;
  }
#endif
  for (std::size_t k = 0; k < n; ++k) dst[k] = src[k];
}

// Orders this thread's streamed stores before whatever publishes them (the team's join).
inline void stream_fence() {
#if defined(__SSE2__)
  _mm_sfence();
#endif
}

// The full tile's first half, tile (B, B) = src (B, B)ᵀ with the source row stride lds, in register blocks (SSE2,
// every x86-64): 4 × 4 floats or 2 × 2 doubles per block, each block read from whole 16-byte pieces of its rows.
// Elsewhere (and for a partial tile) element by element.
template <typename Real>
inline void transpose_into_tile(Real (&tile)[kTransposeTile][kTransposeTile], const Real* src, std::size_t lds) {
  constexpr std::size_t B = kTransposeTile;
#if defined(__SSE2__)
  if constexpr (sizeof(Real) == 4) {
    for (std::size_t r = 0; r < B; r += 4)
      for (std::size_t c = 0; c < B; c += 4) {
        const float* in = reinterpret_cast<const float*>(src) + r * lds + c;
        __m128 r0 = _mm_loadu_ps(in), r1 = _mm_loadu_ps(in + lds), r2 = _mm_loadu_ps(in + 2 * lds),
               r3 = _mm_loadu_ps(in + 3 * lds);
        _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
        _mm_storeu_ps(reinterpret_cast<float*>(&tile[c][r]), r0);
        _mm_storeu_ps(reinterpret_cast<float*>(&tile[c + 1][r]), r1);
        _mm_storeu_ps(reinterpret_cast<float*>(&tile[c + 2][r]), r2);
        _mm_storeu_ps(reinterpret_cast<float*>(&tile[c + 3][r]), r3);
      }
  } else {
    for (std::size_t r = 0; r < B; r += 2)
      for (std::size_t c = 0; c < B; c += 2) {
        const double* in = reinterpret_cast<const double*>(src) + r * lds + c;
        const __m128d r0 = _mm_loadu_pd(in), r1 = _mm_loadu_pd(in + lds);
        _mm_storeu_pd(reinterpret_cast<double*>(&tile[c][r]), _mm_unpacklo_pd(r0, r1));
        _mm_storeu_pd(reinterpret_cast<double*>(&tile[c + 1][r]), _mm_unpackhi_pd(r0, r1));
      }
  }
#else
  for (std::size_t r = 0; r < B; ++r)
    for (std::size_t c = 0; c < B; ++c) tile[c][r] = src[r * lds + c];
#endif
}

// One tile: dst (cols, rows) = src (rows, cols)ᵀ, at most kTransposeTile each, with streamed destination runs when
// kStream; a full tile goes through register blocks, constant bounds let the compiler vectorize its runs' copies.
template <bool kStream, typename Real>
inline void transpose_tile(Real* dst, std::size_t ldd, const Real* src, std::size_t lds, std::size_t rows,
                           std::size_t cols) {
  Real tile[kTransposeTile][kTransposeTile];
  if (rows == kTransposeTile && cols == kTransposeTile) {
    transpose_into_tile(tile, src, lds);
  } else {
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t c = 0; c < cols; ++c) tile[c][r] = src[r * lds + c];
  }
  for (std::size_t c = 0; c < cols; ++c) {
    if constexpr (kStream) {
      stream_run(dst + c * ldd, tile[c], rows);
    } else {
      for (std::size_t r = 0; r < rows; ++r) dst[c * ldd + r] = tile[c][r];
    }
  }
}

template <bool kStream = false, typename Real>
void transpose(Real* dst, std::size_t ldd, const Real* src, std::size_t lds, std::size_t R, std::size_t C) {
  constexpr std::size_t B = kTransposeTile;
  for (std::size_t r0 = 0; r0 < R; r0 += B)
    for (std::size_t c0 = 0; c0 < C; c0 += B) {
      Real* out = dst + c0 * ldd + r0;
      const Real* in = src + r0 * lds + c0;
      if (r0 + B <= R && c0 + B <= C) {
        transpose_tile<kStream>(out, ldd, in, lds, B, B);
      } else {
        transpose_tile<kStream>(out, ldd, in, lds, R - r0 < B ? R - r0 : B, C - c0 < B ? C - c0 : B);
      }
    }
}

// Both conversions are, for each example j, a transpose between (n, T) and (T, n) with strides m·T and m·n.
// Examples are shared among the team's threads.

// dst (T, m, n) time-major  <-  src (n, m, T) notebook layout, for the examples [j0, j1) only, on this thread.
template <typename Real>
void to_time_major_rows(Real* dst, const Real* src, std::size_t n, std::size_t m, std::size_t T, std::size_t j0,
                        std::size_t j1) {
  for (std::size_t j = j0; j < j1; ++j) transpose(dst + j * n, m * n, src + j * T, m * T, n, T);
}

// dst (T, m, n) time-major  <-  src (n, m, T) notebook layout.
template <typename Real>
void to_time_major(Real* dst, const Real* src, std::size_t n, std::size_t m, std::size_t T) {
  parallel_for(threads_for(double(n) * m * T, kElementsPerThread), m,
               [&](std::size_t j0, std::size_t j1) { to_time_major_rows(dst, src, n, m, T, j0, j1); });
}

// dst (n, m, T) notebook layout  <-  src (T, m, n) time-major, for the examples [j0, j1) only, on this thread. A
// result: streamed when the whole of it is kStreamBytes or more, fenced before returning.
template <typename Real>
void from_time_major_rows(Real* dst, const Real* src, std::size_t n, std::size_t m, std::size_t T, std::size_t j0,
                          std::size_t j1) {
  const auto examples = [&](auto streamed) {
    for (std::size_t j = j0; j < j1; ++j) transpose<decltype(streamed)::value>(dst + j * T, m * T, src + j * n, m * n, T, n);
  };
  if (n * m * T * sizeof(Real) >= kStreamBytes) {
    examples(std::true_type{});
    stream_fence();
  } else {
    examples(std::false_type{});
  }
}

// dst (n, m, T) notebook layout  <-  src (T, m, n) time-major.
template <typename Real>
void from_time_major(Real* dst, const Real* src, std::size_t n, std::size_t m, std::size_t T) {
  parallel_for(threads_for(double(n) * m * T, kElementsPerThread), m,
               [&](std::size_t j0, std::size_t j1) { from_time_major_rows(dst, src, n, m, T, j0, j1); });
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

// out (rows, cols) = every row a copy of row (cols): a bias broadcast over the batch, before a GEMM adds into it
// with beta = 1. Rows are shared among the team's threads.
template <typename Real>
void broadcast_rows(Real* out, const Real* row, std::size_t rows, std::size_t cols) {
  parallel_for(threads_for(double(rows) * cols, kElementsPerThread), rows, [&](std::size_t r0, std::size_t r1) {
    for (std::size_t r = r0; r < r1; ++r)
      for (std::size_t c = 0; c < cols; ++c) out[r * cols + c] = row[c];
  });
}

}  // namespace rnn
