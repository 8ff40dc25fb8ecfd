// The raw addon's functions, one per kernel; binding.d.ts at the package root types their arguments.
#pragma once
#include <napi.h>

namespace rnn::binding {

Napi::Value rnn_forward(const Napi::CallbackInfo& info);
Napi::Value rnn_backward(const Napi::CallbackInfo& info);
Napi::Value lstm_forward(const Napi::CallbackInfo& info);
Napi::Value lstm_backward(const Napi::CallbackInfo& info);
Napi::Value softmax(const Napi::CallbackInfo& info);
Napi::Value sigmoid(const Napi::CallbackInfo& info);

}  // namespace rnn::binding
