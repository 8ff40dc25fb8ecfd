// Matrix products on the team: every thread calls the single-threaded BLAS on its share of the result, rows or
// columns, whichever dimension is longer. All threads of a phase issue products with the same transpose flags, and
// phases are separated by barriers, so no two products with different flags ever run at once (OpenBLAS #5836).
#pragma once
#include "blas.h"
#include "team.h"

namespace rnn {

// A product below this many multiply-adds per thread is not worth another thread.
constexpr double kGemmMacsPerThread = 1 << 18;

// Inside a team job: thread tid's share of C (M, N) = alpha · op(A) (M, K) · op(B) (K, N) + beta · C (row-major).
template <typename Real>
void gemm_share(int tid, int threads, Op opA, Op opB, int M, int N, int K, Real alpha, const Real* A, int lda,
                const Real* B, int ldb, Real beta, Real* C, int ldc) {
  if (M >= N) {
    const Share s = share(tid, threads, std::size_t(M), 16);
    if (s.begin == s.end) return;
    const Real* a = opA == Op::N ? A + s.begin * lda : A + s.begin;
    gemm(opA, opB, int(s.end - s.begin), N, K, alpha, a, lda, B, ldb, beta, C + s.begin * ldc, ldc);
  } else {
    const Share s = share(tid, threads, std::size_t(N), 16);
    if (s.begin == s.end) return;
    const Real* b = opB == Op::N ? B + s.begin : B + s.begin * ldb;
    gemm(opA, opB, M, int(s.end - s.begin), K, alpha, A, lda, b, ldb, beta, C + s.begin, ldc);
  }
}

// The same product as one team job of as many threads as it is worth.
template <typename Real>
void parallel_gemm(Op opA, Op opB, int M, int N, int K, Real alpha, const Real* A, int lda, const Real* B, int ldb,
                   Real beta, Real* C, int ldc) {
  const int threads = threads_for(double(M) * N * K, kGemmMacsPerThread);
  if (threads == 1) return gemm(opA, opB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  team_run(threads, [&](int tid) { gemm_share(tid, threads, opA, opB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc); });
}

}  // namespace rnn
