// The process-wide executor: one queue of kernels served by one dedicated native thread, so that kernels run one
// at a time (the BLAS policy of run.h) without holding any of libuv's pool threads while they wait for their turn.
// Pure C++ (no N-API): run.cc connects it to JavaScript environments. The executor never owns a caller's kernel or
// context: its thread allocates and frees nothing of theirs, so no memory crosses threads (glibc keeps such memory
// in the wrong thread's cache and the main heap grows).
//
// Order is FIFO for everyone: a job runs after every job queued before it. A synchronous call runs at once on its
// own thread when nothing is running or queued (no thread hand-off on the fast path); otherwise it queues like any
// job and its caller blocks until the executor thread has run it.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>

#include "args.h"

namespace rnn::binding {

enum class Status { Done, OutOfMemory, Failed, Stopped };

class Executor {
 public:
  // Called on the executor thread with the kernel's status once it has run (never for a cancelled job).
  using Done = void (*)(void* context, Status status);

  // The one executor of the process, started on first use and stopped (after the running kernel) at exit().
  static Executor& instance();

  // Runs the kernel in FIFO order with the queued jobs and returns its status.
  Status run_sync(const Kernel& kernel);

  // Queues the kernel; `done(context, status)` reports it. `owner` tags the job for cancel(). The kernel and the
  // context must live until `done` has returned or cancel(owner) has.
  void post(const void* owner, const Kernel* kernel, Done done, void* context);

  // Drops the owner's queued jobs and waits for its running one (kernel and `done`) to finish: afterwards no kernel
  // or `done` of the owner runs again.
  void cancel(const void* owner);

 private:
  struct Job {
    const Kernel* kernel;
    const void* owner;  // null for a synchronous call
    Done done;          // asynchronous jobs
    void* context;
    Status* status;     // synchronous calls: where the result goes; `finished` says it is there
    bool* finished;
  };

  Executor();
  void serve();
  void stop();

  std::mutex mutex_;
  std::condition_variable work_;  // the executor thread waits here for a job
  std::condition_variable idle_;  // synchronous callers and cancel() wait here for a job to finish
  std::deque<Job> queue_;  // front() is next
  bool busy_ = false;             // a kernel runs, on the executor thread or inline on a caller's
  const void* running_owner_ = nullptr;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rnn::binding
