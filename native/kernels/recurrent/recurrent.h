// The per-step recurrent product of the scan, and how it is computed.
//
// The persistent kernel: each team thread owns a block of hidden units with all their gates for a whole call. It
// packs its slice of W_h once into panels of NR columns (B (K, NR) per panel, row-major, zero-padded) that stay in
// its own cache, and every step multiplies the shared state by them with a register-blocked microkernel
// (AVX-512, AVX2 or portable, picked at run time). The BLAS path computes the same products with one
// cblas_?gemm per gate block and step; it is the reference the tests compare with, and a fallback.
//
// RNN_NATIVE_RECURRENT=blas selects the BLAS path; RNN_NATIVE_ISA=avx512|avx2|portable forces a microkernel the
// CPU can run (a forced ISA it cannot run falls back to the best it can); RNN_NATIVE_SPLIT=units|rows forces how the
// scan deals its steps to the team. All are read once, at the first call.
#pragma once
#include <cstddef>

namespace rnn {

enum class Isa { Portable = 0, Avx2 = 1, Avx512 = 2 };
enum class RecurrentPath { Packed = 0, Blas = 1 };
// How the scan deals a call's steps to the team (scan.cc: Plan): its choice, or one forced.
enum class Split { Auto = 0, Units = 1, Rows = 2 };

struct KernelConfig {
  RecurrentPath path;
  Isa isa;        // the microkernel the packed path runs
  Isa best_isa;   // the best this CPU can run
  Split split;
};

const KernelConfig& kernel_config();
const char* isa_name(Isa isa);
const char* path_name(RecurrentPath path);
const char* split_name(Split split);

// Register tile of the microkernels: MR rows of A by NR = 2 vectors of columns.
template <typename Real>
constexpr int panel_width(Isa isa) {
  return int((isa == Isa::Avx512 ? 128 : isa == Isa::Avx2 ? 64 : 32) / sizeof(Real));
}
constexpr int tile_rows(Isa isa) { return isa == Isa::Avx512 ? 8 : 6; }

// Two row-major blocks side by side, [A1 | A2] (rows, K1 + K2), with leading dimensions lda1, lda2; K2 = 0: A1 alone.
// The forward pass multiplies [h | x_t] by [W_h | W_x]: the state and the step's input, the recurrent and the input
// weights, each pair read where it lies.
template <typename Real>
struct Operand {
  const Real* A1;
  std::size_t lda1;
  int K1;
  const Real* A2;
  std::size_t lda2;
  int K2;

  Operand rows(int i) const { return {A1 + i * lda1, lda1, K1, K2 > 0 ? A2 + i * lda2 : A2, lda2, K2}; }
};

// C (M, panels·NR) = A (M, K1 + K2) · Bp, where Bp holds `panels` packed panels of (K1 + K2, NR) one after another.
// Every column of every panel is written (padding columns come out zero). ldc ≥ panels·NR; nothing needs alignment.
template <typename Real>
void packed_matmul(Isa isa, Real* C, std::size_t ldc, const Operand<Real>& a, const Real* Bp, int M, int panels);

// Packing B = rows of W = [W1 | W2], transposed: column n of B is row `row_of[n]` of both, K1 + K2 values, or zero
// where row_of[n] < 0. Writes panels = ceil(N / NR) panels into Bp (panels · (K1 + K2) · NR values).
template <typename Real>
void pack_rows(Real* Bp, const Operand<Real>& W, const int* row_of, int N, int NR);

// Packing B = a block of columns of W: B (K, N) = W[0..K, c0..c0+N) (ldw), zero-padded to whole panels.
template <typename Real>
void pack_columns(Real* Bp, const Real* W, std::size_t ldw, std::size_t c0, int N, int K, int NR);

}  // namespace rnn
