// The LSTM cell: its pointwise forward and backward over one step's gate pre-activations (SPEC §3, LAYERS §1).
// The time loop, the matrix products and every buffer belong to the scan (scan.h); this file is only the equations.
//
// Gates: f (forget), i (input), c̃ (candidate, PyTorch's g), o (output), at the positions of the gate order: the
// notebook's fused W = [Wf; Wi; Wc; Wo], or PyTorch's [W_i; W_f; W_g; W_o]. Every function works on one example's
// run of n units: gate k of that run starts at `pointer + k * stride` in each gate buffer.
#pragma once
#include <cstddef>

#include "../fast_math.h"

namespace rnn {

struct NotebookLstmGates {
  static constexpr int f = 0, i = 1, g = 2, o = 3;
};
struct TorchLstmGates {
  static constexpr int i = 0, f = 1, g = 2, o = 3;
};

template <typename Order>
struct LstmCellOf {
  static constexpr int gates = 4;
  // The gradient of gate k's pre-activation is block k of dZ for both the input and the recurrent weights, and the
  // bias is one block per gate (b_ih + b_hh); nothing reaches h_prev except through W_h.
  static constexpr int blocks = 4;
  static constexpr int input_block(int k) { return k; }
  static constexpr int recurrent_block(int k) { return k; }
  static constexpr bool has_cell_state = true;
  static constexpr bool fusable = true;  // the input projection may join the recurrent product
  static constexpr bool direct_state_gradient = false;
  static constexpr bool two_phase = false;

  // z: with kAddZ, the input projection W_x x_t of the four gates (stride zs), else not read; r: the recurrent
  // product W_h h (stride rs), or with it the input's; b: the bias (stride bs); c_prev: the previous cell state.
  // Writes c = f ⊙ c_prev + i ⊙ c̃, h = o ⊙ tanh(c) and, with kStore, the activated gates over z.
  template <bool kAddZ, bool kStore, typename Real>
  static RNN_INLINE void forward(Real* __restrict z, std::size_t zs, const Real* __restrict r, std::size_t rs,
                                 const Real* __restrict b, std::size_t bs, const Real*, const Real* __restrict c_prev,
                                 Real* __restrict c, Real* __restrict h, int n) {
    constexpr int F = Order::f, I = Order::i, C = Order::g, O = Order::o;
    for (int k = 0; k < n; ++k) {
      const Real fk = fast_sigmoid((kAddZ ? z[F * zs + k] : Real(0)) + r[F * rs + k] + b[F * bs + k]);
      const Real ik = fast_sigmoid((kAddZ ? z[I * zs + k] : Real(0)) + r[I * rs + k] + b[I * bs + k]);
      const Real ck = fast_tanh((kAddZ ? z[C * zs + k] : Real(0)) + r[C * rs + k] + b[C * bs + k]);
      const Real ok = fast_sigmoid((kAddZ ? z[O * zs + k] : Real(0)) + r[O * rs + k] + b[O * bs + k]);
      const Real cn = fk * c_prev[k] + ik * ck;
      if (kStore) {
        z[F * zs + k] = fk;
        z[I * zs + k] = ik;
        z[C * zs + k] = ck;
        z[O * zs + k] = ok;
      }
      c[k] = cn;
      h[k] = ok * fast_tanh(cn);
    }
  }

  // g: the activated gates the forward pass left (stride gs); c, c_prev: the cell state after and before the step;
  // dh_up: the gradient reaching h from above (the loss), dh_next: from step t + 1 through W_h; dc: ∂J/∂c from step
  // t + 1, replaced by ∂J/∂c_prev. Writes dz (stride gs), the gradients of the four gate pre-activations.
  template <typename Real>
  static RNN_INLINE void backward(Real* __restrict dz, const Real* __restrict g, std::size_t gs,
                                  const Real* __restrict c, const Real* __restrict c_prev, const Real*,
                                  const Real* __restrict dh_up, const Real* __restrict dh_next, Real* __restrict dc,
                                  Real*, int n) {
    constexpr int F = Order::f, I = Order::i, C = Order::g, O = Order::o;
    for (int k = 0; k < n; ++k) {
      const Real f = g[F * gs + k], i = g[I * gs + k], cc = g[C * gs + k], o = g[O * gs + k];
      const Real dh = dh_up[k] + dh_next[k];
      const Real tc = fast_tanh(c[k]);
      const Real dc_total = dc[k] + o * (Real(1) - tc * tc) * dh;
      dz[F * gs + k] = dc_total * c_prev[k] * f * (Real(1) - f);
      dz[I * gs + k] = dc_total * cc * i * (Real(1) - i);
      dz[C * gs + k] = dc_total * i * (Real(1) - cc * cc);
      dz[O * gs + k] = dh * tc * o * (Real(1) - o);
      dc[k] = dc_total * f;
    }
  }
};

using LstmCell = LstmCellOf<NotebookLstmGates>;
using TorchLstmCell = LstmCellOf<TorchLstmGates>;

}  // namespace rnn
