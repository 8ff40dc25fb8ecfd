#include "recurrent.h"

#include <cstdlib>
#include <cstring>

#include "microkernels.h"

namespace rnn {

namespace {

Isa best_isa() {
#if defined(__GNUC__) && defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) return Isa::Avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::Avx2;
#endif
  return Isa::Portable;
}

KernelConfig read_config() {
  KernelConfig config{RecurrentPath::Packed, best_isa(), best_isa(), Split::Auto};
  const char* path = std::getenv("RNN_NATIVE_RECURRENT");
  if (path != nullptr && std::strcmp(path, "blas") == 0) config.path = RecurrentPath::Blas;
  const char* isa = std::getenv("RNN_NATIVE_ISA");
  if (isa != nullptr) {
    Isa wanted = config.best_isa;
    if (std::strcmp(isa, "portable") == 0) wanted = Isa::Portable;
    if (std::strcmp(isa, "avx2") == 0) wanted = Isa::Avx2;
    if (std::strcmp(isa, "avx512") == 0) wanted = Isa::Avx512;
    if (int(wanted) <= int(config.best_isa)) config.isa = wanted;
  }
  const char* split = std::getenv("RNN_NATIVE_SPLIT");
  if (split != nullptr && std::strcmp(split, "units") == 0) config.split = Split::Units;
  if (split != nullptr && std::strcmp(split, "rows") == 0) config.split = Split::Rows;
  return config;
}

}  // namespace

const KernelConfig& kernel_config() {
  static const KernelConfig config = read_config();
  return config;
}

const char* isa_name(Isa isa) {
  return isa == Isa::Avx512 ? "avx512" : isa == Isa::Avx2 ? "avx2" : "portable";
}

const char* path_name(RecurrentPath path) { return path == RecurrentPath::Blas ? "blas" : "packed"; }

const char* split_name(Split split) { return split == Split::Units ? "units" : split == Split::Rows ? "rows" : "auto"; }

template <>
void packed_matmul<float>(Isa isa, float* C, std::size_t ldc, const Operand<float>& a, const float* Bp, int M,
                          int panels) {
  switch (isa) {
    case Isa::Avx512: return avx512::matmul_f32(C, ldc, a, Bp, M, panels);
    case Isa::Avx2: return avx2::matmul_f32(C, ldc, a, Bp, M, panels);
    case Isa::Portable: return portable::matmul_f32(C, ldc, a, Bp, M, panels);
  }
}

template <>
void packed_matmul<double>(Isa isa, double* C, std::size_t ldc, const Operand<double>& a, const double* Bp, int M,
                           int panels) {
  switch (isa) {
    case Isa::Avx512: return avx512::matmul_f64(C, ldc, a, Bp, M, panels);
    case Isa::Avx2: return avx2::matmul_f64(C, ldc, a, Bp, M, panels);
    case Isa::Portable: return portable::matmul_f64(C, ldc, a, Bp, M, panels);
  }
}

// Row k of a panel at a time, so that its writes are one contiguous run and its reads one value of each of the
// panel's NR rows of W, whose next values stay in L1 for the following k (column by column, every write of a
// column went to another cache line, and a 384-deep panel of 32 columns outgrew L1 before the next column).
template <typename Real>
void pack_rows(Real* Bp, const Operand<Real>& W, const int* row_of, int N, int NR) {
  constexpr int kMaxNR = panel_width<float>(Isa::Avx512);  // the widest panel of any ISA and type
  const int panels = (N + NR - 1) / NR, K = W.K1 + W.K2;
  const Real* w1[kMaxNR];
  const Real* w2[kMaxNR];
  for (int p = 0; p < panels; ++p) {
    Real* panel = Bp + std::size_t(p) * K * NR;
    for (int j = 0; j < NR; ++j) {
      const int n = p * NR + j;
      const int row = n < N ? row_of[n] : -1;
      w1[j] = row < 0 ? nullptr : W.A1 + std::size_t(row) * W.lda1;
      w2[j] = row < 0 || W.K2 == 0 ? nullptr : W.A2 + std::size_t(row) * W.lda2;
    }
    for (int k = 0; k < W.K1; ++k)
      for (int j = 0; j < NR; ++j) panel[std::size_t(k) * NR + j] = w1[j] == nullptr ? Real(0) : w1[j][k];
    for (int k = 0; k < W.K2; ++k)
      for (int j = 0; j < NR; ++j) panel[std::size_t(W.K1 + k) * NR + j] = w2[j] == nullptr ? Real(0) : w2[j][k];
  }
}

template <typename Real>
void pack_columns(Real* Bp, const Real* W, std::size_t ldw, std::size_t c0, int N, int K, int NR) {
  const int panels = (N + NR - 1) / NR;
  for (int p = 0; p < panels; ++p) {
    Real* panel = Bp + std::size_t(p) * K * NR;
    const int width = N - p * NR < NR ? N - p * NR : NR;
    for (int k = 0; k < K; ++k) {
      const Real* w = W + std::size_t(k) * ldw + c0 + std::size_t(p) * NR;
      Real* b = panel + std::size_t(k) * NR;
      for (int j = 0; j < width; ++j) b[j] = w[j];
      for (int j = width; j < NR; ++j) b[j] = 0;
    }
  }
}

template void pack_rows<float>(float*, const Operand<float>&, const int*, int, int);
template void pack_rows<double>(double*, const Operand<double>&, const int*, int, int);
template void pack_columns<float>(float*, const float*, std::size_t, std::size_t, int, int, int);
template void pack_columns<double>(double*, const double*, std::size_t, std::size_t, int, int, int);

}  // namespace rnn
