#include "run.h"

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "executor.h"

namespace rnn::binding {

namespace {

constexpr const char* kOutOfMemory = "rnn-native: not enough memory for the workspace of this call";
constexpr const char* kStopped = "rnn-native: the process is exiting; the call did not run";

constexpr const char* kFailed = "rnn-native: the kernel failed unexpectedly (an internal error; please report it)";
const char* failure(Status status) {
  return status == Status::OutOfMemory ? kOutOfMemory : status == Status::Failed ? kFailed : kStopped;
}

class EnvJobs;

// One async call: its kernel, its JavaScript side (touched only on its environment's thread) and its status,
// written by the executor thread before the call is sent back. Created and freed on the environment's thread.
struct Call {
  Kernel kernel;
  std::shared_ptr<EnvJobs> jobs;
  napi_deferred deferred = nullptr;
  std::vector<Napi::ObjectReference> inputs;
  Status status = Status::Stopped;
  std::list<Call>::iterator self;  // where it is in its EnvJobs' calls_
};

// The async calls of one JavaScript environment (the main thread or one worker) and the thread-safe function that
// settles them. Kept alive by the environment's instance data, its cleanup hook, the thread-safe function and its
// calls in flight.
class EnvJobs : public std::enable_shared_from_this<EnvJobs> {
 public:
  // This environment's, created on its first async call.
  static std::shared_ptr<EnvJobs> of(Napi::Env env);

  Napi::Value start(const Napi::CallbackInfo& info, Kernel kernel);

 private:
  struct Holder {
    std::shared_ptr<EnvJobs> jobs;
  };

  explicit EnvJobs(napi_env env) : env_(env) {}
  static void deliver(void* call, Status status);
  void finish(Call* call);
  static void call_js(napi_env env, napi_value, void* context, void* data);
  static void finalize(napi_env, void* data, void*);
  static void cleanup(void* data);

  napi_env env_;
  std::mutex mutex_;                        // guards tsfn_ against its finalization
  napi_threadsafe_function tsfn_ = nullptr;  // null once Node has finalized it
  // On the environment's thread only:
  std::list<Call> calls_;  // one allocation per call, erased in O(1)
  bool closed_ = false;    // the environment is being torn down: its calls are gone
  std::size_t pending_ = 0;  // calls not settled yet: the thread-safe function keeps the event loop alive meanwhile
};

std::shared_ptr<EnvJobs> EnvJobs::of(Napi::Env env) {
  if (auto* holder = env.GetInstanceData<Holder>()) return holder->jobs;
  std::shared_ptr<EnvJobs> jobs(new EnvJobs(env));
  napi_value name = Napi::String::New(env, "rnn-native kernel");
  NAPI_THROW_IF_FAILED(env,
                       napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1,
                                                       new std::shared_ptr<EnvJobs>(jobs), finalize, jobs.get(),
                                                       call_js, &jobs->tsfn_),
                       nullptr);
  NAPI_THROW_IF_FAILED(env, napi_unref_threadsafe_function(env, jobs->tsfn_), nullptr);
  // Registered after the thread-safe function, so it runs before Node closes that (cleanup hooks run in reverse).
  NAPI_THROW_IF_FAILED(env, napi_add_env_cleanup_hook(env, cleanup, new std::shared_ptr<EnvJobs>(jobs)), nullptr);
  env.SetInstanceData(new Holder{jobs});
  return jobs;
}

Napi::Value EnvJobs::start(const Napi::CallbackInfo& info, Kernel kernel) {
  Napi::Env env = info.Env();
  napi_deferred deferred = nullptr;
  napi_value promise = nullptr;
  NAPI_THROW_IF_FAILED(env, napi_create_promise(env, &deferred, &promise), Napi::Value());
  Call* call = &calls_.emplace_back();
  call->self = std::prev(calls_.end());
  call->kernel = std::move(kernel);
  call->jobs = shared_from_this();
  call->deferred = deferred;
  call->inputs.reserve(info.Length());
  for (std::size_t i = 0; i < info.Length(); ++i) {
    if (info[i].IsObject()) call->inputs.push_back(Napi::Persistent(info[i].As<Napi::Object>()));
  }
  if (pending_++ == 0) napi_ref_threadsafe_function(env, tsfn_);
  Executor::instance().post(this, &call->kernel, deliver, call);
  return Napi::Value(env, promise);
}

// On the executor thread.
void EnvJobs::deliver(void* context, Status status) {
  auto* call = static_cast<Call*>(context);
  EnvJobs& jobs = *call->jobs;
  std::lock_guard<std::mutex> lock(jobs.mutex_);
  if (jobs.tsfn_ == nullptr) return;
  call->status = status;
  napi_call_threadsafe_function(jobs.tsfn_, call, napi_tsfn_nonblocking);
}

// On the environment's thread, or with env == null while Node empties the queue of a closing thread-safe function
// (the calls are then freed by cleanup()).
void EnvJobs::call_js(napi_env env, napi_value, void* context, void* data) {
  if (env != nullptr) static_cast<EnvJobs*>(context)->finish(static_cast<Call*>(data));
}

// The C API, not node-addon-api's throwing wrappers: this runs from libuv, where an exception would terminate.
void EnvJobs::finish(Call* call) {
  if (closed_) return;  // cleanup() has freed the call
  const napi_deferred deferred = call->deferred;
  const Status status = call->status;
  calls_.erase(call->self);
  if (--pending_ == 0) napi_unref_threadsafe_function(env_, tsfn_);
  napi_value value = nullptr;
  if (status == Status::Done) {
    napi_get_undefined(env_, &value);
    napi_resolve_deferred(env_, deferred, value);
  } else {
    napi_value message = nullptr;
    napi_create_string_utf8(env_, failure(status), NAPI_AUTO_LENGTH, &message);
    napi_create_error(env_, nullptr, message, &value);
    napi_reject_deferred(env_, deferred, value);
  }
}

void EnvJobs::finalize(napi_env, void* data, void*) {
  std::unique_ptr<std::shared_ptr<EnvJobs>> jobs(static_cast<std::shared_ptr<EnvJobs>*>(data));
  std::lock_guard<std::mutex> lock((*jobs)->mutex_);
  (*jobs)->tsfn_ = nullptr;
}

// The environment is going away: none of its kernels may run on (or write into) its arrays afterwards, and no
// JavaScript value of it is touched after this returns. The running kernel is awaited: at most one kernel's time.
void EnvJobs::cleanup(void* data) {
  std::unique_ptr<std::shared_ptr<EnvJobs>> jobs(static_cast<std::shared_ptr<EnvJobs>*>(data));
  Executor::instance().cancel(jobs->get());
  (*jobs)->closed_ = true;
  (*jobs)->calls_.clear();
}

}  // namespace

Napi::Value run_now(const Napi::CallbackInfo& info, const Kernel& kernel) {
  const Status status = Executor::instance().run_sync(kernel);
  if (status != Status::Done) throw Napi::Error::New(info.Env(), failure(status));
  return info.Env().Undefined();
}

Napi::Value run_async(const Napi::CallbackInfo& info, Kernel kernel) {
  return EnvJobs::of(info.Env())->start(info, std::move(kernel));
}

}  // namespace rnn::binding
