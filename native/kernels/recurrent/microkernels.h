// The entry points of the microkernels, one namespace per ISA (microkernel_*.cc); recurrent.cc picks one.
// Shapes: C (M, panels·NR) = A (M, K) · Bp, Bp `panels` packed panels of (K, NR).
#pragma once
#include <cstddef>

namespace rnn {
#define RNN_DECLARE_MICROKERNEL(isa)                                                                               \
  namespace isa {                                                                                                  \
  void matmul_f32(float* C, std::size_t ldc, const float* A, std::size_t lda, const float* Bp, int M, int K,       \
                  int panels);                                                                                     \
  void matmul_f64(double* C, std::size_t ldc, const double* A, std::size_t lda, const double* Bp, int M, int K,    \
                  int panels);                                                                                     \
  }
RNN_DECLARE_MICROKERNEL(avx512)
RNN_DECLARE_MICROKERNEL(avx2)
RNN_DECLARE_MICROKERNEL(portable)
#undef RNN_DECLARE_MICROKERNEL
}  // namespace rnn
