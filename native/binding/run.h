// Running kernels under the process-wide policy: one kernel at a time, each on the compute team (kernels/team.h).
// Serializing keeps concurrent GEMMs with different transpose flags apart (OpenBLAS issue #5836 corrupts them up
// to at least 0.3.33) and keeps several calls from oversubscribing the cores with BLAS threads. Every kernel goes
// through the one executor of executor.h, so sync and async calls of every environment (the main thread and any
// number of worker threads) share one FIFO order.
#pragma once
#include <napi.h>

#include "args.h"

namespace rnn::binding {

// Runs the kernel in FIFO order with the queued jobs (inline on this thread when none are queued or running) and
// returns undefined; a workspace that does not fit in memory becomes a JavaScript Error, not an abort.
Napi::Value run_now(const Napi::CallbackInfo& info, const Kernel& kernel);

// Queues the kernel on the executor and returns a Promise of undefined, settled on this environment's thread
// through a thread-safe function. Every object argument is kept alive by a reference until the kernel has
// finished. If the environment is torn down first (worker.terminate(), process.exit in a worker), its queued
// kernels are dropped, its running one is waited for, and its Promises are left unsettled.
Napi::Value run_async(const Napi::CallbackInfo& info, Kernel kernel);

}  // namespace rnn::binding
