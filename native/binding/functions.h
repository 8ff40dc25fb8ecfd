// The raw addon's functions; binding.d.ts at the package root types their arguments.
#pragma once
#include <napi.h>

namespace rnn::binding {

Napi::Value rnn_forward(const Napi::CallbackInfo& info);
Napi::Value rnn_forward_async(const Napi::CallbackInfo& info);
Napi::Value rnn_backward(const Napi::CallbackInfo& info);
Napi::Value rnn_backward_async(const Napi::CallbackInfo& info);
Napi::Value lstm_forward(const Napi::CallbackInfo& info);
Napi::Value lstm_forward_async(const Napi::CallbackInfo& info);
Napi::Value lstm_backward(const Napi::CallbackInfo& info);
Napi::Value lstm_backward_async(const Napi::CallbackInfo& info);
Napi::Value softmax(const Napi::CallbackInfo& info);
Napi::Value sigmoid(const Napi::CallbackInfo& info);
Napi::Value set_num_threads(const Napi::CallbackInfo& info);
Napi::Value get_num_threads(const Napi::CallbackInfo& info);
Napi::Value blas_info(const Napi::CallbackInfo& info);

}  // namespace rnn::binding
