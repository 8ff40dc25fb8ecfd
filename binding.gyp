{
  "targets": [
    {
      "target_name": "rnn_native",
      "sources": [
        "native/kernels/arena.cc",
        "native/kernels/malloc_policy.cc",
        "native/kernels/large_blocks.cc",
        "native/kernels/team.cc",
        "native/kernels/recurrent/recurrent.cc",
        "native/kernels/recurrent/microkernel_avx512.cc",
        "native/kernels/recurrent/microkernel_avx2.cc",
        "native/kernels/recurrent/microkernel_portable.cc",
        "native/kernels/scan.cc",
        "native/kernels/layers.cc",
        "native/kernels/prediction.cc",
        "native/kernels/rnn.cc",
        "native/kernels/lstm.cc",
        "native/kernels/loss.cc",
        "native/kernels/linear.cc",
        "native/kernels/char_model.cc",
        "native/binding/addon.cc",
        "native/binding/run.cc",
        "native/binding/executor.cc",
        "native/binding/blas_binding.cc",
        "native/binding/rnn_binding.cc",
        "native/binding/lstm_binding.cc",
        "native/binding/activations_binding.cc",
        "native/binding/training_binding.cc",
        "native/binding/scan_binding.cc",
        "native/binding/layer_binding.cc",
        "native/binding/linear_binding.cc",
        "native/binding/memory_binding.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!(node scripts/openblas.js include)"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "<!@(node -p \"process.env.RNN_NATIVE_PORTABLE === '1' ? '' : 'RNN_V8_BUFFERS=1'\")"
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O3", "-Wall", "-Wextra", "-fno-trapping-math"],
      "libraries": [
        "-L<!(node scripts/openblas.js lib)",
        "-Wl,-rpath,<!(node scripts/openblas.js lib)",
        "-lopenblas"
      ],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17"
      }
    }
  ]
}
