// The output layer shared by both cells: yPred = softmax(Wy a + by) for every step at once.
#pragma once

namespace rnn {

// Shapes: H (T·m, n_a) time-major hidden states; Wy (n_y, n_a); by (n_y); out y (n_y, m, T) notebook layout.
// One GEMM over all steps, then a softmax over n_y for every (t, j), on the team.
template <typename Real>
void predict(Real* y, const Real* H, const Real* Wy, const Real* by, int n_a, int n_y, int m, int T);

}  // namespace rnn
