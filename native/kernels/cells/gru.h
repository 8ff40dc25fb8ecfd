// The GRU cells, LAYERS §1: their pointwise forward and backward over one step. The scan (scan.h) owns everything
// else. Two variants, by where the reset gate acts.
//
// GruCell, the reset gate applied after the recurrent product (PyTorch's GRU; Keras reset_after=True; ONNX
// linear_before_reset = 1):
//
//   r = σ(W_ir x + b_ir + W_hr h + b_hr),  u = σ(W_iz x + b_iz + W_hz h + b_hz)   (u is PyTorch's z)
//   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),  h' = (1 - u) ⊙ n + u ⊙ h
//
// Gates in PyTorch's order r, z, n. The n gate keeps its input and recurrent parts apart, so the input projection
// cannot join the recurrent product, and each step keeps four blocks of n units: r, u, n and hn = W_hn h + b_hn.
// Backward, the blocks of dZ are the pre-activation gradients of r and u, then dhn = ∂J/∂hn (what W_hn and b_hn
// see) and dn (what W_in and b_in see); h' also reaches h directly through u ⊙ h.
#pragma once
#include <cstddef>

#include "../fast_math.h"

namespace rnn {

struct GruCell {
  static constexpr int gates = 3;
  static constexpr int blocks = 4;
  static constexpr int input_block(int k) { return k == 2 ? 3 : k; }
  static constexpr int recurrent_block(int k) { return k; }
  static constexpr bool has_cell_state = false;
  static constexpr bool fusable = false;
  static constexpr bool direct_state_gradient = true;
  static constexpr bool two_phase = false;

  // z: the input projection of the three gates (stride zs; read, so kAddZ must hold); r: the recurrent product
  // W_h h of the three gates (stride rs); b: four bias blocks (stride bs): b_ir + b_hr, b_iz + b_hz, b_hn, b_in;
  // h_prev: the previous state. Writes h and, with kStore, r, u, n, hn over the four blocks of z.
  template <bool kAddZ, bool kStore, typename Real>
  static RNN_INLINE void forward(Real* __restrict z, std::size_t zs, const Real* __restrict r, std::size_t rs,
                                 const Real* __restrict b, std::size_t bs, const Real* __restrict h_prev, const Real*,
                                 Real*, Real* __restrict h, int n) {
    static_assert(kAddZ, "the GRU's input projection is never fused");
    for (int k = 0; k < n; ++k) {
      const Real rk = fast_sigmoid(z[k] + r[k] + b[k]);
      const Real uk = fast_sigmoid(z[zs + k] + r[rs + k] + b[bs + k]);
      const Real hn = r[2 * rs + k] + b[2 * bs + k];
      const Real nk = fast_tanh(z[2 * zs + k] + b[3 * bs + k] + rk * hn);
      if (kStore) {
        z[k] = rk;
        z[zs + k] = uk;
        z[2 * zs + k] = nk;
        z[3 * zs + k] = hn;
      }
      h[k] = (Real(1) - uk) * nk + uk * h_prev[k];
    }
  }

  // g: the four blocks the forward pass left (stride gs); h_prev: the state before the step; dh_up, dh_next: the
  // gradients reaching h' from above and from step t + 1 through W_h. Writes the four blocks of dz (stride gs) and
  // direct = ∂J/∂h_prev through u ⊙ h_prev (the scan adds the part through W_h).
  template <typename Real>
  static RNN_INLINE void backward(Real* __restrict dz, const Real* __restrict g, std::size_t gs, const Real*,
                                  const Real*, const Real* __restrict h_prev, const Real* __restrict dh_up,
                                  const Real* __restrict dh_next, Real*, Real* __restrict direct, int n) {
    for (int k = 0; k < n; ++k) {
      const Real rk = g[k], uk = g[gs + k], nk = g[2 * gs + k], hn = g[3 * gs + k];
      const Real dh = dh_up[k] + dh_next[k];
      const Real dn = dh * (Real(1) - uk) * (Real(1) - nk * nk);
      dz[k] = dn * hn * rk * (Real(1) - rk);
      dz[gs + k] = dh * (h_prev[k] - nk) * uk * (Real(1) - uk);
      dz[2 * gs + k] = dn * rk;
      dz[3 * gs + k] = dn;
      direct[k] = dh * uk;
    }
  }
};

// GruResetBeforeCell, the reset gate applied to the state before the product (Keras reset_after=False; ONNX
// linear_before_reset = 0):
//
//   r, u as above,  n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn),  h' = (1 - u) ⊙ n + u ⊙ h
//
// The n gate's product needs r ⊙ h of every unit, so a step has two phases (two_phase): the product of the r and z
// gates' rows of W_hh with h and reset() over them; then, after a barrier, the product of the n rows with q = r ⊙ h
// and forward(). Each step keeps four blocks: r, u, n and q; the input projection (never fused) fills the first three
// blocks, and the bias blocks are b_ir + b_hr, b_iz + b_hz, b_in + b_hn (and an unused fourth). Backward, backward()
// gives the u and n blocks of dZ, then after a barrier dq = dn · W_hn gives reset_backward() the r block; the fourth
// block of dZ is dq. W_hn's gradient is dnᵀ q, the others' dZᵀ h.
struct GruResetBeforeCell {
  static constexpr int gates = 3;
  static constexpr int blocks = 4;
  static constexpr int input_block(int k) { return k; }
  static constexpr int recurrent_block(int k) { return k; }
  static constexpr bool has_cell_state = false;
  static constexpr bool fusable = false;
  static constexpr bool direct_state_gradient = true;
  static constexpr bool two_phase = true;

