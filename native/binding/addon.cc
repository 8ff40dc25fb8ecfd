// Registers the raw addon. Every function writes into output arrays the facade allocated and returns nothing.
#include <napi.h>

#include "functions.h"

namespace {

Napi::Object init(Napi::Env env, Napi::Object exports) {
  using namespace rnn::binding;
  exports.Set("rnnForward", Napi::Function::New(env, rnn_forward, "rnnForward"));
  exports.Set("rnnBackward", Napi::Function::New(env, rnn_backward, "rnnBackward"));
  exports.Set("lstmForward", Napi::Function::New(env, lstm_forward, "lstmForward"));
  exports.Set("lstmBackward", Napi::Function::New(env, lstm_backward, "lstmBackward"));
  exports.Set("softmax", Napi::Function::New(env, softmax, "softmax"));
  exports.Set("sigmoid", Napi::Function::New(env, sigmoid, "sigmoid"));
  return exports;
}

}  // namespace

NODE_API_MODULE(rnn_native, init)
