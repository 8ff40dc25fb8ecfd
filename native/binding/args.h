// Reading the raw addon's positional arguments. The TypeScript facade has already checked every type, dtype and
// shape, so these helpers only convert.
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <functional>

namespace rnn::binding {

// A kernel call with all its arguments bound: run now on the calling thread, or later on the executor's.
using Kernel = std::function<void()>;

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

inline double number(const Napi::CallbackInfo& info, std::size_t index) {
  return info[index].As<Napi::Number>().DoubleValue();
}

// The data of an Int32Array argument (character ids, class targets).
inline const std::int32_t* ids(const Napi::CallbackInfo& info, std::size_t index) {
  return info[index].As<Napi::Int32Array>().Data();
}

// The element count of a typed-array argument.
inline std::size_t length(const Napi::CallbackInfo& info, std::size_t index) {
  return info[index].As<Napi::TypedArray>().ElementLength();
}

// `bind(info, Real{})` with Real = float or double, as the first argument's dtype says: the kernel of this call.
template <typename Bind>
Kernel bind_by_dtype(const Napi::CallbackInfo& info, Bind&& bind) {
  return is_float32(info[0]) ? bind(info, float{}) : bind(info, double{});
}

}  // namespace rnn::binding
