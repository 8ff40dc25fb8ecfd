// The entry points of the microkernels, one namespace per ISA (microkernel_*.cc); recurrent.cc picks one.
// Shapes: C (M, panels·NR) = [A1 | A2] (M, K1 + K2) · Bp, Bp `panels` packed panels of (K1 + K2, NR).
#pragma once
#include <cstddef>

#include "recurrent.h"

namespace rnn {
#define RNN_DECLARE_MICROKERNEL(isa)                                                                               \
  namespace isa {                                                                                                  \
  void matmul_f32(float* C, std::size_t ldc, const Operand<float>& a, const float* Bp, int M, int panels);          \
  void matmul_f64(double* C, std::size_t ldc, const Operand<double>& a, const double* Bp, int M, int panels);      \
  }
RNN_DECLARE_MICROKERNEL(avx512)
RNN_DECLARE_MICROKERNEL(avx2)
RNN_DECLARE_MICROKERNEL(portable)
#undef RNN_DECLARE_MICROKERNEL
}  // namespace rnn
