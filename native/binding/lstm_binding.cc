#include "../kernels/lstm.h"

#include "functions.h"
#include "run.h"

namespace rnn::binding {

namespace {

// (a, c, y | null, X, H, C, G, x, a0, c0 | null, W, b, Wy | null, by | null, n_x, n_a, n_y, m, T)
Kernel bind_forward(const Napi::CallbackInfo& info) {
  return bind_by_dtype(info, [](const Napi::CallbackInfo& info, auto tag) -> Kernel {
    using Real = decltype(tag);
    const LstmForward<Real> p{
        array<Real>(info, 0), array<Real>(info, 1), optional_array<Real>(info, 2), array<Real>(info, 3),
        array<Real>(info, 4), array<Real>(info, 5), array<Real>(info, 6), array<Real>(info, 7),
        array<Real>(info, 8), optional_array<Real>(info, 9), array<Real>(info, 10), array<Real>(info, 11),
        optional_array<Real>(info, 12), optional_array<Real>(info, 13), dim(info, 14), dim(info, 15),
        dim(info, 16), dim(info, 17), dim(info, 18)};
    return [p] { rnn::lstm_forward(p); };
  });
}

// (dx, da0, dc0, dW, db, da, dcLast | null, X, H, C, G, W, n_x, n_a, m, Tb)
Kernel bind_backward(const Napi::CallbackInfo& info) {
  return bind_by_dtype(info, [](const Napi::CallbackInfo& info, auto tag) -> Kernel {
    using Real = decltype(tag);
    const LstmBackward<Real> p{
        array<Real>(info, 0), array<Real>(info, 1), array<Real>(info, 2), array<Real>(info, 3),
        array<Real>(info, 4), array<Real>(info, 5), optional_array<Real>(info, 6), array<Real>(info, 7),
        array<Real>(info, 8), array<Real>(info, 9), array<Real>(info, 10), array<Real>(info, 11), dim(info, 12),
        dim(info, 13), dim(info, 14), dim(info, 15)};
    return [p] { rnn::lstm_backward(p); };
  });
}

}  // namespace

Napi::Value lstm_forward(const Napi::CallbackInfo& info) { return run_now(info, bind_forward(info)); }
Napi::Value lstm_forward_async(const Napi::CallbackInfo& info) { return run_async(info, bind_forward(info)); }
Napi::Value lstm_backward(const Napi::CallbackInfo& info) { return run_now(info, bind_backward(info)); }
Napi::Value lstm_backward_async(const Napi::CallbackInfo& info) { return run_async(info, bind_backward(info)); }

}  // namespace rnn::binding
