// Running kernels under the process-wide BLAS policy: one kernel at a time, each using all of OpenBLAS's threads.
// Serializing keeps concurrent GEMMs with different transpose flags apart (OpenBLAS issue #5836 corrupts them up
// to at least 0.3.33) and keeps several calls from oversubscribing the cores with BLAS threads.
#pragma once
#include <napi.h>

#include <mutex>

#include "args.h"

namespace rnn::binding {

// Held while any kernel runs or the BLAS thread count changes.
std::mutex& blas_mutex();

// Runs the kernel on the calling (main) thread. Returns undefined; a workspace that does not fit in memory
// becomes a JavaScript Error, not an abort.
Napi::Value run_now(const Napi::CallbackInfo& info, const Kernel& kernel);

// Queues the kernel on libuv's thread pool and returns a Promise of undefined. Every object argument is kept
// alive by a reference until the kernel has finished.
Napi::Value run_async(const Napi::CallbackInfo& info, Kernel kernel);

}  // namespace rnn::binding
