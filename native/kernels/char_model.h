// A character-level language model: one-hot characters in, an RNN or LSTM cell, a softmax over the alphabet out.
// All parameters live end to end in one flat vector, so that clipping and the optimizers treat them as one:
//   LSTM: W (4 n_a, n_a + V), b (4 n_a), Wy (V, n_a), by (V)   (W, b fused [f; i; c̃; o] as in lstm.h)
//   RNN:  Wax (n_a, V), Waa (n_a, n_a), ba (n_a), Wy (V, n_a), by (V)
#pragma once
#include <cstddef>
#include <cstdint>

#include "optimizers.h"

namespace rnn {

enum class Cell { Rnn = 0, Lstm = 1 };

struct CharModelShape {
  Cell cell;
  int n_a, V;
};

// Where each parameter starts in the flat vector, and how many values there are in all.
struct CharModelLayout {
  std::size_t cell_W, cell_U, cell_b, Wy, by, total;  // cell_U (Waa) is unused by the LSTM, whose W holds it
  explicit CharModelLayout(const CharModelShape& s);
};

enum class Optimizer { Sgd = 0, Adam = 1 };

// One training step on a batch. Shapes: params, grads, moment1, moment2 (layout.total); inputs, targets (m, T)
// row-major character ids, targets -1 for masked positions. From zero initial states: forward, mean softmax
// cross-entropy over the unmasked positions, backward through time, clipping (by value when clip_value > 0, then
// by global norm when clip_norm > 0), and the optimizer update of params (SGD keeps its velocity in moment1; Adam
// its moments in moment1 and moment2). Writes the gradients to grads and returns the loss before the update.
template <typename Real>
struct TrainStep {
  Real* params;
  Real* grads;
  Real* moment1;
  Real* moment2;
  const std::int32_t* inputs;
  const std::int32_t* targets;
  CharModelShape shape;
  int m, T;
  Optimizer optimizer;
  Sgd sgd;
  Adam adam;
  double clip_value, clip_norm;
};

template <typename Real>
double train_step(const TrainStep<Real>& p);

// One step of generation. Shapes: h, c (n_a), c unused (may be null) for the RNN; logits (V).
// Feeds character `token` with state (h, c), updates h and c in place and writes the next character's logits.
template <typename Real>
struct NextCharacter {
  Real* h;
  Real* c;
  Real* logits;
  const Real* params;
  CharModelShape shape;
  int token;
};

template <typename Real>
void next_character(const NextCharacter<Real>& p);

}  // namespace rnn
