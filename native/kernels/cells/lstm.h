// The LSTM cell: its pointwise forward and backward over one step's gate pre-activations (SPEC §3, LAYERS §1).
// The time loop, the matrix products and every buffer belong to the scan (scan.h); this file is only the equations.
//
// Gates, in the order of the notebook's fused weights W = [Wf; Wi; Wc; Wo]: f (forget), i (input), c̃ (candidate,
// PyTorch's g), o (output). Every function works on one example's run of n units: gate k of that run starts at
// `pointer + k * stride` in each gate buffer.
#pragma once
#include <cstddef>

#include "../fast_math.h"

namespace rnn {

struct LstmCell {
  static constexpr int gates = 4;
  static constexpr bool has_cell_state = true;

  // z: with kAddZ, the input projection W_x x_t of the four gates (stride zs), else not read; r: the recurrent
  // product W_h h (stride rs), or with it the input's; b: the bias (stride bs); c_prev: the previous cell state.
  // Writes the activated gates f, i, c̃, o over z, c = f ⊙ c_prev + i ⊙ c̃ and h = o ⊙ tanh(c).
  template <bool kAddZ, typename Real>
  static RNN_INLINE void forward(Real* __restrict z, std::size_t zs, const Real* __restrict r, std::size_t rs,
                             const Real* __restrict b, std::size_t bs, const Real* __restrict c_prev,
                             Real* __restrict c, Real* __restrict h, int n) {
    Real* f = z;
    Real* i = z + zs;
    Real* cc = z + 2 * zs;
    Real* o = z + 3 * zs;
    for (int k = 0; k < n; ++k) {
      const Real fk = fast_sigmoid((kAddZ ? f[k] : Real(0)) + r[k] + b[k]);
      const Real ik = fast_sigmoid((kAddZ ? i[k] : Real(0)) + r[rs + k] + b[bs + k]);
      const Real ck = fast_tanh((kAddZ ? cc[k] : Real(0)) + r[2 * rs + k] + b[2 * bs + k]);
      const Real ok = fast_sigmoid((kAddZ ? o[k] : Real(0)) + r[3 * rs + k] + b[3 * bs + k]);
      const Real cn = fk * c_prev[k] + ik * ck;
      f[k] = fk;
      i[k] = ik;
      cc[k] = ck;
      o[k] = ok;
      c[k] = cn;
      h[k] = ok * fast_tanh(cn);
    }
  }

  // g: the activated gates the forward pass left (stride gs); c, c_prev: the cell state after and before the step;
  // dh_up: the gradient reaching h from above (the loss), dh_next: from step t + 1 through W_h; dc: ∂J/∂c from step
  // t + 1, replaced by ∂J/∂c_prev. Writes dz (stride gs), the gradients of the four gate pre-activations.
  template <typename Real>
  static RNN_INLINE void backward(Real* __restrict dz, const Real* __restrict g, std::size_t gs,
                              const Real* __restrict c, const Real* __restrict c_prev, const Real* __restrict dh_up,
                              const Real* __restrict dh_next, Real* __restrict dc, int n) {
    const Real* f = g;
    const Real* i = g + gs;
    const Real* cc = g + 2 * gs;
    const Real* o = g + 3 * gs;
    for (int k = 0; k < n; ++k) {
      const Real dh = dh_up[k] + dh_next[k];
      const Real tc = fast_tanh(c[k]);
      const Real dc_total = dc[k] + o[k] * (Real(1) - tc * tc) * dh;
      dz[k] = dc_total * c_prev[k] * f[k] * (Real(1) - f[k]);
      dz[gs + k] = dc_total * cc[k] * i[k] * (Real(1) - i[k]);
      dz[2 * gs + k] = dc_total * i[k] * (Real(1) - cc[k] * cc[k]);
      dz[3 * gs + k] = dh * tc * o[k] * (Real(1) - o[k]);
      dc[k] = dc_total * f[k];
    }
  }
};

}  // namespace rnn
