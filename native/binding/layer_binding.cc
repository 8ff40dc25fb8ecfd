// The recurrent layers (native/kernels/layers.h): their parameter and tape layouts, and forward and backward.
#include "../kernels/layers.h"

#include "functions.h"
#include "run.h"

namespace rnn::binding {

namespace {

// (..., cell, L, D, I, H, m, T, batchMajor) from argument `first` on.
LayerShape shape_at(const Napi::CallbackInfo& info, std::size_t first) {
  return LayerShape{CellKind(dim(info, first)), dim(info, first + 1), dim(info, first + 2), dim(info, first + 3),
                    dim(info, first + 4),       dim(info, first + 5), dim(info, first + 6),
                    info[first + 7].As<Napi::Boolean>().Value()};
}

// (params, x, lengths | null, h0 | null, c0 | null, masks | null, y, hN, cN | null, tape | null, shape...)
Kernel bind_forward(const Napi::CallbackInfo& info) {
  return bind_by_dtype(info, [](const Napi::CallbackInfo& info, auto tag) -> Kernel {
    using Real = decltype(tag);
    const LayerForward<Real> p{shape_at(info, 10),
                               array<Real>(info, 0),
                               array<Real>(info, 1),
                               info[2].IsNull() ? nullptr : ids(info, 2),
                               optional_array<Real>(info, 3),
                               optional_array<Real>(info, 4),
                               optional_array<Real>(info, 5),
                               array<Real>(info, 6),
                               array<Real>(info, 7),
                               optional_array<Real>(info, 8),
                               optional_array<Real>(info, 9)};
    return [p] { rnn::layer_forward(p); };
  });
}

// (params, tape, lengths | null, masks | null, dy | null, dhN | null, dcN | null, dx, dh0, dc0 | null, grads, shape...)
Kernel bind_backward(const Napi::CallbackInfo& info) {
  return bind_by_dtype(info, [](const Napi::CallbackInfo& info, auto tag) -> Kernel {
    using Real = decltype(tag);
    const LayerBackward<Real> p{shape_at(info, 11),
                                array<Real>(info, 0),
                                array<Real>(info, 1),
                                info[2].IsNull() ? nullptr : ids(info, 2),
                                optional_array<Real>(info, 3),
                                optional_array<Real>(info, 4),
                                optional_array<Real>(info, 5),
                                optional_array<Real>(info, 6),
                                array<Real>(info, 7),
                                array<Real>(info, 8),
                                optional_array<Real>(info, 9),
                                array<Real>(info, 10)};
    return [p] { rnn::layer_backward(p); };
  });
}

}  // namespace

// (cell, L, D, I, H, m, T) -> { parameters, tape, offsets }: the flat parameter vector's length, the tape's, and the
// offsets of every (layer, direction)'s weight_ih, weight_hh, bias_ih, bias_hh in it.
Napi::Value layer_layout(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const LayerShape shape{CellKind(dim(info, 0)), dim(info, 1), dim(info, 2), dim(info, 3), dim(info, 4),
                         dim(info, 5), dim(info, 6), false};
  const ParameterLayout params(shape);
  Napi::Array offsets = Napi::Array::New(env, std::size_t(4) * shape.L * shape.D);
  for (int k = 0; k < shape.L; ++k)
    for (int d = 0; d < shape.D; ++d)
      for (int j = 0; j < 4; ++j)
        offsets.Set(uint32_t((k * shape.D + d) * 4 + j), Napi::Number::New(env, double(params.offset(k, d, j))));
  Napi::Object result = Napi::Object::New(env);
  result.Set("parameters", double(params.size));
  result.Set("tape", double(tape_size(shape)));
  result.Set("offsets", offsets);
  return result;
}

Napi::Value layer_forward(const Napi::CallbackInfo& info) { return run_now(info, bind_forward(info)); }
Napi::Value layer_forward_async(const Napi::CallbackInfo& info) { return run_async(info, bind_forward(info)); }
Napi::Value layer_backward(const Napi::CallbackInfo& info) { return run_now(info, bind_backward(info)); }
Napi::Value layer_backward_async(const Napi::CallbackInfo& info) { return run_async(info, bind_backward(info)); }

}  // namespace rnn::binding
