// Registers the raw addon. Kernel functions write into output arrays the facade allocated; the sync ones return
// undefined, the Async ones a Promise of undefined.
#include <napi.h>

#include "../kernels/malloc_policy.h"
#include "functions.h"

namespace {

Napi::Object init(Napi::Env env, Napi::Object exports) {
  using namespace rnn::binding;
  static const bool warm_blocks = rnn::keep_large_blocks_warm();  // once per process, for every environment
  (void)warm_blocks;
  const auto add = [&](const char* name, Napi::Value (*function)(const Napi::CallbackInfo&)) {
    exports.Set(name, Napi::Function::New(env, function, name));
  };
  add("rnnForward", rnn_forward);
  add("rnnForwardAsync", rnn_forward_async);
  add("rnnBackward", rnn_backward);
  add("rnnBackwardAsync", rnn_backward_async);
  add("lstmForward", lstm_forward);
  add("lstmForwardAsync", lstm_forward_async);
  add("lstmBackward", lstm_backward);
  add("lstmBackwardAsync", lstm_backward_async);
  add("softmax", softmax);
  add("sigmoid", sigmoid);
  add("outputLayerBackward", output_layer_backward);
  add("softmaxCrossEntropy", softmax_cross_entropy);
  add("charModelTrainStep", train_step);
  add("charModelTrainStepAsync", train_step_async);
  add("charModelNext", next_character);
  add("charModelLayout", char_model_layout);
  add("clipByValue", clip_by_value);
  add("scale", scale);
  add("sumOfSquares", sum_of_squares);
  add("sgdUpdate", sgd_update);
  add("adamUpdate", adam_update);
  add("setNumThreads", set_num_threads);
  add("getNumThreads", get_num_threads);
  add("blasInfo", blas_info);
  add("kernelInfo", kernel_info);
  add("largeArrayBuffer", large_array_buffer);
  add("largeBlocksInfo", large_blocks_info);
  add("scanForward", scan_forward);
  add("scanBackward", scan_backward);
  add("layerLayout", layer_layout);
  add("layerForward", layer_forward);
  add("layerForwardAsync", layer_forward_async);
  add("layerBackward", layer_backward);
  add("layerBackwardAsync", layer_backward_async);
  add("linearForward", linear_forward);
  add("linearForwardAsync", linear_forward_async);
  add("linearBackward", linear_backward);
  add("linearBackwardAsync", linear_backward_async);
  return exports;
}

}  // namespace

NODE_API_MODULE(rnn_native, init)
