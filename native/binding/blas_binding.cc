// The BLAS behind the kernels: its thread count and a description of the build.
#include <cblas.h>

#include <string>

#include "functions.h"
#include "run.h"

namespace rnn::binding {

// (n): sets OpenBLAS's thread count in its turn on the executor, after the kernels queued before it.
Napi::Value set_num_threads(const Napi::CallbackInfo& info) {
  const int n = dim(info, 0);
  return run_now(info, [n] { openblas_set_num_threads(n); });
}

Napi::Value get_num_threads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), openblas_get_num_threads());
}

// { vendor, config, corename, threading, numThreads }
Napi::Value blas_info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  const int parallel = openblas_get_parallel();
  result.Set("vendor", "OpenBLAS");
  result.Set("config", std::string(openblas_get_config()));
  result.Set("corename", std::string(openblas_get_corename()));
  result.Set("threading", parallel == 0 ? "sequential" : parallel == 1 ? "pthreads" : "openmp");
  result.Set("numThreads", openblas_get_num_threads());
  return result;
}

}  // namespace rnn::binding
