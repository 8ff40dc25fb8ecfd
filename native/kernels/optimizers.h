// Gradient clipping and parameter updates, each over one flat vector of n values (a tensor, or every parameter of
// a model laid end to end).
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace rnn {

// g (n): every value clamped into [-max_value, max_value] in place.
template <typename Real>
void clip_by_value(Real* g, std::size_t n, Real max_value) {
  for (std::size_t i = 0; i < n; ++i) g[i] = g[i] > max_value ? max_value : (g[i] < -max_value ? -max_value : g[i]);
}

// Σ g² over g (n), accumulated in double.
template <typename Real>
double sum_of_squares(const Real* g, std::size_t n) {
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += double(g[i]) * double(g[i]);
  return sum;
}

// g (n) *= factor in place.
template <typename Real>
void scale(Real* g, std::size_t n, Real factor) {
  for (std::size_t i = 0; i < n; ++i) g[i] *= factor;
}

// The factor that brings a global norm down to max_norm (1 when it is already within it).
inline double norm_clip_factor(double squared_norm, double max_norm) {
  const double norm = std::sqrt(squared_norm);
  return norm > max_norm ? max_norm / norm : 1.0;
}

struct Sgd {
  double learning_rate, momentum;
};

struct Adam {
  double learning_rate, beta1, beta2, epsilon;
  std::int64_t step;  // 1 on the first update: the bias corrections use it
};

// w, g, velocity (n). velocity = momentum · velocity + g; w -= learning_rate · velocity (PyTorch's SGD without
// dampening; with momentum 0 it is plain w -= learning_rate · g).
template <typename Real>
void sgd_update(Real* w, const Real* g, Real* velocity, std::size_t n, const Sgd& s) {
  const Real lr = Real(s.learning_rate), mu = Real(s.momentum);
  for (std::size_t i = 0; i < n; ++i) {
    velocity[i] = mu * velocity[i] + g[i];
    w[i] -= lr * velocity[i];
  }
}

// w, g, m1, m2 (n). Adam (Kingma & Ba): m1, m2 the running first and second moments, bias-corrected by step.
template <typename Real>
void adam_update(Real* w, const Real* g, Real* m1, Real* m2, std::size_t n, const Adam& s) {
  const Real b1 = Real(s.beta1), b2 = Real(s.beta2), eps = Real(s.epsilon);
  const Real step_size = Real(s.learning_rate / (1 - std::pow(s.beta1, double(s.step))));
  const Real correction2 = Real(1 / (1 - std::pow(s.beta2, double(s.step))));
  for (std::size_t i = 0; i < n; ++i) {
    m1[i] = b1 * m1[i] + (1 - b1) * g[i];
    m2[i] = b2 * m2[i] + (1 - b2) * g[i] * g[i];
    w[i] -= step_size * m1[i] / (std::sqrt(m2[i] * correction2) + eps);
  }
}

}  // namespace rnn
