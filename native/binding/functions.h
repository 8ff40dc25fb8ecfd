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
Napi::Value output_layer_backward(const Napi::CallbackInfo& info);
Napi::Value softmax_cross_entropy(const Napi::CallbackInfo& info);
Napi::Value train_step(const Napi::CallbackInfo& info);
Napi::Value train_step_async(const Napi::CallbackInfo& info);
Napi::Value next_character(const Napi::CallbackInfo& info);
Napi::Value char_model_layout(const Napi::CallbackInfo& info);
Napi::Value clip_by_value(const Napi::CallbackInfo& info);
Napi::Value scale(const Napi::CallbackInfo& info);
Napi::Value sum_of_squares(const Napi::CallbackInfo& info);
Napi::Value sgd_update(const Napi::CallbackInfo& info);
Napi::Value adam_update(const Napi::CallbackInfo& info);
Napi::Value set_num_threads(const Napi::CallbackInfo& info);
Napi::Value get_num_threads(const Napi::CallbackInfo& info);
Napi::Value blas_info(const Napi::CallbackInfo& info);
Napi::Value kernel_info(const Napi::CallbackInfo& info);
Napi::Value large_array_buffer(const Napi::CallbackInfo& info);
Napi::Value large_blocks_info(const Napi::CallbackInfo& info);
Napi::Value scan_forward(const Napi::CallbackInfo& info);
Napi::Value scan_backward(const Napi::CallbackInfo& info);
Napi::Value layer_layout(const Napi::CallbackInfo& info);
Napi::Value layer_forward(const Napi::CallbackInfo& info);
Napi::Value layer_forward_async(const Napi::CallbackInfo& info);
Napi::Value layer_backward(const Napi::CallbackInfo& info);
Napi::Value layer_backward_async(const Napi::CallbackInfo& info);
Napi::Value linear_forward(const Napi::CallbackInfo& info);
Napi::Value linear_forward_async(const Napi::CallbackInfo& info);
Napi::Value linear_backward(const Napi::CallbackInfo& info);
Napi::Value linear_backward_async(const Napi::CallbackInfo& info);

}  // namespace rnn::binding
