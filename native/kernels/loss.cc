#include "loss.h"

#include <cmath>

#include "arena.h"
#include "fast_math.h"
#include "layout.h"
#include "team_blas.h"

namespace rnn {

// Shapes: z (n) logits, dz (n) out (it may be z itself): dz = scale · (softmax(z) - onehot(target)). Returns the
// cross-entropy -log softmax(z)[target], computed from the log-sum-exp so it never overflows.
template <typename Real>
static double softmax_cross_entropy_row(Real* dz, const Real* z, int n, int target, Real scale) {
  Real max = z[0];
  for (int k = 1; k < n; ++k) max = z[k] > max ? z[k] : max;
  const Real target_logit = z[target];
  for (int k = 0; k < n; ++k) dz[k] = fast_exp(z[k] - max);
  double sum = 0;
  for (int k = 0; k < n; ++k) sum += dz[k];
  const Real inverse = Real(1 / sum);
  for (int k = 0; k < n; ++k) dz[k] *= inverse * scale;
  dz[target] -= scale;
  return std::log(sum) + double(max) - double(target_logit);
}

template <typename Real>
double softmax_cross_entropy(Real* dZ, const Real* Z, const std::int32_t* targets, std::size_t rows, int n) {
  std::size_t counted = 0;
  for (std::size_t r = 0; r < rows; ++r) counted += targets[r] >= 0;
  if (counted == 0) {
    for (std::size_t i = 0; i < rows * n; ++i) dZ[i] = 0;
    return 0.0;
  }
  const Real scale = Real(1) / Real(counted);
  Scratch scratch;
  double* losses = scratch.take<double>(rows);  // (rows) each row's loss, summed in order below: the same J on any team
  parallel_for(threads_for(double(rows) * n, kElementsPerThread), rows, [&](std::size_t r0, std::size_t r1) {
    for (std::size_t r = r0; r < r1; ++r) {
      Real* dz = dZ + r * n;
      losses[r] = 0;
      if (targets[r] < 0) {
        for (int k = 0; k < n; ++k) dz[k] = 0;
      } else {
        losses[r] = softmax_cross_entropy_row(dz, Z + r * n, n, targets[r], scale);
      }
    }
  });
  double total = 0;
  for (std::size_t r = 0; r < rows; ++r) total += losses[r];
  return total / double(counted);
}

template <typename Real>
double softmax_cross_entropy_backward(const SoftmaxCrossEntropy<Real>& p) {
  const int n_y = p.n_y, n_a = p.n_a;
  // Z (rows, n_y) = H (rows, n_a) · Wyᵀ + by, then each row becomes ∂J/∂z in place.
  parallel_gemm(Op::N, Op::T, int(p.rows), n_y, n_a, Real(1), p.H, n_a, p.Wy, n_a, Real(0), p.Z, n_y);
  for (std::size_t r = 0; r < p.rows; ++r)
    for (int k = 0; k < n_y; ++k) p.Z[r * n_y + k] += p.by[k];
  const double loss = softmax_cross_entropy(p.Z, p.Z, p.targets, p.rows, n_y);
  // dWy (n_y, n_a) = dZᵀ H, dby = Σ rows of dZ, dH (rows, n_a) = dZ · Wy.
  parallel_gemm(Op::T, Op::N, n_y, n_a, int(p.rows), Real(1), p.Z, n_y, p.H, n_a, Real(0), p.dWy, n_a);
  column_sums(p.dby, p.Z, p.rows, std::size_t(n_y));
  parallel_gemm(Op::N, Op::N, int(p.rows), n_a, n_y, Real(1), p.Z, n_y, p.Wy, n_a, Real(0), p.dH, n_a);
  return loss;
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

template double softmax_cross_entropy<float>(float*, const float*, const std::int32_t*, std::size_t, int);
template double softmax_cross_entropy<double>(double*, const double*, const std::int32_t*, std::size_t, int);
template double softmax_cross_entropy_backward<float>(const SoftmaxCrossEntropy<float>&);
template double softmax_cross_entropy_backward<double>(const SoftmaxCrossEntropy<double>&);
template double output_layer_backward<float>(const OutputLayerBackward<float>&);
template double output_layer_backward<double>(const OutputLayerBackward<double>&);

}  // namespace rnn
