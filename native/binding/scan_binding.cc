// The scan itself, on time-major data in its own layout (native/kernels/scan.h): for the tests of its variable-length
// hook now, and for the layers to come. Not part of the public API.
#include "../kernels/cells/lstm.h"
#include "../kernels/cells/rnn.h"
#include "../kernels/scan.h"
#include "functions.h"
#include "run.h"

namespace rnn::binding {

namespace {

const int* optional_ids(const Napi::CallbackInfo& info, std::size_t index) {
  return info[index].IsNull() ? nullptr : ids(info, index);
}

// (Z, H, C | null, X, Wx, Wh, b, active | null, cell (0 RNN, 1 LSTM), n_x, n_a, m, T); Wx (G·n_a, n_x), Wh (G·n_a, n_a)
Kernel bind_forward(const Napi::CallbackInfo& info) {
  return bind_by_dtype(info, [](const Napi::CallbackInfo& info, auto tag) -> Kernel {
    using Real = decltype(tag);
    const int n_x = dim(info, 9), n_a = dim(info, 10);
    ScanForward<Real> p{array<Real>(info, 0), array<Real>(info, 1), optional_array<Real>(info, 2), array<Real>(info, 3),
                        array<Real>(info, 4), array<Real>(info, 5), array<Real>(info, 6), n_x, n_a, n_x, n_a,
                        dim(info, 11), dim(info, 12)};
    p.active = optional_ids(info, 7);
    if (dim(info, 8) == 1) return [p] { rnn::scan_forward<LstmCell>(p); };
    return [p] { rnn::scan_forward<RnnCell>(p); };
  });
}

// (dZ, dh0, dc | null, dWh, dWx, db, dX, dH, dhLast | null, Z, H, C | null, X, Wx, Wh, active | null, cell, n_x, n_a, m, Tb)
Kernel bind_backward(const Napi::CallbackInfo& info) {
  return bind_by_dtype(info, [](const Napi::CallbackInfo& info, auto tag) -> Kernel {
    using Real = decltype(tag);
    const int n_x = dim(info, 17), n_a = dim(info, 18);
    ScanBackward<Real> p{array<Real>(info, 0),  array<Real>(info, 1),  optional_array<Real>(info, 2),
                         array<Real>(info, 3),  array<Real>(info, 4),  array<Real>(info, 5),
                         array<Real>(info, 6),  array<Real>(info, 7),  array<Real>(info, 9),
                         array<Real>(info, 10), optional_array<Real>(info, 11), array<Real>(info, 12),
                         array<Real>(info, 13), array<Real>(info, 14), n_x, n_a, n_x, n_a, n_x, n_a, dim(info, 19),
                         dim(info, 20)};
    p.dh_last = optional_array<Real>(info, 8);
    p.active = optional_ids(info, 15);
    if (dim(info, 16) == 1) return [p] { rnn::scan_backward<LstmCell>(p); };
    return [p] { rnn::scan_backward<RnnCell>(p); };
  });
}

}  // namespace

Napi::Value scan_forward(const Napi::CallbackInfo& info) { return run_now(info, bind_forward(info)); }
Napi::Value scan_backward(const Napi::CallbackInfo& info) { return run_now(info, bind_backward(info)); }

}  // namespace rnn::binding
