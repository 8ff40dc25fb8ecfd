#include "../kernels/activations.h"

#include "../kernels/arena.h"
#include "functions.h"
#include "run.h"

namespace rnn::binding {

// (out, z, rows, cols): softmax down each column of z (rows, cols).
Napi::Value softmax(const Napi::CallbackInfo& info) {
  return run_now(info, bind_by_dtype(info, [](const Napi::CallbackInfo& info, auto tag) -> Kernel {
    using Real = decltype(tag);
    Real* out = array<Real>(info, 0);
    const Real* z = array<Real>(info, 1);
    const std::size_t rows = std::size_t(dim(info, 2)), cols = std::size_t(dim(info, 3));
    return [=] {
      Scratch scratch;
      softmax_columns(out, z, rows, cols, scratch.take<Real>(cols), scratch.take<Real>(cols));
    };
  }));
}

// (out, z): elementwise logistic sigmoid.
Napi::Value sigmoid(const Napi::CallbackInfo& info) {
  return run_now(info, bind_by_dtype(info, [](const Napi::CallbackInfo& info, auto tag) -> Kernel {
    using Real = decltype(tag);
    Real* out = array<Real>(info, 0);
    const Real* z = array<Real>(info, 1);
    const std::size_t n = info[1].As<Napi::TypedArray>().ElementLength();
    return [=] { sigmoid_array(out, z, n); };
  }));
}

}  // namespace rnn::binding
