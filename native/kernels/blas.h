// Row-major GEMM on the system OpenBLAS, one name for float (sgemm) and double (dgemm).
#pragma once
#include <cblas.h>

namespace rnn {

enum class Op { N, T };

inline CBLAS_TRANSPOSE cblas_op(Op op) { return op == Op::N ? CblasNoTrans : CblasTrans; }

// C (M, N) = alpha · op(A) (M, K) · op(B) (K, N) + beta · C, all row-major with leading dimensions lda, ldb, ldc.
inline void gemm(Op opA, Op opB, int M, int N, int K, float alpha, const float* A, int lda, const float* B,
                 int ldb, float beta, float* C, int ldc) {
  cblas_sgemm(CblasRowMajor, cblas_op(opA), cblas_op(opB), M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

inline void gemm(Op opA, Op opB, int M, int N, int K, double alpha, const double* A, int lda, const double* B,
                 int ldb, double beta, double* C, int ldc) {
  cblas_dgemm(CblasRowMajor, cblas_op(opA), cblas_op(opB), M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

}  // namespace rnn
