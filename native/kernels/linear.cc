#include "linear.h"

#include "layout.h"
#include "team_blas.h"

namespace rnn {

template <typename Real>
void linear_forward(const LinearForward<Real>& p) {
  // Y (rows, out) = b broadcast, then += X (rows, in) · Wᵀ (in, out).
  broadcast_rows(p.Y, p.b, std::size_t(p.rows), std::size_t(p.out));
  parallel_gemm(Op::N, Op::T, p.rows, p.out, p.in, Real(1), p.X, p.in, p.W, p.in, Real(1), p.Y, p.out);
}

template <typename Real>
void linear_backward(const LinearBackward<Real>& p) {
  // dX (rows, in) = dY (rows, out) · W (out, in); dW (out, in) = dYᵀ (out, rows) · X (rows, in); db (out).
  parallel_gemm(Op::N, Op::N, p.rows, p.in, p.out, Real(1), p.dY, p.out, p.W, p.in, Real(0), p.dX, p.in);
  parallel_gemm(Op::T, Op::N, p.out, p.in, p.rows, Real(1), p.dY, p.out, p.X, p.in, Real(0), p.dW, p.in);
  column_sums(p.db, p.dY, std::size_t(p.rows), std::size_t(p.out));
}

template void linear_forward<float>(const LinearForward<float>&);
template void linear_forward<double>(const LinearForward<double>&);
template void linear_backward<float>(const LinearBackward<float>&);
template void linear_backward<double>(const LinearBackward<double>&);

}  // namespace rnn
