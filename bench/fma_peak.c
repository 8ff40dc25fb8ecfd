// The machine's FMA peak: every thread runs fused multiply-adds on registers only (12 independent vector
// accumulators, enough to cover the FMA latency of current x86 and ARM cores), compiled with -O2 -march=native so
// that the widest vectors the CPU has are used. Prints JSON: {"threads": N, "float32": GFLOP/s, "float64": GFLOP/s},
// 2 flops per multiply-add, the best of 5 runs of at least `seconds / 10` each. bench/peers/peak.mjs compiles and runs it.
//
// usage: fma_peak SECONDS THREADS
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ACCUMULATORS 12
#define VECTOR_BYTES 64

typedef float vfloat __attribute__((vector_size(VECTOR_BYTES)));
typedef double vdouble __attribute__((vector_size(VECTOR_BYTES)));

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct {
  int is_double;
  long iterations;
  double sink;
} Job;

#define FMA_LOOP(V, T)                                                         \
  V acc[ACCUMULATORS], b, c;                                                   \
  for (int i = 0; i < ACCUMULATORS; ++i) acc[i] = (V){} + (T)(1 + i * 1e-3);   \
  b = (V){} + (T)0.999999;                                                     \
  c = (V){} + (T)1e-7;                                                         \
  for (long n = 0; n < job->iterations; ++n) {                                 \
    _Pragma("GCC unroll 12")                                                   \
    for (int i = 0; i < ACCUMULATORS; ++i) acc[i] = acc[i] * b + c;            \
  }                                                                            \
  T sum = 0;                                                                   \
  for (int i = 0; i < ACCUMULATORS; ++i) sum += acc[i][0];                     \
  job->sink = sum;

static void* run(void* arg) {
  Job* job = arg;
  if (job->is_double) {
    FMA_LOOP(vdouble, double)
  } else {
    FMA_LOOP(vfloat, float)
  }
  return NULL;
}

// GFLOP/s of `threads` threads running `iterations` loop turns each.
static double rate(int is_double, int threads, long iterations) {
  pthread_t ids[256];
  Job jobs[256];
  const double start = now();
  for (int t = 0; t < threads; ++t) {
    jobs[t] = (Job){is_double, iterations, 0};
    pthread_create(&ids[t], NULL, run, &jobs[t]);
  }
  for (int t = 0; t < threads; ++t) pthread_join(ids[t], NULL);
  const double seconds = now() - start;
  const double lanes = VECTOR_BYTES / (is_double ? 8.0 : 4.0);
  return 2.0 * lanes * ACCUMULATORS * (double)iterations * threads / seconds / 1e9;
}

static double best_rate(int is_double, int threads, double seconds) {
  long iterations = 1 << 16;
  // Grow until one run takes a tenth of the budget.
  for (;;) {
    const double t0 = now();
    rate(is_double, threads, iterations);
    if (now() - t0 > seconds / 10 || iterations > (1L << 40)) break;
    iterations *= 2;
  }
  double best = 0;
  for (int r = 0; r < 5; ++r) {
    const double g = rate(is_double, threads, iterations);
    if (g > best) best = g;
  }
  return best;
}

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? atof(argv[1]) : 1.0;
  int threads = argc > 2 ? atoi(argv[2]) : 1;
  if (threads < 1) threads = 1;
  if (threads > 256) threads = 256;
  const double f32 = best_rate(0, threads, seconds);
  const double f64 = best_rate(1, threads, seconds);
  printf("{\"threads\": %d, \"float32\": %.1f, \"float64\": %.1f}\n", threads, f32, f64);
  return 0;
}
