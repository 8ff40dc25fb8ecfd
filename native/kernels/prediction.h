// The output layer shared by both cells: yPred = softmax(Wy a + by) for every step at once.
#pragma once
#include <cstddef>

namespace rnn {

// Shapes: H (T·m, n_a) time-major hidden states; Wy (n_y, n_a); by (n_y); out y (n_y, m, T) notebook layout.
// Z is scratch of T·m·n_y values. One GEMM over all steps, then a softmax over n_y for every (t, j).
template <typename Real>
void predict(Real* y, Real* Z, const Real* H, const Real* Wy, const Real* by, int n_a, int n_y, int m, int T);

}  // namespace rnn
