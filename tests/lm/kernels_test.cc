// Number formats and compute kernels, without data files: F16 / BF16 conversion over
// every value (and against the F16C instructions), dequantisation of blocks built by hand
// from ggml's layouts (bit-exact), the quantisers' error bounds, and each kernel set's
// dot tiles, activation quantisers and attention helpers against float64 references.
#include <bit>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

#include "lm/kernels.h"
#include "lm/lm.h"

namespace fl::lm {
namespace {

using kernels::KernelSet;
using kernels::TypeKernels;

// ---- independent decoders, written from IEEE 754 and ggml-common.h ----

double HalfValue(uint16_t h) {
  const int exp = (h >> 10) & 0x1F, mant = h & 0x3FF;
  double v = exp == 0x1F ? (mant ? std::nan("") : INFINITY) : exp == 0 ? std::ldexp(mant, -24)
                                                                      : std::ldexp(1024 + mant, exp - 25);
  return (h & 0x8000) ? -v : v;
}
bool IsHalfNan(uint16_t h) { return (h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0; }
double Bf16Value(uint16_t h) { return std::bit_cast<float>(static_cast<uint32_t>(h) << 16); }
uint16_t Get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
void Put16(std::string& s, uint16_t v) {
  s.push_back(static_cast<char>(v & 0xFF));
  s.push_back(static_cast<char>(v >> 8));
}

// The 6-bit scale and min of sub-block j of a Q4_K block (ggml's get_scale_min_k4).
void UnpackK4(const uint8_t* q, int j, int* sc, int* m) {
  *sc = j < 4 ? q[j] & 63 : (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
  *m = j < 4 ? q[j + 4] & 63 : (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
}

// Q8_K (activations only; DequantizeRow does not take it): float d, int8 q[256], bsums.
std::vector<double> DequantQ8_K(const uint8_t* row, int64_t n) {
  std::vector<double> out;
  for (int64_t b = 0; b < n / 256; ++b) {
    const auto* blk = reinterpret_cast<const kernels::BlockQ8_K*>(row) + b;
    for (int j = 0; j < 256; ++j) out.push_back(static_cast<double>(blk->d) * blk->qs[j]);
  }
  return out;
}
std::vector<double> Dequant(GgmlType type, const uint8_t* row, int64_t n) {
  if (type == GgmlType::kQ8_K) return DequantQ8_K(row, n);
  std::vector<float> f(n, NAN);
  EXPECT_TRUE(DequantizeRow(type, row, f.data(), n));
  return {f.begin(), f.end()};
}

std::vector<float> RandomRow(std::mt19937& rng, int64_t n, float scale = 1) {
  std::normal_distribution<float> normal(0, scale);
  std::vector<float> x(n);
  for (int64_t i = 0; i < n; ++i) x[i] = normal(rng) * (i % 37 == 5 ? 8 : 1);  // a few outliers
  return x;
}

// Counts mismatches, reporting the first few, so a broken loop over 65536 values stays readable.
struct Mismatches {
  int n = 0;
  void Add(const std::string& what) {
    if (n++ < 5) ADD_FAILURE() << what;
  }
};

// ---- F16 and BF16 ----

TEST(HalfTest, EveryHalfDecodesExactlyAndRoundTrips) {
  Mismatches bad;
  for (uint32_t i = 0; i < 65536; ++i) {
    const auto h = static_cast<uint16_t>(i);
    const float f = HalfToFloat(h);
    if (IsHalfNan(h)) {
      const uint16_t back = FloatToHalf(f);
      if (!std::isnan(f) || !IsHalfNan(back) || (back & 0x8000) != (h & 0x8000)) bad.Add("NaN " + std::to_string(h));
      continue;
    }
    if (static_cast<double>(f) != HalfValue(h) || std::signbit(f) != ((h & 0x8000) != 0)) {
      bad.Add("HalfToFloat(" + std::to_string(h) + ") = " + std::to_string(f));
    }
    if (FloatToHalf(f) != h) bad.Add("round trip of " + std::to_string(h) + " gives " + std::to_string(FloatToHalf(f)));
  }
  EXPECT_EQ(bad.n, 0);
}

// Every midpoint between neighbouring halves (subnormal and normal, both signs) goes to
// the even one, its float neighbours to the nearer one; overflow gives infinity.
TEST(HalfTest, RoundsToNearestEvenAndOverflowsToInfinity) {
  Mismatches bad;
  for (uint16_t h = 0; h < 0x7BFF; ++h) {
    const double mid = (HalfValue(h) + HalfValue(h + 1)) / 2;
    const auto m = static_cast<float>(mid);
    ASSERT_EQ(static_cast<double>(m), mid) << "a midpoint has 12 significant bits";
    const uint16_t even = h % 2 == 0 ? h : h + 1;
    const uint16_t got[4] = {FloatToHalf(m), FloatToHalf(-m), FloatToHalf(std::nextafter(m, 0.f)),
                             FloatToHalf(std::nextafter(m, INFINITY))};
    const uint16_t want[4] = {even, static_cast<uint16_t>(even | 0x8000), h, static_cast<uint16_t>(h + 1)};
    for (int k = 0; k < 4; ++k) {
      if (got[k] != want[k]) {
        bad.Add("near " + std::to_string(mid) + " case " + std::to_string(k) + ": " + std::to_string(got[k]));
      }
    }
  }
  EXPECT_EQ(bad.n, 0);
  EXPECT_EQ(FloatToHalf(65504.f), 0x7BFF);
  EXPECT_EQ(FloatToHalf(65520.f), 0x7C00) << "the tie above the largest half goes to infinity";
  EXPECT_EQ(FloatToHalf(std::nextafter(65520.f, 0.f)), 0x7BFF);
  EXPECT_EQ(FloatToHalf(1e6f), 0x7C00);
  EXPECT_EQ(FloatToHalf(-std::numeric_limits<float>::max()), 0xFC00);
  EXPECT_EQ(FloatToHalf(-INFINITY), 0xFC00);
  EXPECT_TRUE(IsHalfNan(FloatToHalf(std::nanf(""))));
  EXPECT_EQ(FloatToHalf(std::ldexp(1.f, -24)), 0x0001) << "the smallest subnormal";
  EXPECT_EQ(FloatToHalf(std::ldexp(1.f, -26)), 0x0000);
  EXPECT_EQ(FloatToHalf(-1e-30f), 0x8000) << "underflow keeps the sign";
  EXPECT_EQ(FloatToHalf(std::numeric_limits<float>::denorm_min()), 0x0000);
}

#if defined(__x86_64__)
__attribute__((target("f16c"))) uint16_t HardwareToHalf(float f) { return _cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT); }
__attribute__((target("f16c"))) float HardwareToFloat(uint16_t h) { return _cvtsh_ss(h); }
bool HasF16c() {
  unsigned a, b, c, d;
  return __get_cpuid(1, &a, &b, &c, &d) && (c & bit_F16C) != 0;
}
#endif

TEST(HalfTest, MatchesF16cInstructions) {
#if defined(__x86_64__)
  if (!HasF16c()) GTEST_SKIP() << "no F16C on this CPU";
  Mismatches bad;
  for (uint32_t i = 0; i < 65536; ++i) {
    const float ours = HalfToFloat(static_cast<uint16_t>(i)), hw = HardwareToFloat(static_cast<uint16_t>(i));
    if (std::isnan(ours) ? !std::isnan(hw) : std::bit_cast<uint32_t>(ours) != std::bit_cast<uint32_t>(hw)) {
      bad.Add("half " + std::to_string(i));
    }
  }
  // Random bit patterns (every exponent), then values near half midpoints.
  std::mt19937 rng(7);
  std::vector<float> inputs;
  for (int i = 0; i < 1000000; ++i) inputs.push_back(std::bit_cast<float>(static_cast<uint32_t>(rng())));
  for (int i = 0; i < 200000; ++i) {
    const auto h = static_cast<uint16_t>(rng() % 0x7BFF);
    const auto m = static_cast<float>((HalfValue(h) + HalfValue(h + 1)) / 2);
    inputs.insert(inputs.end(), {m, -m, std::nextafter(m, 0.f), std::nextafter(m, INFINITY)});
  }
  for (float f : inputs) {
    const uint16_t ours = FloatToHalf(f), hw = HardwareToHalf(f);
    if (std::isnan(f) ? !IsHalfNan(ours) || !IsHalfNan(hw) : ours != hw) {
      bad.Add("FloatToHalf(" + std::to_string(std::bit_cast<uint32_t>(f)) + ") = " + std::to_string(ours) +
              ", F16C " + std::to_string(hw));
    }
  }
  EXPECT_EQ(bad.n, 0) << "of " << inputs.size() + 65536;
#else
  GTEST_SKIP() << "not x86-64";
#endif
}

TEST(Bf16Test, RoundTripsAndRoundsToNearestEven) {
  Mismatches bad;
  for (uint32_t i = 0; i < 65536; ++i) {
    const auto h = static_cast<uint16_t>(i);
    const float f = kernels::Bf16ToFloat(h);
    const uint16_t back = kernels::FloatToBf16(f);
    if (std::isnan(f) ? !std::isnan(kernels::Bf16ToFloat(back)) : back != h) bad.Add("bf16 " + std::to_string(h));
  }
  EXPECT_EQ(bad.n, 0);
  const float one = 1.0f, ulp = std::ldexp(1.f, -7);  // bf16 has 8 significant bits
  EXPECT_EQ(kernels::FloatToBf16(one + ulp / 2), kernels::FloatToBf16(one)) << "tie to even (down)";
  EXPECT_EQ(kernels::FloatToBf16(one + 3 * ulp / 2), kernels::FloatToBf16(one + 2 * ulp)) << "tie to even (up)";
  EXPECT_EQ(kernels::FloatToBf16(std::nextafter(one + ulp / 2, 2.f)), kernels::FloatToBf16(one + ulp));
  EXPECT_EQ(kernels::FloatToBf16(3.4e38f), 0x7F80) << "overflow to infinity";
}

// ---- dequantisation of hand-built blocks ----

// A random F16 scale of either sign between 2^-12 and 4, or a subnormal one.
uint16_t RandomScale(std::mt19937& rng, bool subnormal) {
  const auto sign = static_cast<uint16_t>((rng() & 1) << 15);
  if (subnormal) return static_cast<uint16_t>(sign | (1 + rng() % 0x3FF));
  return static_cast<uint16_t>(sign | (3 + rng() % 14) << 10 | (rng() & 0x3FF));
}

// Every product below has at most 24 significant bits, so the float result is exact and
// the comparison can be bitwise whatever the order or fusing of the library's arithmetic.
void ExpectDequantizes(GgmlType type, const std::string& bytes, const std::vector<double>& want) {
  const auto n = static_cast<int64_t>(want.size());
  ASSERT_EQ(bytes.size(), RowBytes(type, n));
  std::vector<float> got(n, NAN);
  ASSERT_TRUE(DequantizeRow(type, bytes.data(), got.data(), n));
  Mismatches bad;
  for (int64_t i = 0; i < n; ++i) {
    const auto w = static_cast<float>(want[i]);
    if (std::bit_cast<uint32_t>(got[i]) != std::bit_cast<uint32_t>(w)) {
      bad.Add(TypeInfo(static_cast<uint32_t>(type))->name + std::string(" element ") + std::to_string(i) + ": " +
              std::to_string(got[i]) + ", expected " + std::to_string(w));
    }
  }
  EXPECT_EQ(bad.n, 0);
}

TEST(DequantTest, Q8_0Q4_0Q5_0BlocksAreBitExact) {
  std::mt19937 rng(1);
  std::string q8, q4, q5;
  std::vector<double> w8, w4, w5;
  for (int b = 0; b < 3; ++b) {
    // Q8_0: d, q[32]; x = d * q.
    uint16_t d = RandomScale(rng, b == 0);
    Put16(q8, d);
    for (int j = 0; j < 32; ++j) {
      const int q = static_cast<int>(rng() % 256) - 128;
      q8.push_back(static_cast<char>(q));
      w8.push_back(HalfValue(d) * q);
    }
    // Q4_0: d, byte j = q[j] | q[j + 16] << 4; x = d * (q - 8).
    int q[32];
    for (int& v : q) v = static_cast<int>(rng() % 16);
    d = RandomScale(rng, b == 1);
    Put16(q4, d);
    for (int j = 0; j < 16; ++j) q4.push_back(static_cast<char>(q[j] | q[j + 16] << 4));
    for (int j = 0; j < 32; ++j) w4.push_back(HalfValue(d) * (q[j] - 8));
    // Q5_0: d, u32 of fifth bits (bit j for element j), low nibbles as Q4_0; x = d * (q - 16).
    for (int& v : q) v = static_cast<int>(rng() % 32);
    d = RandomScale(rng, b == 2);
    Put16(q5, d);
    uint32_t qh = 0;
    for (int j = 0; j < 32; ++j) qh |= static_cast<uint32_t>(q[j] >> 4) << j;
    for (int k = 0; k < 4; ++k) q5.push_back(static_cast<char>(qh >> (8 * k)));
    for (int j = 0; j < 16; ++j) q5.push_back(static_cast<char>((q[j] & 0xF) | (q[j + 16] & 0xF) << 4));
    for (int j = 0; j < 32; ++j) w5.push_back(HalfValue(d) * (q[j] - 16));
  }
  ExpectDequantizes(GgmlType::kQ8_0, q8, w8);
  ExpectDequantizes(GgmlType::kQ4_0, q4, w4);
  ExpectDequantizes(GgmlType::kQ5_0, q5, w5);
}

TEST(DequantTest, Q4_KBlocksAreBitExact) {
  std::mt19937 rng(2);
  std::string bytes;
  std::vector<double> want;
  for (int b = 0; b < 2; ++b) {
    const uint16_t d = RandomScale(rng, false), dmin = RandomScale(rng, b == 1);
    int sc[8], m[8], q[256];
    for (int s = 0; s < 8; ++s) sc[s] = static_cast<int>(rng() % 64), m[s] = static_cast<int>(rng() % 64);
    sc[7] = 63, m[6] = 63;  // the extremes of six bits
    for (int& v : q) v = static_cast<int>(rng() % 16);
    Put16(bytes, d);
    Put16(bytes, dmin);
    // scales[12]: low six bits of scale / min 0..3 in bytes 0..3 / 4..7, whose top two bits
    // hold the high bits of scale / min 4..7; their low nibbles in bytes 8..11.
    uint8_t packed[12];
    for (int j = 0; j < 4; ++j) {
      packed[j] = static_cast<uint8_t>(sc[j] | (sc[j + 4] >> 4) << 6);
      packed[j + 4] = static_cast<uint8_t>(m[j] | (m[j + 4] >> 4) << 6);
      packed[j + 8] = static_cast<uint8_t>((sc[j + 4] & 0xF) | (m[j + 4] & 0xF) << 4);
    }
    bytes.append(reinterpret_cast<const char*>(packed), 12);
    // qs[128]: sub-blocks 2i and 2i+1 share bytes 32i..32i+31 (low and high nibble).
    for (int i = 0; i < 4; ++i) {
      for (int l = 0; l < 32; ++l) bytes.push_back(static_cast<char>(q[64 * i + l] | q[64 * i + 32 + l] << 4));
    }
    for (int e = 0; e < 256; ++e) {
      want.push_back(HalfValue(d) * sc[e / 32] * q[e] - HalfValue(dmin) * m[e / 32]);
      int usc, um;
      UnpackK4(packed, e / 32, &usc, &um);
      ASSERT_EQ(usc, sc[e / 32]);
      ASSERT_EQ(um, m[e / 32]);
    }
  }
  // d * sc * q - dmin * m: both products exact, the difference rounded once.
  for (double& w : want) w = static_cast<float>(w);
  ExpectDequantizes(GgmlType::kQ4_K, bytes, want);
}

TEST(DequantTest, Q6_KBlocksAreBitExact) {
  std::mt19937 rng(3);
  std::string bytes;
  std::vector<double> want;
  for (int b = 0; b < 2; ++b) {
    int q[256];
    int8_t sc[16];
    for (int& v : q) v = static_cast<int>(rng() % 64);
    for (int8_t& s : sc) s = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
    const uint16_t d = RandomScale(rng, b == 1);
    // Element e = 128 h + 32 k + l: low nibble in ql[64 h + l + 32 (k & 1)] (k >= 2: the
    // high nibble), two high bits in qh[32 h + l] at bit 2k; scale sc[e / 16].
    uint8_t ql[128] = {}, qh[64] = {};
    for (int e = 0; e < 256; ++e) {
      const int h = e / 128, k = (e % 128) / 32, l = e % 32;
      ql[64 * h + l + 32 * (k & 1)] |= static_cast<uint8_t>((q[e] & 0xF) << (k >= 2 ? 4 : 0));
      qh[32 * h + l] |= static_cast<uint8_t>((q[e] >> 4) << (2 * k));
      want.push_back(HalfValue(d) * sc[e / 16] * (q[e] - 32));
    }
    bytes.append(reinterpret_cast<const char*>(ql), 128);
    bytes.append(reinterpret_cast<const char*>(qh), 64);
    bytes.append(reinterpret_cast<const char*>(sc), 16);
    Put16(bytes, d);
  }
  ExpectDequantizes(GgmlType::kQ6_K, bytes, want);
}

TEST(DequantTest, FloatRowsAndSizes) {
  std::mt19937 rng(4);
  std::string f16, bf16;
  std::vector<double> w16, wbf;
  for (int i = 0; i < 64; ++i) {
    const auto h = static_cast<uint16_t>(rng() % 0x7C00 | (rng() & 0x8000));  // finite
    Put16(f16, h);
    w16.push_back(HalfValue(h));
    const auto b = static_cast<uint16_t>(rng() % 0x7F80 | (rng() & 0x8000));
    Put16(bf16, b);
    wbf.push_back(Bf16Value(b));
  }
  ExpectDequantizes(GgmlType::kF16, f16, w16);
  ExpectDequantizes(GgmlType::kBF16, bf16, wbf);
  EXPECT_EQ(RowBytes(GgmlType::kF32, 10), 40u);
  EXPECT_EQ(RowBytes(GgmlType::kQ8_0, 64), 68u);
  EXPECT_EQ(RowBytes(GgmlType::kQ5_0, 64), 44u);
  EXPECT_EQ(RowBytes(GgmlType::kQ4_K, 512), 288u);
  EXPECT_EQ(RowBytes(GgmlType::kQ6_K, 256), 210u);
  float out[256];
  EXPECT_FALSE(DequantizeRow(GgmlType::kQ2_K, std::string(84, '\0').data(), out, 256)) << "a type not computed with";
}

// ---- quantisers: round trip within the bound of each format ----

// The largest error QuantizeRow may make on x[i], from the format's parameters (the
// stored scales where the quantiser chooses them, with float slack). outside (K-quants):
// how far x[i] lies outside the levels the block's scales give.
std::vector<double> ErrorBounds(GgmlType type, const std::vector<float>& x, const uint8_t* row,
                                std::vector<double>* outside = nullptr) {
  const auto n = static_cast<int64_t>(x.size());
  std::vector<double> bound(n);
  if (outside != nullptr) outside->assign(n, 0);
  auto amax = [&](int64_t i0, int len, int64_t* at) {
    double a = 0;
    for (int64_t i = i0; i < i0 + len; ++i) {
      if (std::fabs(x[i]) > a) a = std::fabs(x[i]), *at = i;
    }
    return a;
  };
  // Nearest-level rounding onto {lo, lo + step, ..., hi}: half a step, plus the distance outside.
  auto level = [&](int64_t i, double v, double step, double lo, double hi) {
    const double out = v < lo ? lo - v : v > hi ? v - hi : 0;
    if (outside != nullptr) (*outside)[i] = out;
    return out + step / 2;
  };
  for (int64_t i = 0; i < n; ++i) {
    int64_t at = i;
    switch (type) {
      case GgmlType::kF32: bound[i] = 0; break;
      case GgmlType::kF16: bound[i] = std::max(std::fabs(x[i]) * std::ldexp(1., -11), std::ldexp(1., -25)); break;
      case GgmlType::kBF16: bound[i] = std::fabs(x[i]) * std::ldexp(1., -8); break;
      case GgmlType::kQ8_0: {  // d = amax / 127 stored as F16 (dh): |q d - x| <= d/2, plus |q| |dh - d|
        const double a = amax(i / 32 * 32, 32, &at), d = a / 127, dh = HalfValue(Get16(row + i / 32 * 34));
        bound[i] = d / 2 + 127 * std::fabs(dh - d) + 1e-6 * a;
        break;
      }
      case GgmlType::kQ4_0:
      case GgmlType::kQ5_0: {  // d = -max / 2^(bits-1): levels -2^(bits-1) .. 2^(bits-1) - 1 of d
        const int half = type == GgmlType::kQ4_0 ? 8 : 16;
        const size_t block = type == GgmlType::kQ4_0 ? 18 : 22;
        const double a = amax(i / 32 * 32, 32, &at), d = x[at] / -half, dh = HalfValue(Get16(row + i / 32 * block));
        bound[i] = std::fabs(d) * level(i, x[i] / d, 1, -half, half - 1) + half * std::fabs(dh - d) + 1e-6 * a;
        break;
      }
      case GgmlType::kQ4_K: {  // levels -m dmin + (0..15) sc d of each sub-block, from the block
        const uint8_t* blk = row + i / 256 * 144;
        int sc, m;
        UnpackK4(blk + 4, static_cast<int>(i % 256 / 32), &sc, &m);
        const double step = HalfValue(Get16(blk)) * sc, off = HalfValue(Get16(blk + 2)) * m;
        bound[i] = level(i, x[i], step, -off, 15 * step - off) + 1e-6 * amax(i / 256 * 256, 256, &at);
        break;
      }
      case GgmlType::kQ6_K: {  // levels (-32..31) sc d of each group of 16
        const uint8_t* blk = row + i / 256 * 210;
        const double step = HalfValue(Get16(blk + 208)) * static_cast<int8_t>(blk[192 + i % 256 / 16]);
        bound[i] = level(i, x[i], step, -32 * step, 31 * step) + 1e-6 * amax(i / 256 * 256, 256, &at);
        break;
      }
      case GgmlType::kQ8_K: bound[i] = amax(i / 256 * 256, 256, &at) / 127 * (0.5 + 1e-5); break;
      default: ADD_FAILURE() << "no bound";
    }
  }
  return bound;
}

TEST(QuantTest, RoundTripErrorsWithinTheFormatBounds) {
  std::mt19937 rng(5);
  for (GgmlType type : {GgmlType::kF32, GgmlType::kF16, GgmlType::kBF16, GgmlType::kQ8_0, GgmlType::kQ4_0,
                        GgmlType::kQ5_0, GgmlType::kQ4_K, GgmlType::kQ6_K, GgmlType::kQ8_K}) {
    const char* name = TypeInfo(static_cast<uint32_t>(type))->name;
    std::vector<float> x = RandomRow(rng, 1024);
    for (int i = 256; i < 288; ++i) x[i] = 0;       // an all-zero block / sub-block
    for (int i = 512; i < 768; ++i) x[i] *= 1e-3f;  // a quiet super-block
    std::vector<uint8_t> row(RowBytes(type, 1024));
    ASSERT_TRUE(QuantizeRow(type, x.data(), row.data(), 1024)) << name;
    std::vector<double> outside;
    const std::vector<double> y = Dequant(type, row.data(), 1024), bound = ErrorBounds(type, x, row.data(), &outside);
    double max_ratio = 0, sq_err = 0, sq = 0;
    Mismatches bad;
    for (int i = 0; i < 1024; ++i) {
      const double err = std::fabs(y[i] - x[i]);
      sq_err += err * err, sq += static_cast<double>(x[i]) * x[i];
      if (bound[i] > 0) max_ratio = std::max(max_ratio, err / bound[i]);
      if (err > bound[i]) {
        bad.Add(std::string(name) + " element " + std::to_string(i) + ": error " + std::to_string(err) + " > bound " +
                std::to_string(bound[i]));
      }
    }
    EXPECT_EQ(bad.n, 0) << name;
    for (int i = 256; i < 288; ++i) EXPECT_EQ(y[i], 0) << name << ": zeros stay zeros";
    // The K-quant scales are rounded to 6 / 8 bits, so the levels may miss the extremes
    // of a sub-block, by at most 15 (Q4_K) or 16 (Q6_K) half-steps of d and half a dmin.
    for (int i = 0; i < 1024 && (type == GgmlType::kQ4_K || type == GgmlType::kQ6_K); ++i) {
      const uint8_t* blk = row.data() + i / 256 * (type == GgmlType::kQ4_K ? 144 : 210);
      const double slack = type == GgmlType::kQ4_K ? 7.5 * HalfValue(Get16(blk)) + 0.55 * HalfValue(Get16(blk + 2))
                                                   : 16 * HalfValue(Get16(blk + 208));
      EXPECT_LE(outside[i], slack * (1 + 1e-6)) << name << " element " << i << " outside the levels";
    }
    std::printf("%-5s round trip: rms error / rms %.2e, max error / bound %.3f\n", name, std::sqrt(sq_err / sq),
                max_ratio);
  }
}

// ---- kernel sets ----

class KernelSetTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    set_ = kernels::Supported(GetParam());  // not ByName: a wrong set must fail here, not be skipped
    if (set_ == nullptr) GTEST_SKIP() << "kernel set " << GetParam() << " is not compiled in or not supported here";
    ASSERT_STREQ(set_->name, GetParam());
  }
  const KernelSet* set_ = nullptr;
};

constexpr size_t kPad = 36;       // bytes of 0xFF (NaN as floats and halves) after each row
constexpr size_t kOutStride = 6;  // floats between the output rows of two tokens
constexpr float kSentinel = -777.f;

TEST_P(KernelSetTest, DotTilesMatchFloat64References) {
  std::mt19937 rng(6);
  const float act_scale[4] = {1, 0.01f, 30, 1e-3f};
  struct Case {
    GgmlType type;
    std::vector<int64_t> ns;
  };
  for (const Case& tc : {Case{GgmlType::kF32, {256, 100, 7}}, Case{GgmlType::kF16, {256, 100, 7}},
                         Case{GgmlType::kBF16, {256, 100, 7}}, Case{GgmlType::kQ8_0, {32, 256}},
                         // 1, 3, 5 and 8 blocks: every way the two-block row loops end; 33 and
                         // 152: every phase of the AVX-512 stream kernel, last steps part full
                         Case{GgmlType::kQ4_0, {32, 96, 160, 256, 1056, 4864}}, Case{GgmlType::kQ5_0, {32, 256}},
                         Case{GgmlType::kQ4_K, {256, 512}}, Case{GgmlType::kQ6_K, {256, 512}}}) {
    const TypeKernels* tk = set_->For(tc.type);
    ASSERT_NE(tk, nullptr);
    const char* name = TypeInfo(static_cast<uint32_t>(tc.type))->name;
    double worst = 0, worst_plain = 0;
    for (int64_t n : tc.ns) {
      const size_t ws = RowBytes(tc.type, n) + kPad, xs = tk->ActBytes(n) + kPad;
      std::vector<uint8_t> w(4 * ws, 0xFF), x(4 * xs, 0xFF);
      std::vector<std::vector<double>> wd(4), xd(4), e(4);
      std::vector<std::vector<float>> xf(4);
      for (int r = 0; r < 4; ++r) {
        const std::vector<float> row = RandomRow(rng, n);
        ASSERT_TRUE(QuantizeRow(tc.type, row.data(), w.data() + r * ws, n));
        wd[r] = Dequant(tc.type, w.data() + r * ws, n);
        xf[r] = RandomRow(rng, n, act_scale[r]);
        tk->quantize(xf[r].data(), x.data() + r * xs, n);
        xd[r] = Dequant(tk->act_type, x.data() + r * xs, n);
        e[r] = ErrorBounds(tk->act_type, xf[r], x.data() + r * xs);
      }
      for (int nr = 1; nr <= 4; ++nr) {
        for (int nc = 1; nc <= 4; ++nc) {
          std::vector<float> out(4 * kOutStride, kSentinel);
          tk->dot(n, w.data(), ws, nr, x.data(), xs, nc, out.data(), kOutStride);
          for (size_t i = 0; i < out.size(); ++i) {
            const int r = static_cast<int>(i % kOutStride), c = static_cast<int>(i / kOutStride);
            if (r >= nr || c >= nc) {
              EXPECT_EQ(out[i], kSentinel) << name << " n=" << n << " " << nr << "x" << nc << ": wrote outside";
              continue;
            }
            // Against the exact dot product of the rounded operands: float accumulation only.
            double ref = 0, abs_sum = 0, plain = 0, plain_tol = 0;
            for (int64_t k = 0; k < n; ++k) {
              ref += wd[r][k] * xd[c][k];
              abs_sum += std::fabs(wd[r][k] * xd[c][k]);
              plain += wd[r][k] * xf[c][k];
              plain_tol += std::fabs(wd[r][k]) * e[c][k];  // the worst case of the activation rounding
            }
            const double diff = std::fabs(out[i] - ref), tol = 1e-4 * abs_sum + 1e-30;
            worst = std::max(worst, diff / tol);
            EXPECT_LE(diff, tol) << name << " n=" << n << " tile " << nr << "x" << nc << " (" << r << ", " << c << ")";
            // Against the unrounded activations: within what the rounding may move the sum.
            const double diff_plain = std::fabs(out[i] - plain), tol_plain = plain_tol + tol;
            worst_plain = std::max(worst_plain, diff_plain / tol_plain);
            EXPECT_LE(diff_plain, tol_plain) << name << " n=" << n << " (" << r << ", " << c << ") vs float inputs";
          }
        }
      }
    }
    std::printf("[%s] %-5s dot tiles: max |d| / (1e-4 sum|w x|) %.4f; vs unrounded activations, / bound %.4f\n",
                set_->name, name, worst, worst_plain);
  }
}

// Q8_0 weight bytes at the int8 extremes against activations of both signs: -128 is a
// legal Q8_0 value (dequantised as -128 d), though ggml's quantiser writes -127..127.
TEST_P(KernelSetTest, Q8_0WeightsAtTheInt8Extremes) {
  const TypeKernels* tk = set_->For(GgmlType::kQ8_0);
  std::mt19937 rng(10);
  const std::vector<float> act = RandomRow(rng, 64);
  std::vector<uint8_t> x(tk->ActBytes(64)), w;
  tk->quantize(act.data(), x.data(), 64);
  for (int b = 0; b < 2; ++b) {
    const uint16_t d = FloatToHalf(0.01f);
    w.insert(w.end(), {static_cast<uint8_t>(d & 0xFF), static_cast<uint8_t>(d >> 8)});
    for (int j = 0; j < 32; ++j) w.push_back(static_cast<uint8_t>(j % 3 == 0 ? -128 : j % 3 == 1 ? 127 : -127));
  }
  const std::vector<double> wd = Dequant(GgmlType::kQ8_0, w.data(), 64), xd = Dequant(tk->act_type, x.data(), 64);
  double ref = 0, abs_sum = 0;
  for (int i = 0; i < 64; ++i) ref += wd[i] * xd[i], abs_sum += std::fabs(wd[i] * xd[i]);
  float out = NAN;
  tk->dot(64, w.data(), w.size(), 1, x.data(), x.size(), 1, &out, 1);
  EXPECT_NEAR(out, ref, 1e-4 * abs_sum) << "weights -128, 127, -127";
}

// The activation quantisers of every set round exactly as the scalar ones (F16C included).
TEST_P(KernelSetTest, ActivationQuantisersMatchScalar) {
  std::mt19937 rng(8);
  std::vector<float> x = RandomRow(rng, 512);
  for (int i = 0; i < 64; ++i) {  // half midpoints, subnormal halves, overflow
    const auto h = static_cast<uint16_t>(rng() % 0x7BFF);
    x[i] = static_cast<float>((HalfValue(h) + HalfValue(h + 1)) / 2) * (i % 2 ? -1 : 1);
  }
  x[100] = 1e-7f, x[101] = -3e-6f, x[102] = 70000.f, x[103] = 65520.f, x[104] = 0, x[105] = -0.f;
  for (GgmlType type : {GgmlType::kF32, GgmlType::kF16, GgmlType::kBF16, GgmlType::kQ8_0, GgmlType::kQ4_K}) {
    const TypeKernels *tk = set_->For(type), *ref = kernels::ScalarKernels().For(type);
    ASSERT_EQ(tk->act_type, ref->act_type);
    for (int64_t n : {512, 256}) {
      // The vec-dot row is identical; a set may append what its kernels want after it
      // (ActBytes), and writes nothing beyond that.
      const size_t row = RowBytes(tk->act_type, n), extended = tk->ActBytes(n);
      ASSERT_GE(extended, row);
      std::vector<uint8_t> a(extended + kPad, 0xAB), b(row + kPad, 0xAB);
      tk->quantize(x.data(), a.data(), n);
      ref->quantize(x.data(), b.data(), n);
      EXPECT_TRUE(std::equal(a.begin(), a.begin() + row, b.begin()))
          << TypeInfo(static_cast<uint32_t>(type))->name << " activations, n=" << n;
      EXPECT_TRUE(std::all_of(a.begin() + extended, a.end(), [](uint8_t v) { return v == 0xAB; }))
          << TypeInfo(static_cast<uint32_t>(type))->name << " wrote past its activation row, n=" << n;
    }
  }
}

// Threads round one generation row together by pairs of blocks: any split into even-
// aligned ranges writes the same bytes as one call for the whole row, and nothing past it.
TEST_P(KernelSetTest, QuantisingByBlocksMatchesTheWholeRow) {
  std::mt19937 rng(12);
  int tested = 0;
  for (GgmlType type : {GgmlType::kQ8_0, GgmlType::kQ4_0, GgmlType::kQ5_0}) {
    const TypeKernels* tk = set_->For(type);
    if (tk->quantize_blocks == nullptr) continue;
    for (int64_t n : {32, 96, 160, 896, 1056, 4864}) {
      const std::vector<float> x = RandomRow(rng, n);
      const int64_t nb = n / 32;
      const size_t bytes = tk->ActBytes(n);
      std::vector<uint8_t> whole(bytes + kPad, 0xAB);
      tk->quantize(x.data(), whole.data(), n);
      // Splits: one range, two, three uneven ones (boundaries even, clipped to nb).
      for (const std::vector<int64_t>& cuts : {std::vector<int64_t>{}, {2}, {nb / 2 / 2 * 2}, {2, nb / 3 / 2 * 2 + 2}}) {
        std::vector<int64_t> bounds = {0};
        for (int64_t c : cuts)
          if (c > bounds.back() && c < nb) bounds.push_back(c);
        bounds.push_back(nb);
        std::vector<uint8_t> parts(bytes + kPad, 0xAB);
        for (size_t i = 0; i + 1 < bounds.size(); ++i)  // the last range first: order must not matter
          tk->quantize_blocks(x.data(), parts.data(), n, bounds[bounds.size() - 2 - i], bounds[bounds.size() - 1 - i]);
        EXPECT_EQ(parts, whole) << TypeInfo(static_cast<uint32_t>(type))->name << " n=" << n << ", "
                                << bounds.size() - 1 << " ranges";
      }
      ++tested;
    }
  }
  if (tested == 0) GTEST_SKIP() << set_->name << " rounds a row on one thread";
}

TEST_P(KernelSetTest, AttentionHelpersMatchScalarAndFloat64) {
  const KernelSet& scalar = kernels::ScalarKernels();
  std::mt19937 rng(9);
  for (int n : {64, 37, 128, 5, 1}) {
    for (int count : {1, 7}) {
      const size_t stride = n + 5;
      const std::vector<float> rows = RandomRow(rng, static_cast<int>(count * stride)), q = RandomRow(rng, n, 3),
                               w = RandomRow(rng, count), y0 = RandomRow(rng, n + 8);
      std::vector<uint16_t> rows16(rows.size()), q16(n);
      for (size_t i = 0; i < rows.size(); ++i) rows16[i] = FloatToHalf(rows[i]);
      for (int i = 0; i < n; ++i) q16[i] = FloatToHalf(q[i]);
      const std::string at = " n=" + std::to_string(n) + " count=" + std::to_string(count);
      // dots: out[p] = scale <row p, q>; nothing past count written.
      const float scale = 0.125f;
      std::vector<float> d16(count + 2, kSentinel), d32(count + 2, kSentinel), s16(count), s32(count);
      set_->dots_f16(rows16.data(), stride, q16.data(), n, count, scale, d16.data());
      set_->dots_f32(rows.data(), stride, q.data(), n, count, scale, d32.data());
      scalar.dots_f16(rows16.data(), stride, q16.data(), n, count, scale, s16.data());
      scalar.dots_f32(rows.data(), stride, q.data(), n, count, scale, s32.data());
      for (int p = 0; p < count; ++p) {
        double dot16 = 0, abs16 = 0, dot32 = 0, abs32 = 0;
        for (int i = 0; i < n; ++i) {
          const double h = HalfValue(rows16[p * stride + i]) * HalfValue(q16[i]), f = double{rows[p * stride + i]} * q[i];
          dot16 += h, abs16 += std::fabs(h), dot32 += f, abs32 += std::fabs(f);
        }
        EXPECT_NEAR(d16[p], scale * dot16, 1e-5 * scale * abs16) << "dots_f16 p=" << p << at;
        EXPECT_NEAR(d16[p], s16[p], 2e-5 * scale * abs16) << "dots_f16 vs scalar p=" << p << at;
        EXPECT_NEAR(d32[p], scale * dot32, 1e-5 * scale * abs32) << "dots_f32 p=" << p << at;
        EXPECT_NEAR(d32[p], s32[p], 2e-5 * scale * abs32) << "dots_f32 vs scalar p=" << p << at;
      }
      EXPECT_EQ(d16[count], kSentinel) << "dots_f16 wrote past count" << at;
      EXPECT_EQ(d32[count], kSentinel) << "dots_f32 wrote past count" << at;
      // mix: y += sum_p w[p] row p, the F16 cache's weights rounded to F16 first; one
      // rounding per position and element; nothing past n touched.
      std::vector<float> y16 = y0, y32 = y0;
      set_->mix_f16(w.data(), rows16.data(), stride, n, count, y16.data());
      set_->mix_f32(w.data(), rows.data(), stride, n, count, y32.data());
      for (int i = 0; i < n + 8; ++i) {
        double e16 = y0[i], a16 = std::fabs(y0[i]), e32 = y0[i], a32 = std::fabs(y0[i]);
        for (int p = 0; p < count && i < n; ++p) {
          const double t16 = HalfValue(FloatToHalf(w[p])) * HalfValue(rows16[p * stride + i]);
          const double t32 = double{w[p]} * rows[p * stride + i];
          e16 += t16, a16 += std::fabs(t16), e32 += t32, a32 += std::fabs(t32);
        }
        EXPECT_NEAR(y16[i], e16, std::ldexp(a16, -23) * (count + 1)) << "mix_f16 i=" << i << at;
        EXPECT_NEAR(y32[i], e32, std::ldexp(a32, -23) * (count + 1)) << "mix_f32 i=" << i << at;
      }
    }
    // to_f16 is FloatToHalf, element for element.
    const std::vector<float> b = RandomRow(rng, n, 3);
    std::vector<uint16_t> h(n + 8, 0xBEEF);
    set_->to_f16(b.data(), h.data(), n);
    for (int i = 0; i < n + 8; ++i) {
      EXPECT_EQ(h[i], i < n ? FloatToHalf(b[i]) : 0xBEEF) << "to_f16 n=" << n << " i=" << i;
    }
  }
}

// The batch products (the AMX set's) against the same set's one-row products: every
// row count up to 16, token counts around the 16-token tile, written and accumulated,
// nothing outside the nr x nc block touched.
TEST_P(KernelSetTest, GemmMatchesRowProducts) {
  std::mt19937 rng(11);
  int tested = 0;
  for (GgmlType type : {GgmlType::kQ8_0, GgmlType::kQ4_0, GgmlType::kQ5_0}) {
    const TypeKernels* tk = set_->For(type);
    if (tk->gemm == nullptr) continue;
    ++tested;
    for (int64_t n : {32, 896, 4864}) {
      constexpr int kRows = 16, kTokens = 40, kStride = 20;
      const size_t w_bytes = RowBytes(type, n), xa = tk->ActBytes(n);
      std::vector<uint8_t> w(kRows * w_bytes), x(kTokens * xa);
      for (int r = 0; r < kRows; ++r) QuantizeRow(type, RandomRow(rng, n).data(), w.data() + r * w_bytes, n);
      for (int c = 0; c < kTokens; ++c) tk->quantize(RandomRow(rng, n, 3).data(), x.data() + c * xa, n);
      std::vector<float> expect(kTokens * kRows);
      for (int c = 0; c < kTokens; ++c) {
        for (int r = 0; r < kRows; ++r) {
          tk->dot(n, w.data() + r * w_bytes, w_bytes, 1, x.data() + c * xa, xa, 1, &expect[c * kRows + r], 1);
        }
      }
      for (int nr : {1, 7, 16}) {
        for (int nc : {1, 15, 16, 17, 40}) {
          std::vector<uint8_t> packed(tk->packed_bytes(n, nc));
          tk->pack_acts(n, x.data(), xa, nc, 0, (nc + 15) / 16, packed.data());
          std::vector<float> out(kTokens * kStride, kSentinel);
          tk->gemm(n, w.data(), w_bytes, nr, packed.data(), 0, nc, out.data(), kStride, false);
          std::vector<float> sum(out);
          tk->gemm(n, w.data(), w_bytes, nr, packed.data(), 0, nc, sum.data(), kStride, true);
          for (int c = 0; c < kTokens; ++c) {
            for (int r = 0; r < kStride; ++r) {
              const float got = out[c * kStride + r];
              if (c >= nc || r >= nr) {
                ASSERT_EQ(got, kSentinel) << "wrote outside the block at token " << c << " row " << r;
                continue;
              }
              const float e = expect[c * kRows + r];
              ASSERT_NEAR(got, e, 1e-4 * std::sqrt(static_cast<double>(n)) * (1 + std::fabs(e)))
                  << TypeInfo(static_cast<uint32_t>(type))->name << " n=" << n << " nr=" << nr << " nc=" << nc;
              ASSERT_NEAR(sum[c * kStride + r], 2 * got, 1e-5 * (1 + std::fabs(got)));
            }
          }
        }
      }
    }
  }
  if (tested == 0) GTEST_SKIP() << set_->name << " has no batch products";
}

TEST(KernelSetsTest, NamesAndTypes) {
  const std::vector<std::string> available = AvailableKernels();
  ASSERT_FALSE(available.empty());
  EXPECT_EQ(available.back(), "scalar");
  for (const std::string& name : available) {
    const KernelSet* set = kernels::ByName(name.c_str());
    ASSERT_NE(set, nullptr) << name;
    EXPECT_EQ(set->name, name);
    EXPECT_EQ(set->For(GgmlType::kQ2_K), nullptr);
    EXPECT_EQ(set->For(GgmlType::kQ4_0)->act_type, GgmlType::kQ8_0);
    EXPECT_EQ(set->For(GgmlType::kQ6_K)->act_type, GgmlType::kQ8_K);
  }
  EXPECT_EQ(kernels::ByName("sse9"), nullptr);
}

INSTANTIATE_TEST_SUITE_P(Sets, KernelSetTest, ::testing::Values("scalar", "avx2", "avx512", "amx"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace fl::lm

namespace fl::lm {
namespace {

// The self-test that guards run-time selection passes for every set this CPU runs and
// refuses a set with one wrong kernel.
void WrongDot(int64_t n, const uint8_t* w, size_t w_stride, int nr, const uint8_t* x, size_t x_stride, int nc,
              float* out, size_t out_stride) {
  kernels::ScalarKernels().q4_0.dot(n, w, w_stride, nr, x, x_stride, nc, out, out_stride);
  out[0] += 0.5f;  // one element of the tile off
}

TEST(KernelSelfTest, PassesForSupportedSetsAndRefusesAWrongOne) {
  for (const char* name : {"scalar", "avx2", "avx512", "amx"}) {
    const kernels::KernelSet* set = kernels::Supported(name);
    if (set == nullptr) continue;  // not compiled in or not this CPU's
    EXPECT_TRUE(kernels::SelfTest(*set)) << name;
    EXPECT_EQ(kernels::ByName(name), set) << name << " is supported but refused";
  }
  kernels::KernelSet broken = kernels::ScalarKernels();
  broken.q4_0.dot = WrongDot;
  EXPECT_FALSE(kernels::SelfTest(broken));
}

}  // namespace
}  // namespace fl::lm
