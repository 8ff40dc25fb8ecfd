// Elementwise exp, tanh and the logistic sigmoid without branches or library calls, so that the loops using them
// vectorize (with -fno-trapping-math, which the build sets). exp: Cody–Waite range reduction to |r| ≤ ln2/2, a
// Taylor polynomial, and 2^k built in the exponent bits. tanh: Cephes' rational approximation for |x| < 0.625 (keeps
// the relative accuracy near 0), 1 - 2/(e^{2|x|} + 1) beyond. Measured against std::exp and std::tanh over
// [-80, 80]: exp within 1 ulp, tanh within 2, the sigmoid within 4 (test/activations.test.mjs checks the sigmoid).
//
// RNN_VECTORIZED marks a loop function to be compiled twice, for AVX2+FMA and for the baseline, the right one
// picked at load time (GCC target_clones on ELF x86-64); elsewhere it is empty and the baseline build is used.
#pragma once
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__ELF__)
#define RNN_VECTORIZED __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define RNN_VECTORIZED
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
inline To bit_cast(From from) {
  static_assert(sizeof(To) == sizeof(From), "bit_cast between equal sizes");
  To to;
  std::memcpy(&to, &from, sizeof(To));
  return to;
}

// e^r for |r| ≤ ln2/2: Taylor terms to r^13 (double) or r^7 (float), both below half an ulp there.
inline double exp_reduced(double r) {
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
  return p * r + 1.0;
}

inline float exp_reduced(float r) {
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  return p * r + 1.0f;
}

// e^x. Below lowest_exponent (where e^x is subnormal) it is 0, above highest_exponent +∞; NaN stays NaN.
template <typename Real>
inline Real fast_exp(Real x_in) {
  using B = FloatBits<Real>;
  const Real log2e = Real(1.4426950408889634), ln2_hi = Real(0.693145751953125), ln2_lo = Real(1.42860682030941723212e-6);
  Real x = x_in < B::lowest_exponent ? B::lowest_exponent : x_in;
  x = x > B::highest_exponent ? B::highest_exponent : x;
  const Real shifted = x * log2e + B::round_magic;
  const Real k = shifted - B::round_magic;
  const Real r = (x - k * ln2_hi) - k * ln2_lo;
  // 2^k in the exponent bits. Unsigned, so that a NaN's garbage bits wrap instead of being undefined behaviour.
  using Bits = std::make_unsigned_t<typename B::Int>;
  const Bits k_bits = bit_cast<Bits>(shifted) - bit_cast<Bits>(B::round_magic);
  const Real scale = bit_cast<Real>(Bits((k_bits + Bits(B::exponent_bias)) << B::mantissa_bits));
  const Real result = exp_reduced(r) * scale;
  const Real low_checked = x_in < B::lowest_exponent ? Real(0) : result;
  return x_in > B::highest_exponent ? std::numeric_limits<Real>::infinity() : low_checked;
}

// tanh(x) for |x| < 0.625 as x + x·x²·P(x²)/Q(x²) (Cephes tanh.c).
inline double tanh_small(double x) {
  const double z = x * x;
  const double p = (-9.64399179425052238628e-1 * z - 9.92877231001918586564e1) * z - 1.61468768441708447952e3;
  const double q = ((z + 1.12811678491632931402e2) * z + 2.23548839060100448583e3) * z + 4.84406305325125486048e3;
  return x + x * z * p / q;
}

// tanh(x) for |x| < 0.625 as x + x·x²·P(x²) (Cephes tanhf.c).
inline float tanh_small(float x) {
  const float z = x * x;
  const float p = (((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z + 1.33314422036e-1f) * z -
                  3.33332819422e-1f;
  return x + x * z * p;
}

template <typename Real>
inline Real fast_tanh(Real x) {
  const Real magnitude = x < 0 ? -x : x;
  const Real large = Real(1) - Real(2) / (fast_exp(Real(2) * magnitude) + Real(1));
  const Real signed_large = x < 0 ? -large : large;
  const Real small = tanh_small(x);  // both computed: a select, not a branch, so the loop vectorizes
  return magnitude < Real(0.625) ? small : signed_large;
}

template <typename Real>
inline Real fast_sigmoid(Real x) {
  return Real(1) / (Real(1) + fast_exp(-x));
}

}  // namespace rnn
