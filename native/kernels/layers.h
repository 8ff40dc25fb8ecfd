// Recurrent layers (LAYERS.md §1–2): stacked, one or two directions, variable lengths, time-major or batch-major
// data, on PyTorch's parameters. A layer is a composition of scans (scan.h), one per layer and direction; it has no
// time loop of its own.
//
// Symbols: L layers, D directions, I input size, H hidden size, m batch, T steps, G gates (LSTM 4, GRU 3, RNN 1),
// I_k = I for k = 0 and D·H above; (k, d) is layer k's direction d, state row k·D + d.
#pragma once
#include <cstddef>

namespace rnn {

// GruResetBefore: the GRU with resetAfter = false (cells/gru.h).
enum class CellKind { Lstm = 0, Gru = 1, RnnTanh = 2, RnnRelu = 3, GruResetBefore = 4 };

// The most layers a shape may have.
constexpr int kMaxLayers = 64;

struct LayerShape {
  CellKind cell;
  int L, D, I, H, m, T;
  bool batch_major;

  int gates() const { return cell == CellKind::Lstm ? 4 : cell == CellKind::RnnTanh || cell == CellKind::RnnRelu ? 1 : 3; }
  int input_size(int k) const { return k == 0 ? I : D * H; }
  bool has_cell_state() const { return cell == CellKind::Lstm; }
};

// The flat parameter vector, the single source of its layout (the facade reads it through layerLayout): for each
// (k, d) in order, weight_ih (G·H, I_k), weight_hh (G·H, H), bias_ih (G·H), bias_hh (G·H), row-major, gate blocks
// in PyTorch's order. Gradients have the same layout.
struct ParameterLayout {
  explicit ParameterLayout(const LayerShape& shape);
  // Offset of tensor j (0 weight_ih, 1 weight_hh, 2 bias_ih, 3 bias_hh) of (k, d).
  std::size_t offset(int k, int d, int j) const { return offsets_[(std::size_t(k) * D_ + d) * 4 + j]; }
  std::size_t size;

 private:
  int D_;
  std::size_t offsets_[4 * 2 * kMaxLayers];
};

// What backward needs of a forward pass, in one buffer of `size` values (its layout is private to layers.cc): each
// layer's input (T, m, I_k) time-major in the caller's batch order, after dropout; each (k, d)'s gate activations
// and states in the scan's layout.
std::size_t tape_size(const LayerShape& shape);

// Shapes: params (ParameterLayout); x (T, m, I) or batch-major (m, T, I); lengths (m) in [0, T] or null (T each);
// h0, c0 (L·D, m, H) or null (zeros; c0 LSTM only); masks (L − 1, T, m, D·H), the dropout masks (0 or 1/(1 − p))
// that multiply layer k's output before layer k + 1 reads it, or null. Writes y (T, m, D·H) or batch-major
// (m, T, D·H), zero past each length; hN, cN (L·D, m, H) (cN null unless LSTM); the tape (tape_size values) unless
// null.
template <typename Real>
struct LayerForward {
  LayerShape shape;
  const Real* params;
  const Real* x;
  const int* lengths;
  const Real* h0;
  const Real* c0;
  const Real* masks;
  Real* y;
  Real* hN;
  Real* cN;
  Real* tape;
};

// Shapes: params, lengths, masks as the forward pass had them; tape what it wrote; dy like y, dhN, dcN (L·D, m, H),
// each or null for zeros (dy past each length is not read). Writes dx like x (zero past each length), dh0, dc0
// (L·D, m, H) (dc0 LSTM only) and grads (ParameterLayout).
template <typename Real>
struct LayerBackward {
  LayerShape shape;
  const Real* params;
  const Real* tape;
  const int* lengths;
  const Real* masks;
  const Real* dy;
  const Real* dhN;
  const Real* dcN;
  Real* dx;
  Real* dh0;
  Real* dc0;
  Real* grads;
};

template <typename Real>
void layer_forward(const LayerForward<Real>& p);

template <typename Real>
void layer_backward(const LayerBackward<Real>& p);

}  // namespace rnn
