#include "../kernels/activations.h"

#include "../kernels/workspace.h"
#include "args.h"
#include "functions.h"

namespace rnn::binding {

// (out, z, rows, cols): softmax down each column of z (rows, cols).
Napi::Value softmax(const Napi::CallbackInfo& info) {
  return by_dtype(info, [&](auto tag) {
    using Real = decltype(tag);
    const std::size_t rows = std::size_t(dim(info, 2)), cols = std::size_t(dim(info, 3));
    Workspace<Real> scratch(2 * cols);
    softmax_columns(array<Real>(info, 0), array<Real>(info, 1), rows, cols, scratch.take(cols), scratch.take(cols));
  });
}

// (out, z): elementwise logistic sigmoid.
Napi::Value sigmoid(const Napi::CallbackInfo& info) {
  return by_dtype(info, [&](auto tag) {
    using Real = decltype(tag);
    sigmoid_array(array<Real>(info, 0), array<Real>(info, 1), info[1].As<Napi::TypedArray>().ElementLength());
  });
}

}  // namespace rnn::binding
