#include "prediction.h"

#include <cstddef>

#include "activations.h"
#include "arena.h"
#include "layout.h"
#include "team_blas.h"

namespace rnn {

template <typename Real>
void predict(Real* y, const Real* H, const Real* Wy, const Real* by, int n_a, int n_y, int m, int T) {
  const std::size_t columns = std::size_t(T) * m;
  Scratch scratch;
  Real* Z = scratch.take<Real>(columns * n_y);  // (T·m, n_y) logits, time-major
  parallel_gemm(Op::N, Op::T, int(columns), n_y, n_a, Real(1), H, n_a, Wy, n_a, Real(0), Z, n_y);
  parallel_for(threads_for(double(columns) * n_y, kElementsPerThread), columns, [&](std::size_t c0, std::size_t c1) {
    for (std::size_t col = c0; col < c1; ++col) {
      Real* z = Z + col * n_y;
      for (int k = 0; k < n_y; ++k) z[k] += by[k];
      softmax_vector(z, z, n_y);
    }
  });
  from_time_major(y, Z, n_y, m, T);
}

template void predict<float>(float*, const float*, const float*, const float*, int, int, int, int);
template void predict<double>(double*, const double*, const double*, const double*, int, int, int, int);

}  // namespace rnn
