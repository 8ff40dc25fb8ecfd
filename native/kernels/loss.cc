#include "loss.h"

#include <cmath>

#include "arena.h"
#include "fast_math.h"
#include "layout.h"
#include "team_blas.h"

namespace rnn {

// Shapes: z (n) logits plus bias in place, becoming softmax(z) - onehot(target), scaled by `scale`.
// Returns the cross-entropy -log softmax(z)[target], computed from the log-sum-exp so it never overflows.
template <typename Real>
static double softmax_cross_entropy_row(Real* z, int n, int target, Real scale) {
  Real max = z[0];
  for (int k = 1; k < n; ++k) max = z[k] > max ? z[k] : max;
  const Real target_logit = z[target];
  for (int k = 0; k < n; ++k) z[k] = fast_exp(z[k] - max);
  double sum = 0;
  for (int k = 0; k < n; ++k) sum += z[k];
  const Real inverse = Real(1 / sum);
  for (int k = 0; k < n; ++k) z[k] *= inverse * scale;
  z[target] -= scale;
  return std::log(sum) + double(max) - double(target_logit);
}

template <typename Real>
double softmax_cross_entropy_backward(const SoftmaxCrossEntropy<Real>& p) {
  const int n_y = p.n_y, n_a = p.n_a;
  std::size_t counted = 0;
  for (std::size_t r = 0; r < p.rows; ++r) counted += p.targets[r] >= 0;
  const Real scale = counted > 0 ? Real(1) / Real(counted) : Real(0);
  // Z (rows, n_y) = H (rows, n_a) · Wyᵀ, then each row becomes ∂J/∂z.
  parallel_gemm(Op::N, Op::T, int(p.rows), n_y, n_a, Real(1), p.H, n_a, p.Wy, n_a, Real(0), p.Z, n_y);
  double total = 0;
  for (std::size_t r = 0; r < p.rows; ++r) {
    Real* z = p.Z + r * n_y;
    if (p.targets[r] < 0) {
      for (int k = 0; k < n_y; ++k) z[k] = 0;
      continue;
    }
    for (int k = 0; k < n_y; ++k) z[k] += p.by[k];
    total += softmax_cross_entropy_row(z, n_y, p.targets[r], scale);
  }
  // dWy (n_y, n_a) = dZᵀ H, dby = Σ rows of dZ, dH (rows, n_a) = dZ · Wy.
  parallel_gemm(Op::T, Op::N, n_y, n_a, int(p.rows), Real(1), p.Z, n_y, p.H, n_a, Real(0), p.dWy, n_a);
  column_sums(p.dby, p.Z, p.rows, std::size_t(n_y));
  parallel_gemm(Op::N, Op::N, int(p.rows), n_a, n_y, Real(1), p.Z, n_y, p.Wy, n_a, Real(0), p.dH, n_a);
  return counted > 0 ? total / double(counted) : 0.0;
}

template <typename Real>
double output_layer_backward(const OutputLayerBackward<Real>& p) {
  const std::size_t rows = std::size_t(p.T) * p.m;
  Scratch scratch;
  Real* H = scratch.take<Real>(rows * p.n_a);
  Real* dH = scratch.take<Real>(rows * p.n_a);
  Real* Z = scratch.take<Real>(rows * p.n_y);
  std::int32_t* time_major_targets = scratch.take<std::int32_t>(rows);
  to_time_major(H, p.a, p.n_a, p.m, p.T);
  to_time_major(time_major_targets, p.targets, 1, p.m, p.T);
  const double loss = softmax_cross_entropy_backward(SoftmaxCrossEntropy<Real>{
      dH, p.dWy, p.dby, Z, H, p.Wy, p.by, time_major_targets, p.n_a, p.n_y, rows});
  from_time_major(p.da, dH, p.n_a, p.m, p.T);
  return loss;
}

template double softmax_cross_entropy_backward<float>(const SoftmaxCrossEntropy<float>&);
template double softmax_cross_entropy_backward<double>(const SoftmaxCrossEntropy<double>&);
template double output_layer_backward<float>(const OutputLayerBackward<float>&);
template double output_layer_backward<double>(const OutputLayerBackward<double>&);

}  // namespace rnn
