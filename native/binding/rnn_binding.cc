#include "../kernels/rnn.h"

#include "functions.h"
#include "run.h"

namespace rnn::binding {

namespace {

// (a, y | null, X, H, x, a0, Wax, Waa, ba, Wya | null, by | null, n_x, n_a, n_y, m, T)
Kernel bind_forward(const Napi::CallbackInfo& info) {
  return bind_by_dtype(info, [](const Napi::CallbackInfo& info, auto tag) -> Kernel {
    using Real = decltype(tag);
    const RnnForward<Real> p{
        array<Real>(info, 0), optional_array<Real>(info, 1), array<Real>(info, 2), array<Real>(info, 3),
        array<Real>(info, 4), array<Real>(info, 5), array<Real>(info, 6), array<Real>(info, 7),
        array<Real>(info, 8), optional_array<Real>(info, 9), optional_array<Real>(info, 10), dim(info, 11),
        dim(info, 12), dim(info, 13), dim(info, 14), dim(info, 15)};
    return [p] { rnn::rnn_forward(p); };
  });
}

// (dx, da0, dWax, dWaa, dba, da, X, H, Wax, Waa, n_x, n_a, m, Tb)
Kernel bind_backward(const Napi::CallbackInfo& info) {
  return bind_by_dtype(info, [](const Napi::CallbackInfo& info, auto tag) -> Kernel {
    using Real = decltype(tag);
    const RnnBackward<Real> p{
        array<Real>(info, 0), array<Real>(info, 1), array<Real>(info, 2), array<Real>(info, 3),
        array<Real>(info, 4), array<Real>(info, 5), array<Real>(info, 6), array<Real>(info, 7),
        array<Real>(info, 8), array<Real>(info, 9), dim(info, 10), dim(info, 11), dim(info, 12), dim(info, 13)};
    return [p] { rnn::rnn_backward(p); };
  });
}

}  // namespace

Napi::Value rnn_forward(const Napi::CallbackInfo& info) { return run_now(info, bind_forward(info)); }
Napi::Value rnn_forward_async(const Napi::CallbackInfo& info) { return run_async(info, bind_forward(info)); }
Napi::Value rnn_backward(const Napi::CallbackInfo& info) { return run_now(info, bind_backward(info)); }
Napi::Value rnn_backward_async(const Napi::CallbackInfo& info) { return run_async(info, bind_backward(info)); }

}  // namespace rnn::binding
