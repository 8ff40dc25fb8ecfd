// Layers as compositions of scans: for each layer and direction, the batch in the scan's layout (sequences.h), one
// scan, and the results back in the caller's layout.
#include "layers.h"

#include <algorithm>
#include <vector>

#include "arena.h"
#include "cells/gru.h"
#include "cells/lstm.h"
#include "cells/rnn.h"
#include "scan.h"
#include "sequences.h"
#include "team.h"

namespace rnn {

ParameterLayout::ParameterLayout(const LayerShape& shape) : size(0), D_(shape.D) {
  const std::size_t GH = std::size_t(shape.gates()) * shape.H;
  for (int k = 0; k < shape.L; ++k)
    for (int d = 0; d < shape.D; ++d) {
      const std::size_t sizes[4] = {GH * shape.input_size(k), GH * shape.H, GH, GH};
      for (int j = 0; j < 4; ++j) {
        offsets_[(std::size_t(k) * shape.D + d) * 4 + j] = size;
        size += sizes[j];
      }
    }
}

namespace {

// The tape's layout: layer k's input (T, m, I_k); (k, d)'s states H (T + 1, m, H), cell states C (T + 1, m, H) for
// the LSTM, gates Z (T, m, B·H) (for the RNN, Z is H[1..T] itself).
class TapeLayout {
 public:
  TapeLayout(const LayerShape& s, int blocks) : D_(s.D) {
    const std::size_t rows = std::size_t(s.T) * s.m, step = std::size_t(s.m) * s.H;
    for (int k = 0; k < s.L; ++k) input_.push_back(take(rows * s.input_size(k)));
    for (int k = 0; k < s.L; ++k)
      for (int d = 0; d < s.D; ++d) {
        states_.push_back(take(step * (s.T + 1)));
        cells_.push_back(s.has_cell_state() ? take(step * (s.T + 1)) : 0);
        gates_.push_back(s.gates() > 1 ? take(rows * blocks * s.H)
                                                                            : states_.back() + step);
      }
  }
  std::size_t input(int k) const { return input_[k]; }
  std::size_t states(int k, int d) const { return states_[std::size_t(k) * D_ + d]; }
  std::size_t cells(int k, int d) const { return cells_[std::size_t(k) * D_ + d]; }
  std::size_t gates(int k, int d) const { return gates_[std::size_t(k) * D_ + d]; }
  std::size_t size = 0;

