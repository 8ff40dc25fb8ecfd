#include "../kernels/rnn.h"

#include "args.h"
#include "functions.h"

namespace rnn::binding {

// (a, y | null, X, H, x, a0, Wax, Waa, ba, Wya | null, by | null, n_x, n_a, n_y, m, T)
Napi::Value rnn_forward(const Napi::CallbackInfo& info) {
  return by_dtype(info, [&](auto tag) {
    using Real = decltype(tag);
    rnn::rnn_forward(RnnForward<Real>{
        array<Real>(info, 0), optional_array<Real>(info, 1), array<Real>(info, 2), array<Real>(info, 3),
        array<Real>(info, 4), array<Real>(info, 5), array<Real>(info, 6), array<Real>(info, 7),
        array<Real>(info, 8), optional_array<Real>(info, 9), optional_array<Real>(info, 10), dim(info, 11),
        dim(info, 12), dim(info, 13), dim(info, 14), dim(info, 15)});
  });
}

// (dx, da0, dWax, dWaa, dba, da, X, H, Wax, Waa, n_x, n_a, m, Tb)
Napi::Value rnn_backward(const Napi::CallbackInfo& info) {
  return by_dtype(info, [&](auto tag) {
    using Real = decltype(tag);
    rnn::rnn_backward(RnnBackward<Real>{
        array<Real>(info, 0), array<Real>(info, 1), array<Real>(info, 2), array<Real>(info, 3),
        array<Real>(info, 4), array<Real>(info, 5), array<Real>(info, 6), array<Real>(info, 7),
        array<Real>(info, 8), array<Real>(info, 9), dim(info, 10), dim(info, 11), dim(info, 12), dim(info, 13)});
  });
}

}  // namespace rnn::binding
