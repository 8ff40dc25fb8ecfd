#include "executor.h"

#include <algorithm>
#include <cstdlib>
#include <new>

namespace rnn::binding {

namespace {

// A workspace that does not fit in memory is a status, not an exception crossing threads. Kernels throw nothing
// else; anything else would be a bug, reported as a failure rather than leaving the executor busy for ever
// (inline) or terminating the process (on its thread).
Status run_guarded(const Kernel& kernel) {
  try {
    kernel();
    return Status::Done;
  } catch (const std::bad_alloc&) {
    return Status::OutOfMemory;
  } catch (...) {
    return Status::Failed;
  }
}

}  // namespace

Executor& Executor::instance() {
  // Never destroyed: exit() runs stop() instead (see below), and a destructor would race the environments' cleanup.
  static Executor* executor = [] {
    auto* created = new Executor();
    // exit() (process.exit on the main thread runs no environment cleanup) must not unload OpenBLAS or free a
    // caller's arrays under a running kernel: finish it, drop the rest and join the thread first. atexit handlers
    // run before the shared libraries' destructors, OpenBLAS's among them.
    std::atexit([] { instance().stop(); });
    return created;
  }();
  return *executor;
}

Executor::Executor() : thread_([this] { serve(); }) {}

void Executor::serve() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    work_.wait(lock, [this] { return stopping_ || (!busy_ && !queue_.empty()); });
    if (stopping_) return;
    const Job job = queue_.front();
    queue_.pop_front();
    busy_ = true;
    running_owner_ = job.owner;
    lock.unlock();
    const Status status = run_guarded(*job.kernel);
    if (job.done != nullptr) job.done(job.context, status);
    lock.lock();
    busy_ = false;
    running_owner_ = nullptr;
    if (job.status != nullptr) {
      *job.status = status;
      *job.finished = true;
    }
    idle_.notify_all();
  }
}

Status Executor::run_sync(const Kernel& kernel) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (stopping_) return Status::Stopped;
  if (!busy_ && queue_.empty()) {
    busy_ = true;
    lock.unlock();
    const Status status = run_guarded(kernel);
    lock.lock();
    busy_ = false;
    // The executor thread always waits on work_: wake it only for jobs queued meanwhile (a needless wake-up is a
    // context switch, the better part of a small call's time).
    const bool queued = !queue_.empty();
    lock.unlock();
    if (queued) work_.notify_one();
    idle_.notify_all();
    return status;
  }
  Status status = Status::Stopped;
  bool finished = false;
  queue_.push_back(Job{&kernel, nullptr, nullptr, nullptr, &status, &finished});
  work_.notify_one();
  idle_.wait(lock, [&finished] { return finished; });
  return status;
}

void Executor::post(const void* owner, const Kernel* kernel, Done done, void* context) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    queue_.push_back(Job{kernel, owner, done, context, nullptr, nullptr});
  }
  work_.notify_one();
}

void Executor::cancel(const void* owner) {
  std::unique_lock<std::mutex> lock(mutex_);
  queue_.erase(std::remove_if(queue_.begin(), queue_.end(), [owner](const Job& job) { return job.owner == owner; }), queue_.end());
  idle_.wait(lock, [this, owner] { return running_owner_ != owner; });
}

void Executor::stop() {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    stopping_ = true;
    for (const Job& job : queue_) {
      if (job.finished != nullptr) *job.finished = true;  // a blocked caller gets Status::Stopped
    }
    queue_.clear();
    idle_.wait(lock, [this] { return !busy_; });
  }
  work_.notify_all();
  idle_.notify_all();
  thread_.join();
}

}  // namespace rnn::binding
