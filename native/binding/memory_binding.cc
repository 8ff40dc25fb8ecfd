// ArrayBuffers on recycled blocks (kernels/large_blocks.h) for the facade's multi-megabyte results and caches.
//
// N-API's external ArrayBuffers run their finalizer in a later turn of the event loop, so a synchronous loop of calls
// would hold every block it ever made until it returns. A V8 backing store's deleter runs as soon as the collector
// frees the buffer, on whichever thread frees it: that is when the block goes back to the pool. This is the one place
// the addon uses V8's API itself, which ties the binary to the Node whose headers it was built with. RNN_V8_BUFFERS
// is defined by node-gyp source builds (binding.gyp) and by cmake-js builds that found this Node's own headers
// (scripts/build-native.js); the portable N-API prebuild leaves it out, and there Node allocates every array. A
// binary run by another V8 than its headers' (a Node upgraded under a stale build), or built for V8's sandbox
// (which refuses external backing stores), does not serve either.
#if RNN_V8_BUFFERS
#include <v8.h>
#if defined(V8_ENABLE_SANDBOX)
#undef RNN_V8_BUFFERS
#endif
#endif

#include <cstdint>
#include <memory>
#include <string>

#include "../kernels/large_blocks.h"
#include "args.h"
#include "functions.h"

namespace rnn::binding {

namespace {

// Whether this binary can serve arrays from the pool, and the environment lets it.
bool serving() {
#if RNN_V8_BUFFERS
  static const bool same_v8 = [] {
    const std::string built = std::to_string(V8_MAJOR_VERSION) + "." + std::to_string(V8_MINOR_VERSION) + ".";
    return std::string(v8::V8::GetVersion()).rfind(built, 0) == 0;
  }();
  return same_v8 && large_blocks::enabled();
#else
  return false;
#endif
}

#if RNN_V8_BUFFERS
void give_back(void* data, std::size_t /*length*/, void* capacity) {
  large_blocks::release(data, reinterpret_cast<std::uintptr_t>(capacity));
}
#endif

}  // namespace

// (bytes): an uninitialized ArrayBuffer of `bytes` bytes on a recycled block, or undefined when the pool does not
// serve that size (under large_blocks::kMinBytes, RNN_NATIVE_MALLOC=system, or a portable build); a RangeError
// when the system refuses.
Napi::Value large_array_buffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const double requested = number(info, 0);
  // Sizes the pool does not serve, non-integers and sizes beyond 2^53 included, are left to Node, which refuses the
  // impossible ones.
  if (!serving() || !(requested >= static_cast<double>(large_blocks::kMinBytes)) || !(requested <= 9007199254740992.0) ||
      requested != static_cast<double>(static_cast<std::uint64_t>(requested)))
    return env.Undefined();
#if RNN_V8_BUFFERS
  const auto bytes = static_cast<std::size_t>(requested);
  std::size_t capacity = 0;
  void* block = large_blocks::acquire(bytes, &capacity);
  if (block == nullptr) throw Napi::RangeError::New(env, "Array buffer allocation failed: the system refused " + std::to_string(bytes) + " bytes");
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  std::unique_ptr<v8::BackingStore> store =
      v8::ArrayBuffer::NewBackingStore(block, bytes, give_back, reinterpret_cast<void*>(static_cast<std::uintptr_t>(capacity)));
  v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate, std::move(store));
  // A napi_value is a V8 local handle (Node's v8impl::JsValueFromV8LocalValue is this cast).
  return Napi::Value(env, reinterpret_cast<napi_value>(*buffer));
#else
  return env.Undefined();
#endif
}

// { idleBytes, idleBlocks, liveBytes, peakLiveBytes, keptBytes, minBytes, enabled }: the pool's state, for the tests.
Napi::Value large_blocks_info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const large_blocks::Stats stats = large_blocks::stats();
  Napi::Object result = Napi::Object::New(env);
  result.Set("idleBytes", static_cast<double>(stats.idle_bytes));
  result.Set("idleBlocks", static_cast<double>(stats.idle_blocks));
  result.Set("liveBytes", static_cast<double>(stats.live_bytes));
  result.Set("peakLiveBytes", static_cast<double>(stats.peak_live_bytes));
  result.Set("keptBytes", static_cast<double>(large_blocks::kKeptBytes));
  result.Set("minBytes", static_cast<double>(large_blocks::kMinBytes));
  result.Set("enabled", serving());
  return result;
}

}  // namespace rnn::binding
