// The scan: one time loop for every cell (cells/*.h), forward and backward through time, on time-major data.
// It owns the input projection of all steps, the per-step recurrent product (recurrent/recurrent.h: the persistent
// packed kernel, or BLAS), the team's threads and barriers, and the weight gradients over all steps.
//
// Symbols: G the cell's gate count, n_a hidden units, n_x inputs, m examples, T steps; B the cell's blocks per step
// (G, or more for a cell that keeps more per step: the GRU's 4). Gate pre-activations of one step are
// (m, B·n_a) with block k of example i at columns [k·n_a, (k+1)·n_a) of row i.
#pragma once
#include <cstddef>
#include <functional>

namespace rnn {

// Work a caller has on the examples [j0, j1) of every step around a scan: the notebook functions' layout
// conversions into X, H[0], C[0] and out of H[1..T], C[1..T].
using RowHook = std::function<void(std::size_t j0, std::size_t j1)>;

// Shapes: Z (T, m, B·n_a); H, C (T + 1, m, n_a) with H[0], C[0] the initial states (C null for a cell without a
// cell state); X (T, m, n_x), or null when Z already holds the input projection (the character model gathers it);
// Wx (G·n_a, n_x) with leading dimension ldwx; Wh (G·n_a, n_a) with ldwh; b (B·n_a), the cell's bias blocks.
// Writes Z = the activated gates (what Cell::forward leaves: for the RNN, Z may be H + m·n_a), H[1..T], C[1..T].
// Z may be null when nothing reads the gates afterwards (inference) and X is given: the scan then keeps them nowhere,
// or in scratch of its own where it needs them during the loop.
//
// Variable lengths and directions (LAYERS.md §2) are a layout the caller prepares (sequences.h): rows sorted by
// decreasing length, each row's steps in the order its direction processes them (X[s] row i is that row's s-th
// processed input, zero past its length), and `active` (T) the number of rows still running at each step,
// non-increasing (null: m at every step). At step s only rows [0, active[s]) are computed, and a row's final state
// is H[length][row]. With zero_finished the other rows of H[s + 1], C[s + 1] and Z[s] are zeroed, as a backward
// pass over these buffers needs; inference, which reads only each row's own steps, may skip it.
template <typename Real>
struct ScanForward {
  Real* Z;
  Real* H;
  Real* C;
  const Real* X;
  const Real* Wx;
  const Real* Wh;
  const Real* b;
  int ldwx, ldwh;
  int n_x, n_a, m, T;
  const int* active = nullptr;
  bool zero_finished = true;
  // before: fills the inputs (X, H[0], C[0]) of its rows, which nothing reads earlier; after: reads what the scan
  // wrote of its rows. Where the team splits by rows and each thread reads only its own rows' inputs (the fused
  // product), every thread runs them on its own rows inside the scan's job: no more hand-offs, and the rows' states
  // are still in that thread's caches. Elsewhere the rows are shared among the team before the first step and after
  // the last. Null: nothing to do.
  const RowHook* before = nullptr;
  const RowHook* after = nullptr;
};

// Shapes: dH (Tb, m, n_a), Tb ≤ T, the upstream gradient of H[1..Tb]; Z, H, C, X, Wx, Wh as the forward pass read
// and left them (X null: no dWx); dc (m, n_a) ∂J/∂C[Tb] on entry and ∂J/∂C[0] on return (null without cell state).
// Writes dZ (Tb, m, B·n_a), the cell's gradients per block (Cell::input_block and recurrent_block say which block
// each gate's input and recurrent weights see); dh0 (m, n_a) = ∂J/∂H[0]; dWh (G·n_a, n_a) with leading dimension
// lddwh; dWx (G·n_a, n_x) with lddwx unless X is null; db (B·n_a) the column sums of dZ; dX (Tb, m, n_x) unless
// null. With `active` (the forward pass's), step s computes rows [0, active[s]) only and leaves dZ and dX zero on the
// others; dh_last (m, n_a), or null for zero, is the gradient of each row's final state, which enters at the row's
// last processed step (dc likewise for the cell state), and dh0 is ∂J/∂H[0] (dh_last itself for a row of length 0).
template <typename Real>
struct ScanBackward {
  Real* dZ;
  Real* dh0;
  Real* dc;
  Real* dWh;
  Real* dWx;
  Real* db;
  Real* dX;
  const Real* dH;
  const Real* Z;
  const Real* H;
  const Real* C;
  const Real* X;
  const Real* Wx;
  const Real* Wh;
  int ldwx, ldwh, lddwx, lddwh;
  int n_x, n_a, m, Tb;
  const int* active = nullptr;
  const Real* dh_last = nullptr;
};

template <typename Cell, typename Real>
void scan_forward(const ScanForward<Real>& p);

template <typename Cell, typename Real>
void scan_backward(const ScanBackward<Real>& p);

}  // namespace rnn
