// Reading the raw addon's positional arguments. The TypeScript facade has already checked every type, dtype and
// shape, so these helpers only convert; the one failure left to handle here is running out of memory.
#pragma once
#include <napi.h>

#include <cstddef>
#include <new>

namespace rnn::binding {

// Whether the call runs in float32: the dtype of its first array argument, which the facade made the dtype of all.
inline bool is_float32(const Napi::Value& value) {
  return value.As<Napi::TypedArray>().TypedArrayType() == napi_float32_array;
}

// The data of argument `index` (a Float32Array or Float64Array), already advanced by its byteOffset.
template <typename Real>
Real* array(const Napi::CallbackInfo& info, std::size_t index) {
  return info[index].As<Napi::TypedArrayOf<Real>>().Data();
}

// Like array(), but null stands for an absent optional tensor.
template <typename Real>
Real* optional_array(const Napi::CallbackInfo& info, std::size_t index) {
  return info[index].IsNull() ? nullptr : array<Real>(info, index);
}

inline int dim(const Napi::CallbackInfo& info, std::size_t index) {
  return info[index].As<Napi::Number>().Int32Value();
}

// Calls `kernel(Real{})` with Real = float or double, as the first argument's dtype says. A workspace that does
// not fit in memory becomes a JavaScript Error rather than an abort.
template <typename Kernel>
Napi::Value by_dtype(const Napi::CallbackInfo& info, Kernel&& kernel) {
  try {
    if (is_float32(info[0])) {
      kernel(float{});
    } else {
      kernel(double{});
    }
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(info.Env(), "rnn-native: not enough memory for the workspace of this call");
  }
  return info.Env().Undefined();
}

}  // namespace rnn::binding
