#include "../kernels/lstm.h"

#include "args.h"
#include "functions.h"

namespace rnn::binding {

// (a, c, y | null, X, H, C, G, x, a0, c0 | null, W, b, Wy | null, by | null, n_x, n_a, n_y, m, T)
Napi::Value lstm_forward(const Napi::CallbackInfo& info) {
  return by_dtype(info, [&](auto tag) {
    using Real = decltype(tag);
    rnn::lstm_forward(LstmForward<Real>{
        array<Real>(info, 0), array<Real>(info, 1), optional_array<Real>(info, 2), array<Real>(info, 3),
        array<Real>(info, 4), array<Real>(info, 5), array<Real>(info, 6), array<Real>(info, 7),
        array<Real>(info, 8), optional_array<Real>(info, 9), array<Real>(info, 10), array<Real>(info, 11),
        optional_array<Real>(info, 12), optional_array<Real>(info, 13), dim(info, 14), dim(info, 15),
        dim(info, 16), dim(info, 17), dim(info, 18)});
  });
}

// (dx, da0, dc0, dW, db, da, dcLast | null, X, H, C, G, W, n_x, n_a, m, Tb)
Napi::Value lstm_backward(const Napi::CallbackInfo& info) {
  return by_dtype(info, [&](auto tag) {
    using Real = decltype(tag);
    rnn::lstm_backward(LstmBackward<Real>{
        array<Real>(info, 0), array<Real>(info, 1), array<Real>(info, 2), array<Real>(info, 3),
        array<Real>(info, 4), array<Real>(info, 5), optional_array<Real>(info, 6), array<Real>(info, 7),
        array<Real>(info, 8), array<Real>(info, 9), array<Real>(info, 10), array<Real>(info, 11), dim(info, 12),
        dim(info, 13), dim(info, 14), dim(info, 15)});
  });
}

}  // namespace rnn::binding
