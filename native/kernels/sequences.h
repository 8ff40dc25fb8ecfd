// Variable-length batches and directions (LAYERS.md §2) in the layout the scan takes (scan.h): the batch's rows
// sorted by decreasing length, each row's steps in its direction's order, and the copies between that layout and a
// caller's (time-major or batch-major, any batch order).
#pragma once
#include <algorithm>
#include <cstddef>
#include <numeric>

#include "arena.h"
#include "team.h"

namespace rnn {

// A batch of sequences: row (t, b) of n values starts at data + t·st + b·sb. Time-major (T, m, n) data has st = m·n,
// sb = n; batch-major (m, T, n) has st = n, sb = T·n; a column block of wider rows is data + offset with the same
// strides.
template <typename Real>
struct Steps {
  Real* data;
  std::size_t st, sb;
  Real* row(int t, int b) const { return data + std::size_t(t) * st + std::size_t(b) * sb; }
};

// The scan's order of a batch of m sequences of T steps. lengths (m) in [0, T], or null for T each. The scan's row i
// is sequence order[i]; rank is its inverse; active (T), the rows still running at each step, or null when every
// row runs every step (then order is the identity).
class BatchOrder {
 public:
  BatchOrder(Scratch& scratch, const int* lengths, int m, int T) : m_(m), T_(T), lengths_(lengths) {
    if (lengths == nullptr) return;
    order_ = scratch.take<int>(std::size_t(m));
    rank_ = scratch.take<int>(std::size_t(m));
    active_ = scratch.take<int>(std::size_t(T));
    std::iota(order_, order_ + m, 0);
    std::stable_sort(order_, order_ + m, [lengths](int a, int b) { return lengths[a] > lengths[b]; });
    for (int i = 0; i < m; ++i) rank_[order_[i]] = i;
    for (int s = 0, i = m; s < T; ++s) {
      while (i > 0 && lengths[order_[i - 1]] <= s) --i;
      active_[s] = i;
    }
  }

  const int* active() const { return active_; }
  int sequence(int i) const { return order_ == nullptr ? i : order_[i]; }
  int row(int b) const { return rank_ == nullptr ? b : rank_[b]; }
  int length(int b) const { return lengths_ == nullptr ? T_ : lengths_[b]; }
  int m() const { return m_; }
  int T() const { return T_; }
  // The time step a direction processes at its step s of sequence b (s < length(b)).
  int time(bool reverse, int s, int b) const { return reverse ? length(b) - 1 - s : s; }

 private:
  int m_, T_;
  const int* lengths_;
  int* order_ = nullptr;
  int* rank_ = nullptr;
  int* active_ = nullptr;
};

// dst (T, m, n) in the scan's layout for one direction = src, zero past each sequence's length.
template <typename Real>
void gather_steps(Real* dst, Steps<const Real> src, int n, const BatchOrder& o, bool reverse) {
  const int m = o.m();
  parallel_for(threads_for(double(o.T()) * m * n, kElementsPerThread), std::size_t(o.T()), [&](std::size_t s0, std::size_t s1) {
    for (int s = int(s0); s < int(s1); ++s)
      for (int i = 0; i < m; ++i) {
        const int b = o.sequence(i);
        Real* out = dst + (std::size_t(s) * m + i) * n;
        if (s < o.length(b)) {
          const Real* in = src.row(o.time(reverse, s, b), b);
          std::copy(in, in + n, out);
        } else {
          std::fill(out, out + n, Real(0));
        }
      }
  });
}

// dst = src (T, m, n) in the scan's layout for one direction (kAdd: dst += src), zero past each sequence's length
// (kAdd: left as it is).
template <bool kAdd, typename Real>
void scatter_steps(Steps<Real> dst, const Real* src, int n, const BatchOrder& o, bool reverse) {
  const int m = o.m();
  parallel_for(threads_for(double(o.T()) * m * n, kElementsPerThread), std::size_t(o.T()), [&](std::size_t t0, std::size_t t1) {
    for (int t = int(t0); t < int(t1); ++t)
      for (int b = 0; b < m; ++b) {
        Real* out = dst.row(t, b);
        const int length = o.length(b);
        if (t >= length) {
          if (!kAdd) std::fill(out, out + n, Real(0));
          continue;
        }
        const int s = reverse ? length - 1 - t : t;
        const Real* in = src + (std::size_t(s) * m + o.row(b)) * n;
        if (kAdd) {
          for (int u = 0; u < n; ++u) out[u] += in[u];
        } else {
          std::copy(in, in + n, out);
        }
      }
  });
}

// dst (m, n), the scan's row order = src (m, n) in the sequences' order, or zeros when src is null.
template <typename Real>
void to_scan_rows(Real* dst, const Real* src, int n, const BatchOrder& o) {
  for (int i = 0; i < o.m(); ++i) {
    Real* out = dst + std::size_t(i) * n;
    if (src == nullptr) {
      std::fill(out, out + n, Real(0));
    } else {
      const Real* in = src + std::size_t(o.sequence(i)) * n;
      std::copy(in, in + n, out);
    }
  }
}

// dst (m, n) in the sequences' order = rows of states: sequence b's row is the scan's row(b) of the block at
// step `step(b)`, each block (m, n).
template <typename Real, typename Step>
void from_scan_rows(Real* dst, const Real* states, int n, const BatchOrder& o, Step&& step) {
  for (int b = 0; b < o.m(); ++b) {
    const Real* in = states + (std::size_t(step(b)) * o.m() + o.row(b)) * n;
    std::copy(in, in + n, dst + std::size_t(b) * n);
  }
}

}  // namespace rnn
