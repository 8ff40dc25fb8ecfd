// The BLAS behind the kernels, the team's thread count, and which recurrent kernel runs.
#include <cblas.h>

#include <string>

#include "../kernels/recurrent/recurrent.h"
#include "../kernels/team.h"
#include "functions.h"
#include "run.h"

namespace rnn::binding {

// (n): sets the team's thread count in its turn on the executor, after the kernels queued before it.
Napi::Value set_num_threads(const Napi::CallbackInfo& info) {
  const int n = dim(info, 0);
  return run_now(info, [n] { set_team_size(n); });
}

Napi::Value get_num_threads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), team_size()); }

// { recurrent, isa, bestIsa, split, numThreads }
Napi::Value kernel_info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const KernelConfig& config = kernel_config();
  Napi::Object result = Napi::Object::New(env);
  result.Set("recurrent", path_name(config.path));
  result.Set("isa", isa_name(config.isa));
  result.Set("bestIsa", isa_name(config.best_isa));
  result.Set("split", split_name(config.split));
  result.Set("numThreads", team_size());
  return result;
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
  result.Set("numThreads", team_size());
  return result;
}

}  // namespace rnn::binding
