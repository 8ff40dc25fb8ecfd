// Times row-major cblas_sgemm / cblas_dgemm on the system OpenBLAS for the GEMMs given on the command line and prints,
// as JSON, the best time per call (over samples of at least 1 ms, for at least MIN_SECONDS and 3 samples) and its
// rate. The best, not the median: this is a bound, and other load on the machine only ever slows a sample down.
// bench/peers/roofline.mjs compiles and runs it.
//
// usage: gemm_rate MIN_SECONDS SPEC...
//   SPEC = dtype,opA,opB,M,N,K,lda,ldb,ldc,beta, e.g. d,N,T,8192,2048,512,512,1024,2048,0
//   dtype s|d; opA, opB N|T; C (M, N) = op(A) (M, K) · op(B) (K, N) + beta · C, leading dimensions as cblas takes them.
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct {
  char dtype, opA, opB;
  int M, N, K, lda, ldb, ldc;
  double beta;
  void *A, *B, *C;
} Gemm;

static void gemm(const Gemm* g) {
  const enum CBLAS_TRANSPOSE ta = g->opA == 'T' ? CblasTrans : CblasNoTrans;
  const enum CBLAS_TRANSPOSE tb = g->opB == 'T' ? CblasTrans : CblasNoTrans;
  if (g->dtype == 's')
    cblas_sgemm(CblasRowMajor, ta, tb, g->M, g->N, g->K, 1.0f, g->A, g->lda, g->B, g->ldb, (float)g->beta, g->C, g->ldc);
  else
    cblas_dgemm(CblasRowMajor, ta, tb, g->M, g->N, g->K, 1.0, g->A, g->lda, g->B, g->ldb, g->beta, g->C, g->ldc);
}

// An array of `count` random values in [-0.5, 0.5) of the spec's dtype.
static void* filled(char dtype, size_t count) {
  const size_t size = dtype == 's' ? sizeof(float) : sizeof(double);
  void* p = malloc(count * size);
  if (!p) { fprintf(stderr, "gemm_rate: out of memory\n"); exit(1); }
  for (size_t i = 0; i < count; ++i) {
    const double v = rand() / (RAND_MAX + 1.0) - 0.5;
    if (dtype == 's') ((float*)p)[i] = (float)v; else ((double*)p)[i] = v;
  }
  return p;
}

int main(int argc, char** argv) {
  if (argc < 3) { fprintf(stderr, "usage: gemm_rate MIN_SECONDS SPEC...\n"); return 2; }
  const double min_seconds = atof(argv[1]);
  enum { MAX_SAMPLES = 1000 };
  printf("[");
  for (int s = 2; s < argc; ++s) {
    Gemm g;
    if (sscanf(argv[s], "%c,%c,%c,%d,%d,%d,%d,%d,%d,%lf", &g.dtype, &g.opA, &g.opB, &g.M, &g.N, &g.K, &g.lda, &g.ldb,
               &g.ldc, &g.beta) != 10) {
      fprintf(stderr, "gemm_rate: bad spec '%s'\n", argv[s]);
      return 2;
    }
    g.A = filled(g.dtype, (size_t)(g.opA == 'N' ? g.M : g.K) * g.lda);
    g.B = filled(g.dtype, (size_t)(g.opB == 'N' ? g.K : g.N) * g.ldb);
    g.C = filled(g.dtype, (size_t)g.M * g.ldc);

    double t = now();
    gemm(&g);  // warmup, and the estimate that sets the batch size (samples of at least 1 ms)
    const double estimate = now() - t;
    const int batch = estimate >= 1e-3 ? 1 : (int)(1e-3 / (estimate > 1e-7 ? estimate : 1e-7)) + 1;
    int n = 0;
    double best = 0;
    const double start = now();
    while (n < MAX_SAMPLES && (n < 3 || now() - start < min_seconds)) {
      t = now();
      for (int i = 0; i < batch; ++i) gemm(&g);
      const double sample = (now() - t) / batch;
      if (n++ == 0 || sample < best) best = sample;
    }
    const double flops = 2.0 * g.M * g.N * g.K;
    printf("%s{\"spec\":\"%s\",\"ms\":%.6g,\"gflops\":%.4g,\"samples\":%d}", s > 2 ? "," : "", argv[s], best * 1e3,
           flops / best * 1e-9, n);
    fflush(stdout);
    free(g.A);
    free(g.B);
    free(g.C);
  }
  printf("]\n");
  return 0;
}
