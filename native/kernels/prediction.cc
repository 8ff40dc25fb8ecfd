#include "prediction.h"

#include "activations.h"
#include "blas.h"
#include "layout.h"

namespace rnn {

template <typename Real>
void predict(Real* y, Real* Z, const Real* H, const Real* Wy, const Real* by, int n_a, int n_y, int m, int T) {
  const std::size_t columns = std::size_t(T) * m;
  gemm(Op::N, Op::T, int(columns), n_y, n_a, Real(1), H, n_a, Wy, n_a, Real(0), Z, n_y);
  for (std::size_t col = 0; col < columns; ++col) {
    Real* z = Z + col * n_y;
    for (int k = 0; k < n_y; ++k) z[k] += by[k];
    softmax_vector(z, z, n_y);
  }
  from_time_major(y, Z, n_y, m, T);
}

template void predict<float>(float*, float*, const float*, const float*, const float*, int, int, int, int);
template void predict<double>(double*, double*, const double*, const double*, const double*, int, int, int, int);

}  // namespace rnn