 private:
  std::size_t take(std::size_t n) {
    const std::size_t at = size;
    size += n;
    return at;
  }
  int D_;
  std::vector<std::size_t> input_, states_, cells_, gates_;
};



// The sizes of a pass over a stack: rows = T·m, step = m·H (one step's states), max_input the widest layer input.
struct Sizes {
  explicit Sizes(const LayerShape& s)
      : L(s.L), D(s.D), H(s.H), m(s.m), T(s.T), DH(s.D * s.H), rows(std::size_t(s.T) * s.m),
        step(std::size_t(s.m) * s.H), max_input(std::max(s.I, s.L > 1 ? s.D * s.H : 0)) {}
  int L, D, H, m, T, DH;
  std::size_t rows, step;
  int max_input;
};

// The caller's layout of rows of n values: (T, m, n), or batch-major (m, T, n).
template <typename Real>
Steps<Real> caller_steps(Real* data, int n, const LayerShape& s) {
  return s.batch_major ? Steps<Real>{data, std::size_t(n), std::size_t(s.T) * n}
                       : Steps<Real>{data, std::size_t(s.m) * n, std::size_t(n)};
}

// The time-major layout between layers, (T, m, n), from column `column` of rows of `width` values.
template <typename Real>
Steps<Real> time_major(Real* data, int width, int m, int column = 0) {
  return Steps<Real>{data + column, std::size_t(m) * width, std::size_t(width)};
}

template <typename Real>
Steps<const Real> as_const(Steps<Real> s) {
  return Steps<const Real>{s.data, s.st, s.sb};
}

// a *= b over n values, on the team.
template <typename Real>
void multiply(Real* a, const Real* b, std::size_t n) {
  parallel_for(threads_for(double(n), kElementsPerThread), n, [&](std::size_t i0, std::size_t i1) {
    for (std::size_t i = i0; i < i1; ++i) a[i] *= b[i];
  });
}

// The cell's bias blocks (B·H) from PyTorch's b_ih, b_hh (G·H): block j sums the gates' biases that land in it.
template <typename Cell, typename Real>
void cell_bias(Real* bias, const Real* b_ih, const Real* b_hh, int H) {
  std::fill(bias, bias + std::size_t(Cell::blocks) * H, Real(0));
  for (int k = 0; k < Cell::gates; ++k)
    for (int u = 0; u < H; ++u) {
      bias[std::size_t(Cell::input_block(k)) * H + u] += b_ih[std::size_t(k) * H + u];
      bias[std::size_t(Cell::recurrent_block(k)) * H + u] += b_hh[std::size_t(k) * H + u];
    }
}

// PyTorch's bias gradients (G·H each) from the column sums of dZ (B·H).
template <typename Cell, typename Real>
void split_bias_gradient(Real* db_ih, Real* db_hh, const Real* db, int H) {
  for (int k = 0; k < Cell::gates; ++k) {
    const Real* in = db + std::size_t(Cell::input_block(k)) * H;
    const Real* rec = db + std::size_t(Cell::recurrent_block(k)) * H;
    std::copy(in, in + H, db_ih + std::size_t(k) * H);
    std::copy(rec, rec + H, db_hh + std::size_t(k) * H);
  }
}

// The scan's input for direction `reverse` of a layer whose input is `in` (n values a row): `in` itself when it is
// already in the scan's layout (time-major, every sequence of length T, forward), else its gather into `buffer`.
template <typename Real>
const Real* scan_input(Real* buffer, Steps<const Real> in, int n, const BatchOrder& order, bool reverse) {
  if (!reverse && order.active() == nullptr && in.sb == std::size_t(n) && in.st == std::size_t(order.m()) * n)
    return in.data;
  gather_steps(buffer, in, n, order, reverse);
  return buffer;
}

template <typename Cell, typename Real>
void forward(const LayerForward<Real>& p) {
  const LayerShape& s = p.shape;
  const auto [L, D, H, m, T, DH, rows, step, max_input] = Sizes(s);
  const ParameterLayout params(s);
  const TapeLayout layout(s, Cell::blocks);

  Scratch scratch;
  const BatchOrder order(scratch, p.lengths, m, T);
  Real* X = scratch.take<Real>(rows * max_input);  // (T, m, I_k) one direction's input
  Real* bias = scratch.take<Real>(std::size_t(Cell::blocks) * H);
  // Without a tape, one (k, d)'s states at a time (the scan keeps no gates), and the layers' outputs in turn.
  Real *Hs = nullptr, *Cs = nullptr, *between[2] = {nullptr, nullptr};
  if (p.tape == nullptr) {
    Hs = scratch.take<Real>(step * (T + 1));
    Cs = Cell::has_cell_state ? scratch.take<Real>(step * (T + 1)) : nullptr;
    // One direction's scan has read all of its input before its states are scattered out, so one buffer can be a
    // layer's input and then its output; two directions both read the input, so theirs alternate between two.
    for (int j = 0; j < std::min(L - 1, D); ++j) between[j] = scratch.take<Real>(rows * DH);
  }

  Steps<const Real> in = caller_steps(p.x, s.I, s);
  if (p.tape != nullptr)  // the tape keeps its own time-major copy of x
    gather_steps(p.tape + layout.input(0), in, s.I, BatchOrder(scratch, nullptr, m, T), false);
  for (int k = 0; k < L; ++k) {
    const int I_k = s.input_size(k);
    if (p.tape != nullptr) in = as_const(time_major(p.tape + layout.input(k), I_k, m));
    const bool last = k == L - 1;
    Real* out = last ? nullptr : p.tape != nullptr ? p.tape + layout.input(k + 1) : between[k % D];
    for (int d = 0; d < D; ++d) {
      const bool reverse = d == 1;
      const int row = k * D + d;
      Real* Hb = p.tape != nullptr ? p.tape + layout.states(k, d) : Hs;
      Real* Cb = !Cell::has_cell_state ? nullptr : p.tape != nullptr ? p.tape + layout.cells(k, d) : Cs;
      Real* Zb = p.tape != nullptr ? p.tape + layout.gates(k, d) : nullptr;
      const Real* w = p.params;
      cell_bias<Cell>(bias, w + params.offset(k, d, 2), w + params.offset(k, d, 3), H);
      to_scan_rows(Hb, p.h0 == nullptr ? nullptr : p.h0 + row * step, H, order);
      if (Cb != nullptr) to_scan_rows(Cb, p.c0 == nullptr ? nullptr : p.c0 + row * step, H, order);
      ScanForward<Real> f{Zb, Hb, Cb, scan_input(X, in, I_k, order, reverse), w + params.offset(k, d, 0),
                          w + params.offset(k, d, 1), bias, I_k, H, I_k, H, m, T};
      f.active = order.active();
      f.zero_finished = p.tape != nullptr;
      scan_forward<Cell>(f);
      const Steps<Real> dst = last ? caller_steps(p.y + d * H, DH, s) : time_major(out, DH, m, d * H);
      scatter_steps<false>(dst, Hb + step, H, order, reverse);
      const auto final_step = [&](int b) { return order.length(b); };
      from_scan_rows(p.hN + row * step, Hb, H, order, final_step);
      if (Cb != nullptr) from_scan_rows(p.cN + row * step, Cb, H, order, final_step);
    }
    if (!last) {
      if (p.masks != nullptr) multiply(out, p.masks + std::size_t(k) * rows * DH, rows * DH);
      in = as_const(time_major(out, DH, m));
    }
  }
}

template <typename Cell, typename Real>
void backward(const LayerBackward<Real>& p) {
  const LayerShape& s = p.shape;
  const auto [L, D, H, m, T, DH, rows, step, max_input] = Sizes(s);
  const ParameterLayout params(s);
  const TapeLayout layout(s, Cell::blocks);

  Scratch scratch;
  const BatchOrder order(scratch, p.lengths, m, T);
  Real* X = scratch.take<Real>(rows * max_input);   // (T, m, I_k) one direction's input
  Real* dX = scratch.take<Real>(rows * max_input);  // (T, m, I_k) its gradient
  Real* dH = scratch.take<Real>(rows * H);          // (T, m, H) the upstream gradient of one direction's states
  Real* dZ = scratch.take<Real>(rows * Cell::blocks * H);
  Real* dh_last = scratch.take<Real>(step);
  Real* dh0 = scratch.take<Real>(step);
  Real* dc = Cell::has_cell_state ? scratch.take<Real>(step) : nullptr;
  Real* db = scratch.take<Real>(std::size_t(Cell::blocks) * H);
  Real* between[2] = {nullptr, nullptr};  // the gradients of the layers' inputs above the first, in turn
  for (int j = 0; j < std::min(L - 1, 2); ++j) between[j] = scratch.take<Real>(rows * DH);

  bool upstream = p.dy != nullptr;
  Steps<const Real> dout = p.dy != nullptr ? caller_steps(p.dy, DH, s) : Steps<const Real>{nullptr, 0, 0};
  for (int k = L - 1; k >= 0; --k) {
    const int I_k = s.input_size(k);
    Real* din_data = k == 0 ? p.dx : between[(k - 1) % 2];
    const Steps<Real> din = k == 0 ? caller_steps(p.dx, s.I, s) : time_major(din_data, DH, m);
    std::fill(din_data, din_data + rows * I_k, Real(0));
    const Steps<const Real> in = as_const(time_major(const_cast<Real*>(p.tape) + layout.input(k), I_k, m));
    for (int d = 0; d < D; ++d) {
      const bool reverse = d == 1;
      const int row = k * D + d;
      if (upstream) {
        gather_steps(dH, Steps<const Real>{dout.data + d * H, dout.st, dout.sb}, H, order, reverse);
      } else {
        std::fill(dH, dH + rows * H, Real(0));
      }
      if (p.dhN != nullptr) to_scan_rows(dh_last, p.dhN + row * step, H, order);
      if (dc != nullptr) to_scan_rows(dc, p.dcN == nullptr ? nullptr : p.dcN + row * step, H, order);
      const Real* w = p.params;
      Real* g = p.grads;
      ScanBackward<Real> b{dZ, dh0, dc, g + params.offset(k, d, 1), g + params.offset(k, d, 0), db, dX, dH,
                           p.tape + layout.gates(k, d), p.tape + layout.states(k, d),
                           Cell::has_cell_state ? p.tape + layout.cells(k, d) : nullptr,
                           scan_input(X, in, I_k, order, reverse), w + params.offset(k, d, 0),
                           w + params.offset(k, d, 1), I_k, H, I_k, H, I_k, H, m, T};
      b.active = order.active();
      b.dh_last = p.dhN != nullptr ? dh_last : nullptr;
      scan_backward<Cell>(b);
      scatter_steps<true>(din, dX, I_k, order, reverse);
      split_bias_gradient<Cell>(g + params.offset(k, d, 2), g + params.offset(k, d, 3), db, H);
      const auto first_step = [](int) { return 0; };
      from_scan_rows(p.dh0 + row * step, dh0, H, order, first_step);
      if (dc != nullptr) from_scan_rows(p.dc0 + row * step, dc, H, order, first_step);
    }
    if (k > 0) {
      if (p.masks != nullptr) multiply(din_data, p.masks + std::size_t(k - 1) * rows * DH, rows * DH);
      dout = as_const(din);
      upstream = true;
    }
  }
}

template <typename Run>
void by_cell(CellKind cell, Run&& run) {
  switch (cell) {
    case CellKind::Lstm: return run(TorchLstmCell{});
    case CellKind::Gru: return run(GruCell{});
    case CellKind::RnnTanh: return run(RnnCell{});
    case CellKind::RnnRelu: return run(ReluRnnCell{});
    case CellKind::GruResetBefore: return run(GruResetBeforeCell{});
  }
}

}  // namespace

std::size_t tape_size(const LayerShape& shape) {
  std::size_t size = 0;
  by_cell(shape.cell, [&](auto cell) { size = TapeLayout(shape, decltype(cell)::blocks).size; });
  return size;
}

template <typename Real>
void layer_forward(const LayerForward<Real>& p) {
  by_cell(p.shape.cell, [&](auto cell) { forward<decltype(cell)>(p); });
}

template <typename Real>
void layer_backward(const LayerBackward<Real>& p) {
  by_cell(p.shape.cell, [&](auto cell) { backward<decltype(cell)>(p); });
}

template void layer_forward<float>(const LayerForward<float>&);
template void layer_forward<double>(const LayerForward<double>&);
template void layer_backward<float>(const LayerBackward<float>&);
template void layer_backward<double>(const LayerBackward<double>&);

}  // namespace rnn
