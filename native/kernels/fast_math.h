// Elementwise exp, tanh and the logistic sigmoid without branches or library calls, so that the loops using them
// vectorize (with -fno-trapping-math, which the build sets). exp and expm1: Cody–Waite range reduction to
// |r| ≤ ln2/2, a Taylor polynomial, and 2^k built in the exponent bits. tanh from expm1, the sigmoid from exp.
// Measured against std::exp and std::tanh over [-80, 80] and down to 1e-12: exp within 1 ulp, tanh within 3, the
// sigmoid within 4 (test/fast-math.test.mjs checks them through the public functions).
//
// RNN_VECTORIZED marks a loop function to be compiled three times, for AVX-512, AVX2+FMA and the baseline, the right one
// picked at load time (GCC target_clones on ELF x86-64); elsewhere it is empty and the baseline build is used.
#pragma once
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__ELF__)
#define RNN_VECTORIZED __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define RNN_VECTORIZED
#endif

// For the elementwise helpers and the cells' equations: always inlined into their (vectorized) callers, whatever
// the compiler's size heuristics say, so that each clone of a loop gets its own vector code.
#if defined(__GNUC__)
#define RNN_INLINE __attribute__((always_inline)) inline
#else
#define RNN_INLINE inline
#endif

namespace rnn {

template <typename Real>
struct FloatBits;

template <>
struct FloatBits<double> {
  using Int = std::int64_t;
  static constexpr int mantissa_bits = 52;
  static constexpr Int exponent_bias = 1023;
  static constexpr double lowest_exponent = -708.0, highest_exponent = 709.0;
  // Adding 1.5·2^52 rounds to an integer, left in the low bits.
  static constexpr double round_magic = 6755399441055744.0;
};

template <>
struct FloatBits<float> {
  using Int = std::int32_t;
  static constexpr int mantissa_bits = 23;
  static constexpr Int exponent_bias = 127;
  static constexpr float lowest_exponent = -87.0f, highest_exponent = 88.0f;
  static constexpr float round_magic = 12582912.0f;
};

template <typename To, typename From>
RNN_INLINE To bit_cast(From from) {
  static_assert(sizeof(To) == sizeof(From), "bit_cast between equal sizes");
  To to;
  std::memcpy(&to, &from, sizeof(To));
  return to;
}

// e^r - 1 for |r| ≤ ln2/2: Taylor terms to r^13 (double) or r^7 (float), both below half an ulp there. Without the
// leading 1, so that expm1 keeps its relative accuracy near 0.
RNN_INLINE double expm1_reduced(double r) {
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  return p * r;
}

RNN_INLINE float expm1_reduced(float r) {
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  return p * r;
}

// x = k·ln2 + r with |r| ≤ ln2/2 and the integer k; returns r and sets two_k = 2^k. x must be within
// [lowest_exponent, highest_exponent] (or NaN, which gives NaN).
template <typename Real>
RNN_INLINE Real reduce(Real x, Real& two_k) {
  using B = FloatBits<Real>;
  const Real log2e = Real(1.4426950408889634), ln2_hi = Real(0.693145751953125), ln2_lo = Real(1.42860682030941723212e-6);
  const Real shifted = x * log2e + B::round_magic;
  const Real k = shifted - B::round_magic;
  // 2^k in the exponent bits. Unsigned, so that a NaN's garbage bits wrap instead of being undefined behaviour.
  using Bits = std::make_unsigned_t<typename B::Int>;
  const Bits k_bits = bit_cast<Bits>(shifted) - bit_cast<Bits>(B::round_magic);
  two_k = bit_cast<Real>(Bits((k_bits + Bits(B::exponent_bias)) << B::mantissa_bits));
  return (x - k * ln2_hi) - k * ln2_lo;
}

// e^x. Below lowest_exponent it is 0, above highest_exponent +∞ (double: e^-708 and e^709; float: e^-87 and e^88,
// a little inside float's range, where 2^k would leave the exponent field); NaN stays NaN.
template <typename Real>
RNN_INLINE Real fast_exp(Real x_in) {
  using B = FloatBits<Real>;
  Real x = x_in < B::lowest_exponent ? B::lowest_exponent : x_in;
  x = x > B::highest_exponent ? B::highest_exponent : x;
  Real scale;
  const Real r = reduce(x, scale);
  const Real result = (expm1_reduced(r) + Real(1)) * scale;
  const Real low_checked = x_in < B::lowest_exponent ? Real(0) : result;
  return x_in > B::highest_exponent ? std::numeric_limits<Real>::infinity() : low_checked;
}

// e^x - 1 for |x| ≤ 40 (callers clamp): 2^k·(e^r - 1) + (2^k - 1), where 2^k - 1 is exact.
template <typename Real>
RNN_INLINE Real fast_expm1(Real x) {
  Real scale;
  const Real r = reduce(x, scale);
  return scale * expm1_reduced(r) + (scale - Real(1));
}

// tanh(x) = e / (e + 2) with e = e^{2x} - 1: one expm1 and one division, accurate near 0 as expm1 is. Beyond
// |x| = 20, tanh is ±1 in double and float alike.
template <typename Real>
RNN_INLINE Real fast_tanh(Real x) {
  Real y = Real(2) * x;
  y = y > Real(40) ? Real(40) : y;
  y = y < Real(-40) ? Real(-40) : y;
  const Real e = fast_expm1(y);
  return e / (e + Real(2));
}

template <typename Real>
RNN_INLINE Real fast_sigmoid(Real x) {
  return Real(1) / (Real(1) + fast_exp(-x));
}

}  // namespace rnn