  // Phase 1. z: the input projection (stride zs); r: the r and z gates' recurrent products (stride rs); b: the bias
  // blocks (stride bs). Writes r, u and q = r ⊙ h_prev over blocks 0, 1 and 3 of z.
  template <typename Real>
  static RNN_INLINE void reset(Real* __restrict z, std::size_t zs, const Real* __restrict r, std::size_t rs,
                               const Real* __restrict b, std::size_t bs, const Real* __restrict h_prev, int n) {
    for (int k = 0; k < n; ++k) {
      const Real rk = fast_sigmoid(z[k] + r[k] + b[k]);
      z[k] = rk;
      z[zs + k] = fast_sigmoid(z[zs + k] + r[rs + k] + b[bs + k]);
      z[3 * zs + k] = rk * h_prev[k];
    }
  }

  // Phase 2. r: the products as in phase 1, with the n gate's, W_hn q, at r + 2·rs. Writes h and, with kStore, n
  // over block 2 of z.
  template <bool kAddZ, bool kStore, typename Real>
  static RNN_INLINE void forward(Real* __restrict z, std::size_t zs, const Real* __restrict r, std::size_t rs,
                                 const Real* __restrict b, std::size_t bs, const Real* __restrict h_prev, const Real*,
                                 Real*, Real* __restrict h, int n) {
    static_assert(kAddZ, "the GRU's input projection is never fused");
    for (int k = 0; k < n; ++k) {
      const Real uk = z[zs + k];
      const Real nk = fast_tanh(z[2 * zs + k] + r[2 * rs + k] + b[2 * bs + k]);
      if (kStore) z[2 * zs + k] = nk;
      h[k] = (Real(1) - uk) * nk + uk * h_prev[k];
    }
  }

  // Phase 1 backward. g: the four blocks the forward pass left (stride gs); dh_up, dh_next: the gradients reaching h'
  // from above and through W_h from step t + 1. Writes the u and n blocks of dz and direct = ∂J/∂h_prev through u ⊙ h.
  template <typename Real>
  static RNN_INLINE void backward(Real* __restrict dz, const Real* __restrict g, std::size_t gs, const Real*,
                                  const Real*, const Real* __restrict h_prev, const Real* __restrict dh_up,
                                  const Real* __restrict dh_next, Real*, Real* __restrict direct, int n) {
    for (int k = 0; k < n; ++k) {
      const Real uk = g[gs + k], nk = g[2 * gs + k];
      const Real dh = dh_up[k] + dh_next[k];
      dz[gs + k] = dh * (h_prev[k] - nk) * uk * (Real(1) - uk);
      dz[2 * gs + k] = dh * (Real(1) - uk) * (Real(1) - nk * nk);
      direct[k] = dh * uk;
    }
  }

  // Phase 2 backward. dq: ∂J/∂q = dn · W_hn for these units. Writes the r block of dz, dq into block 3, and adds
  // the part of ∂J/∂h_prev through q = r ⊙ h to direct.
  template <typename Real>
  static RNN_INLINE void reset_backward(Real* __restrict dz, const Real* __restrict g, std::size_t gs,
                                        const Real* __restrict h_prev, const Real* __restrict dq,
                                        Real* __restrict direct, int n) {
    for (int k = 0; k < n; ++k) {
      const Real rk = g[k];
      dz[k] = dq[k] * h_prev[k] * rk * (Real(1) - rk);
      dz[3 * gs + k] = dq[k];
      direct[k] += dq[k] * rk;
    }
  }
};

}  // namespace rnn
