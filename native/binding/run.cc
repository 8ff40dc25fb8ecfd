#include "run.h"

#include <new>
#include <utility>
#include <vector>

namespace rnn::binding {

namespace {

constexpr const char* kOutOfMemory = "rnn-native: not enough memory for the workspace of this call";

class KernelWorker : public Napi::AsyncWorker {
 public:
  KernelWorker(const Napi::CallbackInfo& info, Kernel kernel)
      : Napi::AsyncWorker(info.Env(), "rnn-native kernel"),
        kernel_(std::move(kernel)),
        deferred_(Napi::Promise::Deferred::New(info.Env())) {
    for (std::size_t i = 0; i < info.Length(); ++i) {
      if (info[i].IsObject()) inputs_.push_back(Napi::Persistent(info[i].As<Napi::Object>()));
    }
  }

  Napi::Promise promise() const { return deferred_.Promise(); }

 protected:
  // On a worker thread: no JavaScript values here.
  void Execute() override {
    try {
      std::lock_guard<std::mutex> lock(blas_mutex());
      kernel_();
    } catch (const std::bad_alloc&) {
      SetError(kOutOfMemory);
    }
  }

  void OnOK() override { deferred_.Resolve(Env().Undefined()); }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Kernel kernel_;
  Napi::Promise::Deferred deferred_;
  std::vector<Napi::ObjectReference> inputs_;
};

}  // namespace

std::mutex& blas_mutex() {
  static std::mutex mutex;
  return mutex;
}

Napi::Value run_now(const Napi::CallbackInfo& info, const Kernel& kernel) {
  try {
    std::lock_guard<std::mutex> lock(blas_mutex());
    kernel();
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(info.Env(), kOutOfMemory);
  }
  return info.Env().Undefined();
}

Napi::Value run_async(const Napi::CallbackInfo& info, Kernel kernel) {
  auto* worker = new KernelWorker(info, std::move(kernel));  // deletes itself when done
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

}  // namespace rnn::binding
