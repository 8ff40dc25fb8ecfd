// The Linear layer's forward and backward passes, sync and async.
#include "../kernels/linear.h"
#include "functions.h"
#include "run.h"

namespace rnn::binding {

namespace {

// (Y, X, W, b, rows, in, out)
Kernel bind_forward(const Napi::CallbackInfo& info) {
  return bind_by_dtype(info, [](const Napi::CallbackInfo& info, auto tag) -> Kernel {
    using Real = decltype(tag);
    const LinearForward<Real> p{array<Real>(info, 0), array<Real>(info, 1), array<Real>(info, 2),
                                array<Real>(info, 3), dim(info, 4),         dim(info, 5),
                                dim(info, 6)};
    return [p] { rnn::linear_forward(p); };
  });
}

// (dX, dW, db, dY, X, W, rows, in, out)
Kernel bind_backward(const Napi::CallbackInfo& info) {
  return bind_by_dtype(info, [](const Napi::CallbackInfo& info, auto tag) -> Kernel {
    using Real = decltype(tag);
    const LinearBackward<Real> p{array<Real>(info, 0), array<Real>(info, 1), array<Real>(info, 2),
                                 array<Real>(info, 3), array<Real>(info, 4), array<Real>(info, 5),
                                 dim(info, 6),         dim(info, 7),         dim(info, 8)};
    return [p] { rnn::linear_backward(p); };
  });
}

}  // namespace

Napi::Value linear_forward(const Napi::CallbackInfo& info) { return run_now(info, bind_forward(info)); }
Napi::Value linear_forward_async(const Napi::CallbackInfo& info) { return run_async(info, bind_forward(info)); }
Napi::Value linear_backward(const Napi::CallbackInfo& info) { return run_now(info, bind_backward(info)); }
Napi::Value linear_backward_async(const Napi::CallbackInfo& info) { return run_async(info, bind_backward(info)); }

}  // namespace rnn::binding
