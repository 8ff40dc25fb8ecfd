// The vanilla RNN cell, h' = act(W_x x_t + W_h h + b) with act = tanh (SPEC §3) or relu (LAYERS §1): its pointwise
// forward and backward over one step. The scan (scan.h) owns everything else. The cell has one gate, its
// pre-activation, and keeps no activations of its own: the activated gate is h' itself, so the scan may pass the
// same buffer as z and h.
#pragma once
#include <cstddef>

#include "../fast_math.h"

namespace rnn {

struct TanhActivation {
  template <typename Real>
  static RNN_INLINE Real value(Real v) { return fast_tanh(v); }
  // The derivative, from the activated value y = tanh(v).
  template <typename Real>
  static RNN_INLINE Real slope(Real y) { return Real(1) - y * y; }
};

struct ReluActivation {
  template <typename Real>
  static RNN_INLINE Real value(Real v) { return v > Real(0) ? v : Real(0); }
  template <typename Real>
  static RNN_INLINE Real slope(Real y) { return y > Real(0) ? Real(1) : Real(0); }
};

template <typename Activation>
struct RnnCellOf {
  static constexpr int gates = 1;
  static constexpr int blocks = 1;
  static constexpr int input_block(int) { return 0; }
  static constexpr int recurrent_block(int) { return 0; }
  static constexpr bool has_cell_state = false;
  static constexpr bool fusable = true;
  static constexpr bool direct_state_gradient = false;
  static constexpr bool two_phase = false;

  // z: with kAddZ, the input projection (may be h itself), else not read; r: the recurrent product, or with it the
  // input's; b: the bias. Writes h = act(z + r + b), and with kStore the same over z. The strides and states of the LSTM's
  // signature are unused.
  template <bool kAddZ, bool kStore, typename Real>
  static RNN_INLINE void forward(Real* z, std::size_t, const Real* __restrict r, std::size_t, const Real* __restrict b,
                                 std::size_t, const Real*, const Real*, Real*, Real* h, int n) {
    for (int k = 0; k < n; ++k) {
      const Real v = Activation::value((kAddZ ? z[k] : Real(0)) + r[k] + b[k]);
      if (kStore) z[k] = v;
      h[k] = v;
    }
  }

  // g: the activated gate, h' itself; dh_up, dh_next: the gradients reaching h' from above and from step t + 1.
  // Writes dz = (dh_up + dh_next) ⊙ act'.
  template <typename Real>
  static RNN_INLINE void backward(Real* __restrict dz, const Real* __restrict g, std::size_t, const Real*, const Real*,
                                  const Real*, const Real* __restrict dh_up, const Real* __restrict dh_next, Real*,
                                  Real*, int n) {
    for (int k = 0; k < n; ++k) dz[k] = (dh_up[k] + dh_next[k]) * Activation::slope(g[k]);
  }
};

using RnnCell = RnnCellOf<TanhActivation>;
using ReluRnnCell = RnnCellOf<ReluActivation>;

}  // namespace rnn
