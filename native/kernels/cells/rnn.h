// The vanilla RNN cell, h' = tanh(W_x x_t + W_h h + b): its pointwise forward and backward over one step
// (SPEC §3). The scan (scan.h) owns everything else. The cell has one gate, its pre-activation, and keeps no
// activations of its own: the activated gate is h' itself, so the scan may pass the same buffer as z and h.
#pragma once
#include <cstddef>

#include "../fast_math.h"

namespace rnn {

struct RnnCell {
  static constexpr int gates = 1;
  static constexpr bool has_cell_state = false;

  // z: with kAddZ, the input projection (may be h itself), else not read; r: the recurrent product, or with it the
  // input's; b: the bias. Writes h = tanh(z + r + b), and the same over z. The strides and cell states of the LSTM's
  // signature are unused.
  template <bool kAddZ, typename Real>
  static RNN_INLINE void forward(Real* z, std::size_t, const Real* __restrict r, std::size_t, const Real* __restrict b,
                             std::size_t, const Real*, Real*, Real* h, int n) {
    for (int k = 0; k < n; ++k) {
      const Real v = fast_tanh((kAddZ ? z[k] : Real(0)) + r[k] + b[k]);
      z[k] = v;
      h[k] = v;
    }
  }

  // g: the activated gate, h' itself; dh_up, dh_next: the gradients reaching h' from above and from step t + 1.
  // Writes dz = (dh_up + dh_next) ⊙ (1 - h'²).
  template <typename Real>
  static RNN_INLINE void backward(Real* __restrict dz, const Real* __restrict g, std::size_t, const Real*, const Real*,
                              const Real* __restrict dh_up, const Real* __restrict dh_next, Real*, int n) {
    for (int k = 0; k < n; ++k) dz[k] = (dh_up[k] + dh_next[k]) * (Real(1) - g[k] * g[k]);
  }
};

}  // namespace rnn
