// The losses, clipping, optimizer updates and the character model's fused training step.
#include "../kernels/char_model.h"
#include "../kernels/loss.h"
#include "../kernels/optimizers.h"
#include "functions.h"
#include "run.h"

namespace rnn::binding {

namespace {

// (da, dWy, dby, a, Wy, by, targets, loss: Float64Array(1), n_a, n_y, m, T)
Kernel bind_output_layer_backward(const Napi::CallbackInfo& info) {
  return bind_by_dtype(info, [](const Napi::CallbackInfo& info, auto tag) -> Kernel {
    using Real = decltype(tag);
    const OutputLayerBackward<Real> p{array<Real>(info, 0), array<Real>(info, 1), array<Real>(info, 2),
                                      array<Real>(info, 3), array<Real>(info, 4), array<Real>(info, 5),
                                      ids(info, 6),         dim(info, 8),         dim(info, 9),
                                      dim(info, 10),        dim(info, 11)};
    double* loss = array<double>(info, 7);
    return [p, loss] { *loss = rnn::output_layer_backward(p); };
  });
}

// (dlogits, logits, targets, loss: Float64Array(1), rows, C)
Kernel bind_softmax_cross_entropy(const Napi::CallbackInfo& info) {
  return bind_by_dtype(info, [](const Napi::CallbackInfo& info, auto tag) -> Kernel {
    using Real = decltype(tag);
    Real* dlogits = array<Real>(info, 0);
    const Real* logits = array<Real>(info, 1);
    const std::int32_t* targets = ids(info, 2);
    double* loss = array<double>(info, 3);
    const std::size_t rows = std::size_t(number(info, 4));
    const int classes = dim(info, 5);
    return [=] { *loss = rnn::softmax_cross_entropy(dlogits, logits, targets, rows, classes); };
  });
}

// (params, grads, moment1, moment2, inputs, targets, loss: Float64Array(1), cell, n_a, V, m, T,
//  optimizer, learningRate, momentum, beta1, beta2, epsilon, step, clipValue, clipNorm)
Kernel bind_train_step(const Napi::CallbackInfo& info) {
  return bind_by_dtype(info, [](const Napi::CallbackInfo& info, auto tag) -> Kernel {
    using Real = decltype(tag);
    const double learning_rate = number(info, 13);
    const TrainStep<Real> p{array<Real>(info, 0),
                            array<Real>(info, 1),
                            array<Real>(info, 2),
                            array<Real>(info, 3),
                            ids(info, 4),
                            ids(info, 5),
                            CharModelShape{Cell(dim(info, 7)), dim(info, 8), dim(info, 9)},
                            dim(info, 10),
                            dim(info, 11),
                            Optimizer(dim(info, 12)),
                            Sgd{learning_rate, number(info, 14)},
                            Adam{learning_rate, number(info, 15), number(info, 16), number(info, 17),
                                 std::int64_t(number(info, 18))},
                            number(info, 19),
                            number(info, 20)};
    double* loss = array<double>(info, 6);
    return [p, loss] { *loss = rnn::train_step(p); };
  });
}

// (h, c | null, logits, params, cell, n_a, V, token)
Kernel bind_next_character(const Napi::CallbackInfo& info) {
  return bind_by_dtype(info, [](const Napi::CallbackInfo& info, auto tag) -> Kernel {
    using Real = decltype(tag);
    const NextCharacter<Real> p{array<Real>(info, 0), optional_array<Real>(info, 1), array<Real>(info, 2),
                                array<Real>(info, 3),
                                CharModelShape{Cell(dim(info, 4)), dim(info, 5), dim(info, 6)}, dim(info, 7)};
    return [p] { rnn::next_character(p); };
  });
}

// (g, maxValue)
Kernel bind_clip_by_value(const Napi::CallbackInfo& info) {
  return bind_by_dtype(info, [](const Napi::CallbackInfo& info, auto tag) -> Kernel {
    using Real = decltype(tag);
    Real* g = array<Real>(info, 0);
    const std::size_t n = length(info, 0);
    const Real max_value = Real(number(info, 1));
    return [g, n, max_value] { rnn::clip_by_value(g, n, max_value); };
  });
}

// (g, factor)
Kernel bind_scale(const Napi::CallbackInfo& info) {
  return bind_by_dtype(info, [](const Napi::CallbackInfo& info, auto tag) -> Kernel {
    using Real = decltype(tag);
    Real* g = array<Real>(info, 0);
    const std::size_t n = length(info, 0);
    const Real factor = Real(number(info, 1));
    return [g, n, factor] { rnn::scale(g, n, factor); };
  });
}

// (w, g, velocity, learningRate, momentum)
Kernel bind_sgd_update(const Napi::CallbackInfo& info) {
  return bind_by_dtype(info, [](const Napi::CallbackInfo& info, auto tag) -> Kernel {
    using Real = decltype(tag);
    Real* w = array<Real>(info, 0);
    const Real* g = array<Real>(info, 1);
    Real* velocity = array<Real>(info, 2);
    const std::size_t n = length(info, 0);
    const Sgd s{number(info, 3), number(info, 4)};
    return [w, g, velocity, n, s] { rnn::sgd_update(w, g, velocity, n, s); };
  });
}

// (w, g, moment1, moment2, learningRate, beta1, beta2, epsilon, step)
Kernel bind_adam_update(const Napi::CallbackInfo& info) {
  return bind_by_dtype(info, [](const Napi::CallbackInfo& info, auto tag) -> Kernel {
    using Real = decltype(tag);
    Real* w = array<Real>(info, 0);
    const Real* g = array<Real>(info, 1);
    Real* m1 = array<Real>(info, 2);
    Real* m2 = array<Real>(info, 3);
    const std::size_t n = length(info, 0);
    const Adam s{number(info, 4), number(info, 5), number(info, 6), number(info, 7), std::int64_t(number(info, 8))};
    return [w, g, m1, m2, n, s] { rnn::adam_update(w, g, m1, m2, n, s); };
  });
}

}  // namespace

Napi::Value output_layer_backward(const Napi::CallbackInfo& info) {
  return run_now(info, bind_output_layer_backward(info));
}
Napi::Value softmax_cross_entropy(const Napi::CallbackInfo& info) {
  return run_now(info, bind_softmax_cross_entropy(info));
}
Napi::Value train_step(const Napi::CallbackInfo& info) { return run_now(info, bind_train_step(info)); }
Napi::Value train_step_async(const Napi::CallbackInfo& info) { return run_async(info, bind_train_step(info)); }
Napi::Value next_character(const Napi::CallbackInfo& info) { return run_now(info, bind_next_character(info)); }
Napi::Value clip_by_value(const Napi::CallbackInfo& info) { return run_now(info, bind_clip_by_value(info)); }
Napi::Value scale(const Napi::CallbackInfo& info) { return run_now(info, bind_scale(info)); }
Napi::Value sgd_update(const Napi::CallbackInfo& info) { return run_now(info, bind_sgd_update(info)); }
Napi::Value adam_update(const Napi::CallbackInfo& info) { return run_now(info, bind_adam_update(info)); }

// (cell, n_a, V) → where each parameter starts in the flat vector, and the total.
Napi::Value char_model_layout(const Napi::CallbackInfo& info) {
  const CharModelLayout L(CharModelShape{Cell(dim(info, 0)), dim(info, 1), dim(info, 2)});
  Napi::Object layout = Napi::Object::New(info.Env());
  layout.Set("cellW", double(L.cell_W));
  layout.Set("cellU", double(L.cell_U));
  layout.Set("cellB", double(L.cell_b));
  layout.Set("Wy", double(L.Wy));
  layout.Set("by", double(L.by));
  layout.Set("total", double(L.total));
  return layout;
}

// (g) → Σ g², accumulated in double.
Napi::Value sum_of_squares(const Napi::CallbackInfo& info) {
  const std::size_t n = length(info, 0);
  const double sum = is_float32(info[0]) ? rnn::sum_of_squares(array<float>(info, 0), n)
                                         : rnn::sum_of_squares(array<double>(info, 0), n);
  return Napi::Number::New(info.Env(), sum);
}

}  // namespace rnn::binding
