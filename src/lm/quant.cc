// Number formats: F16 / BF16 conversion, ggml's block layouts (dequantise bit-exact,
// quantise for the writer and the activations) and the portable "scalar" kernel set that
// every vector set is tested against.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "lm/kernels.h"

namespace fl::lm {
namespace {

float HalfBitsToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  const uint32_t exp = (h >> 10) & 0x1F;
  uint32_t mant = h & 0x3FF;
  uint32_t bits;
  if (exp == 0x1F) {
    bits = sign | 0x7F800000 | (mant << 13);  // inf / NaN
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  } else if (mant == 0) {
    bits = sign;
  } else {  // subnormal: normalise
    int e = -1;
    do {
      ++e;
      mant <<= 1;
    } while ((mant & 0x400) == 0);
    bits = sign | ((112 - e) << 23) | ((mant & 0x3FF) << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

struct HalfTable {
  float values[65536];
  HalfTable() {
    for (uint32_t i = 0; i < 65536; ++i) values[i] = HalfBitsToFloat(static_cast<uint16_t>(i));
  }
};
const HalfTable& Halves() {
  static const HalfTable* table = new HalfTable();
  return *table;
}

}  // namespace

float HalfToFloat(uint16_t h) { return Halves().values[h]; }

uint16_t FloatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000);
  const uint32_t abs = x & 0x7FFFFFFF;
  if (abs >= 0x7F800000) return sign | 0x7C00 | (abs > 0x7F800000 ? 0x200 : 0);  // inf, NaN
  if (abs >= 0x477FF000) return sign | 0x7C00;  // rounds to >= 65520: overflow to inf
  if (abs < 0x38800000) {                       // below the smallest normal half (2^-14)
    if (abs < 0x33000000) return sign;          // below half the smallest subnormal
    const uint32_t mant = (abs & 0x7FFFFF) | 0x800000;
    const int shift = 126 - static_cast<int>(abs >> 23);  // 14 + (113 - exp) ... to 2^-24 units
    const uint32_t q = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1);
    const uint32_t halfway = 1u << (shift - 1);
    uint32_t r = q + ((rem > halfway || (rem == halfway && (q & 1))) ? 1 : 0);
    return sign | static_cast<uint16_t>(r);
  }
  uint32_t h = ((abs >> 23) - 112) << 10 | ((abs >> 13) & 0x3FF);
  const uint32_t rem = abs & 0x1FFF;
  if (rem > 0x1000 || (rem == 0x1000 && (h & 1))) ++h;  // may carry into the exponent: correct
  return sign | static_cast<uint16_t>(h);
}

namespace kernels {

uint16_t FloatToBf16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  if ((u & 0x7FFFFFFF) > 0x7F800000) return static_cast<uint16_t>((u >> 16) | 64);  // quiet NaN
  return static_cast<uint16_t>((u + (0x7FFF + ((u >> 16) & 1))) >> 16);
}

// Q8_0 as ggml's x86 builds round it: d = amax / 127 stored as F16, q = nearest-even of
// x * 127 / amax.
void QuantizeRowQ8_0(const float* x, void* out, int64_t n) {
  auto* y = static_cast<BlockQ8_0*>(out);
  for (int64_t b = 0; b < n / kQK; ++b, x += kQK) {
    float amax = 0;
    for (int j = 0; j < kQK; ++j) amax = std::max(amax, std::fabs(x[j]));
    const float d = amax / 127.f;
    const float id = amax != 0 ? 127.f / amax : 0.f;
    y[b].d = FloatToHalf(d);
    for (int j = 0; j < kQK; ++j) y[b].qs[j] = static_cast<int8_t>(std::nearbyint(x[j] * id));
  }
}

void QuantizeRowF32(const float* x, void* out, int64_t n) { std::memcpy(out, x, n * sizeof(float)); }

void QuantizeRowBf16(const float* x, void* out, int64_t n) {
  auto* y = static_cast<uint16_t*>(out);
  for (int64_t i = 0; i < n; ++i) y[i] = FloatToBf16(x[i]);
}

// Q8_K as ggml's reference: the element of largest magnitude maps to -127.
void QuantizeRowQ8_K(const float* x, void* out, int64_t n) {
  auto* y = static_cast<BlockQ8_K*>(out);
  for (int64_t b = 0; b < n / kQKK; ++b, x += kQKK) {
    float amax = 0, max = 0;
    for (int j = 0; j < kQKK; ++j) {
      if (std::fabs(x[j]) > amax) {
        amax = std::fabs(x[j]);
        max = x[j];
      }
    }
    if (amax == 0) {
      std::memset(&y[b], 0, sizeof(BlockQ8_K));
      continue;
    }
    const float iscale = -127.f / max;
    for (int j = 0; j < kQKK; ++j) {
      y[b].qs[j] = static_cast<int8_t>(std::min(127, static_cast<int>(std::nearbyint(iscale * x[j]))));
    }
    for (int g = 0; g < kQKK / 16; ++g) {
      int sum = 0;
      for (int j = 0; j < 16; ++j) sum += y[b].qs[g * 16 + j];
      y[b].bsums[g] = static_cast<int16_t>(sum);
    }
    y[b].d = 1 / iscale;
  }
}

namespace {

// ---- quantisers for the writer (round to nearest; not ggml's iterative searches) ----

void QuantizeRowQ4_0(const float* x, BlockQ4_0* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK; ++b, x += kQK) {
    float amax = 0, max = 0;
    for (int j = 0; j < kQK; ++j) {
      if (std::fabs(x[j]) > amax) amax = std::fabs(x[j]), max = x[j];
    }
    const float d = max / -8;
    const float id = d != 0 ? 1 / d : 0;
    y[b].d = FloatToHalf(d);
    for (int j = 0; j < kQK / 2; ++j) {
      const int q0 = std::min(15, static_cast<int>(x[j] * id + 8.5f));
      const int q1 = std::min(15, static_cast<int>(x[j + 16] * id + 8.5f));
      y[b].qs[j] = static_cast<uint8_t>(q0 | (q1 << 4));
    }
  }
}

void QuantizeRowQ5_0(const float* x, BlockQ5_0* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK; ++b, x += kQK) {
    float amax = 0, max = 0;
    for (int j = 0; j < kQK; ++j) {
      if (std::fabs(x[j]) > amax) amax = std::fabs(x[j]), max = x[j];
    }
    const float d = max / -16;
    const float id = d != 0 ? 1 / d : 0;
    y[b].d = FloatToHalf(d);
    uint32_t qh = 0;
    for (int j = 0; j < kQK / 2; ++j) {
      const int q0 = std::min(31, static_cast<int>(x[j] * id + 16.5f));
      const int q1 = std::min(31, static_cast<int>(x[j + 16] * id + 16.5f));
      y[b].qs[j] = static_cast<uint8_t>((q0 & 0xF) | ((q1 & 0xF) << 4));
      qh |= static_cast<uint32_t>((q0 >> 4) & 1) << j;
      qh |= static_cast<uint32_t>((q1 >> 4) & 1) << (j + 16);
    }
    std::memcpy(y[b].qh, &qh, 4);
  }
}

void QuantizeRowQ4_K(const float* x, BlockQ4_K* y, int64_t n) {
  for (int64_t b = 0; b < n / kQKK; ++b, x += kQKK) {
    float scales[8], mins[8], max_scale = 0, max_min = 0;
    for (int s = 0; s < 8; ++s) {
      float lo = 0, hi = 0;
      for (int j = 0; j < 32; ++j) lo = std::min(lo, x[s * 32 + j]), hi = std::max(hi, x[s * 32 + j]);
      scales[s] = (hi - lo) / 15;
      mins[s] = -lo;
      max_scale = std::max(max_scale, scales[s]);
      max_min = std::max(max_min, mins[s]);
    }
    const float d = max_scale / 63, dmin = max_min / 63;
    y[b].d = FloatToHalf(d);
    y[b].dmin = FloatToHalf(dmin);
    const float dh = HalfToFloat(y[b].d), dminh = HalfToFloat(y[b].dmin);
    uint8_t sc[8], mn[8];
    for (int s = 0; s < 8; ++s) {
      sc[s] = static_cast<uint8_t>(std::min(63, static_cast<int>(std::nearbyint(dh > 0 ? scales[s] / dh : 0))));
      mn[s] = static_cast<uint8_t>(std::min(63, static_cast<int>(std::nearbyint(dminh > 0 ? mins[s] / dminh : 0))));
    }
    for (int j = 0; j < 4; ++j) {
      y[b].scales[j] = static_cast<uint8_t>(sc[j] | ((sc[j + 4] >> 4) << 6));
      y[b].scales[j + 4] = static_cast<uint8_t>(mn[j] | ((mn[j + 4] >> 4) << 6));
      y[b].scales[j + 8] = static_cast<uint8_t>((sc[j + 4] & 0xF) | ((mn[j + 4] & 0xF) << 4));
    }
    for (int s = 0; s < 8; ++s) {
      const float step = dh * sc[s], offset = dminh * mn[s];
      for (int j = 0; j < 32; ++j) {
        const int q = step > 0 ? std::clamp(static_cast<int>(std::nearbyint((x[s * 32 + j] + offset) / step)), 0, 15) : 0;
        uint8_t& byte = y[b].qs[(s / 2) * 32 + j];
        byte = (s % 2 == 0) ? static_cast<uint8_t>((byte & 0xF0) | q) : static_cast<uint8_t>((byte & 0x0F) | (q << 4));
      }
    }
  }
}

void QuantizeRowQ6_K(const float* x, BlockQ6_K* y, int64_t n) {
  for (int64_t b = 0; b < n / kQKK; ++b, x += kQKK) {
    float scales[16], max_scale = 0;
    for (int g = 0; g < 16; ++g) {
      float amax = 0;
      for (int j = 0; j < 16; ++j) amax = std::max(amax, std::fabs(x[g * 16 + j]));
      scales[g] = amax / 31;
      max_scale = std::max(max_scale, scales[g]);
    }
    const float d = max_scale / 127;
    y[b].d = FloatToHalf(d);
    const float dh = HalfToFloat(y[b].d);
    int8_t q[kQKK];
    for (int g = 0; g < 16; ++g) {
      y[b].scales[g] = static_cast<int8_t>(std::min(127, static_cast<int>(std::nearbyint(dh > 0 ? scales[g] / dh : 0))));
      const float step = dh * y[b].scales[g];
      for (int j = 0; j < 16; ++j) {
        q[g * 16 + j] = static_cast<int8_t>(
            step > 0 ? std::clamp(static_cast<int>(std::nearbyint(x[g * 16 + j] / step)), -32, 31) : 0);
      }
    }
    // The inverse of the dequantisation layout: two halves of 128, each 4 rows of 32.
    std::memset(y[b].qh, 0, sizeof(y[b].qh));
    for (int half = 0; half < 2; ++half) {
      uint8_t* ql = y[b].ql + half * 64;
      uint8_t* qh = y[b].qh + half * 32;
      const int8_t* v = q + half * 128;
      for (int l = 0; l < 32; ++l) {
        const int q1 = v[l] + 32, q2 = v[l + 32] + 32, q3 = v[l + 64] + 32, q4 = v[l + 96] + 32;
        ql[l] = static_cast<uint8_t>((q1 & 0xF) | ((q3 & 0xF) << 4));
        ql[l + 32] = static_cast<uint8_t>((q2 & 0xF) | ((q4 & 0xF) << 4));
        qh[l] = static_cast<uint8_t>((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
      }
    }
  }
}

// ---- dequantisers (ggml's dequantize_row_*) ----

void DequantQ8_0(const BlockQ8_0* x, float* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK; ++b) {
    const float d = HalfToFloat(x[b].d);
    for (int j = 0; j < kQK; ++j) y[b * kQK + j] = x[b].qs[j] * d;
  }
}

void DequantQ4_0(const BlockQ4_0* x, float* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK; ++b) {
    const float d = HalfToFloat(x[b].d);
    for (int j = 0; j < kQK / 2; ++j) {
      y[b * kQK + j] = ((x[b].qs[j] & 0xF) - 8) * d;
      y[b * kQK + j + 16] = ((x[b].qs[j] >> 4) - 8) * d;
    }
  }
}

void DequantQ5_0(const BlockQ5_0* x, float* y, int64_t n) {
  for (int64_t b = 0; b < n / kQK; ++b) {
    const float d = HalfToFloat(x[b].d);
    uint32_t qh;
    std::memcpy(&qh, x[b].qh, 4);
    for (int j = 0; j < kQK / 2; ++j) {
      const int x0 = (x[b].qs[j] & 0xF) | (((qh >> j) & 1) << 4);
      const int x1 = (x[b].qs[j] >> 4) | (((qh >> (j + 16)) & 1) << 4);
      y[b * kQK + j] = (x0 - 16) * d;
      y[b * kQK + j + 16] = (x1 - 16) * d;
    }
  }
}

void DequantQ4_K(const BlockQ4_K* x, float* y, int64_t n) {
  for (int64_t b = 0; b < n / kQKK; ++b) {
    const float d = HalfToFloat(x[b].d), dmin = HalfToFloat(x[b].dmin);
    const uint8_t* q = x[b].qs;
    for (int j = 0; j < 4; ++j, q += 32) {
      uint8_t sc, m;
      ScaleMinK4(2 * j, x[b].scales, &sc, &m);
      const float d1 = d * sc, m1 = dmin * m;
      ScaleMinK4(2 * j + 1, x[b].scales, &sc, &m);
      const float d2 = d * sc, m2 = dmin * m;
      for (int l = 0; l < 32; ++l) *y++ = d1 * (q[l] & 0xF) - m1;
      for (int l = 0; l < 32; ++l) *y++ = d2 * (q[l] >> 4) - m2;
    }
  }
}

void DequantQ6_K(const BlockQ6_K* x, float* y, int64_t n) {
  for (int64_t b = 0; b < n / kQKK; ++b) {
    const float d = HalfToFloat(x[b].d);
    const uint8_t* ql = x[b].ql;
    const uint8_t* qh = x[b].qh;
    const int8_t* sc = x[b].scales;
    for (int half = 0; half < 2; ++half, y += 128, ql += 64, qh += 32, sc += 8) {
      for (int l = 0; l < 32; ++l) {
        const int is = l / 16;
        const int q1 = static_cast<int8_t>((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
        const int q2 = static_cast<int8_t>((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
        const int q3 = static_cast<int8_t>((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
        const int q4 = static_cast<int8_t>((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
        y[l] = d * sc[is] * q1;
        y[l + 32] = d * sc[is + 2] * q2;
        y[l + 64] = d * sc[is + 4] * q3;
        y[l + 96] = d * sc[is + 6] * q4;
      }
    }
  }
}

// ---- the scalar kernel set ----

void QuantizeF16(const float* x, void* out, int64_t n) {
  auto* y = static_cast<uint16_t*>(out);
  for (int64_t i = 0; i < n; ++i) y[i] = FloatToHalf(x[i]);
}

float DotF32(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const float*>(w);
  const auto* b = static_cast<const float*>(x);
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(a[i]) * b[i];
  return static_cast<float>(sum);
}
float DotF16(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const uint16_t*>(w);
  const auto* b = static_cast<const uint16_t*>(x);
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(HalfToFloat(a[i])) * HalfToFloat(b[i]);
  return static_cast<float>(sum);
}
float DotBf16(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const uint16_t*>(w);
  const auto* b = static_cast<const uint16_t*>(x);
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(Bf16ToFloat(a[i])) * Bf16ToFloat(b[i]);
  return static_cast<float>(sum);
}
float DotQ8_0(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const BlockQ8_0*>(w);
  const auto* b = static_cast<const BlockQ8_0*>(x);
  float sum = 0;
  for (int64_t k = 0; k < n / kQK; ++k) {
    int sumi = 0;
    for (int j = 0; j < kQK; ++j) sumi += a[k].qs[j] * b[k].qs[j];
    sum += sumi * (HalfToFloat(a[k].d) * HalfToFloat(b[k].d));
  }
  return sum;
}
float DotQ4_0(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const BlockQ4_0*>(w);
  const auto* b = static_cast<const BlockQ8_0*>(x);
  float sum = 0;
  for (int64_t k = 0; k < n / kQK; ++k) {
    int sumi = 0;
    for (int j = 0; j < kQK / 2; ++j) {
      sumi += ((a[k].qs[j] & 0xF) - 8) * b[k].qs[j] + ((a[k].qs[j] >> 4) - 8) * b[k].qs[j + 16];
    }
    sum += sumi * (HalfToFloat(a[k].d) * HalfToFloat(b[k].d));
  }
  return sum;
}
float DotQ5_0(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const BlockQ5_0*>(w);
  const auto* b = static_cast<const BlockQ8_0*>(x);
  float sum = 0;
  for (int64_t k = 0; k < n / kQK; ++k) {
    uint32_t qh;
    std::memcpy(&qh, a[k].qh, 4);
    int sumi = 0;
    for (int j = 0; j < kQK / 2; ++j) {
      const int x0 = ((a[k].qs[j] & 0xF) | (((qh >> j) & 1) << 4)) - 16;
      const int x1 = ((a[k].qs[j] >> 4) | (((qh >> (j + 16)) & 1) << 4)) - 16;
      sumi += x0 * b[k].qs[j] + x1 * b[k].qs[j + 16];
    }
    sum += sumi * (HalfToFloat(a[k].d) * HalfToFloat(b[k].d));
  }
  return sum;
}
float DotQ4_K(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const BlockQ4_K*>(w);
  const auto* b = static_cast<const BlockQ8_K*>(x);
  float sum = 0;
  for (int64_t k = 0; k < n / kQKK; ++k) {
    int sumi = 0, summ = 0;
    for (int s = 0; s < 8; ++s) {
      uint8_t sc, m;
      ScaleMinK4(s, a[k].scales, &sc, &m);
      const uint8_t* q = a[k].qs + (s / 2) * 32;
      const int8_t* y = b[k].qs + s * 32;
      int dot = 0;
      for (int l = 0; l < 32; ++l) dot += ((s % 2 == 0) ? (q[l] & 0xF) : (q[l] >> 4)) * y[l];
      sumi += sc * dot;
      summ += m * (b[k].bsums[2 * s] + b[k].bsums[2 * s + 1]);
    }
    sum += b[k].d * HalfToFloat(a[k].d) * sumi - b[k].d * HalfToFloat(a[k].dmin) * summ;
  }
  return sum;
}
float DotQ6_K(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const BlockQ6_K*>(w);
  const auto* b = static_cast<const BlockQ8_K*>(x);
  float sum = 0;
  for (int64_t k = 0; k < n / kQKK; ++k) {
    int sumi = 0;
    for (int half = 0; half < 2; ++half) {
      const uint8_t* ql = a[k].ql + half * 64;
      const uint8_t* qh = a[k].qh + half * 32;
      const int8_t* sc = a[k].scales + half * 8;
      const int8_t* y = b[k].qs + half * 128;
      int part[8] = {};
      for (int l = 0; l < 32; ++l) {
        const int is = l / 16;
        part[is] += (((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32) * y[l];
        part[is + 2] += (((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32) * y[l + 32];
        part[is + 4] += (((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32) * y[l + 64];
        part[is + 6] += (((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32) * y[l + 96];
      }
      for (int g = 0; g < 8; ++g) sumi += sc[g] * part[g];
    }
    sum += b[k].d * HalfToFloat(a[k].d) * sumi;
  }
  return sum;
}

template <float (*Dot)(int64_t, const void*, const void*)>
void DotTile(int64_t n, const uint8_t* w, size_t w_stride, int nr, const uint8_t* x, size_t x_stride, int nc,
             float* out, size_t out_stride) {
  for (int r = 0; r < nr; ++r) {
    for (int c = 0; c < nc; ++c) out[c * out_stride + r] = Dot(n, w + r * w_stride, x + c * x_stride);
  }
}

void DotsF16(const uint16_t* rows, size_t stride, const uint16_t* q, int n, int count, float scale, float* out) {
  for (int p = 0; p < count; ++p, rows += stride) {
    float sum = 0;
    for (int i = 0; i < n; ++i) sum += HalfToFloat(rows[i]) * HalfToFloat(q[i]);
    out[p] = sum * scale;
  }
}
void MixF16(const float* w, const uint16_t* rows, size_t stride, int n, int count, float* y) {
  for (int p = 0; p < count; ++p, rows += stride) {
    const float a = HalfToFloat(FloatToHalf(w[p]));
    for (int i = 0; i < n; ++i) y[i] += a * HalfToFloat(rows[i]);
  }
}
void DotsF32(const float* rows, size_t stride, const float* q, int n, int count, float scale, float* out) {
  for (int p = 0; p < count; ++p, rows += stride) {
    float sum = 0;
    for (int i = 0; i < n; ++i) sum += rows[i] * q[i];
    out[p] = sum * scale;
  }
}
void MixF32(const float* w, const float* rows, size_t stride, int n, int count, float* y) {
  for (int p = 0; p < count; ++p, rows += stride) {
    for (int i = 0; i < n; ++i) y[i] += w[p] * rows[i];
  }
}
void ToF16(const float* x, uint16_t* y, int n) {
  for (int i = 0; i < n; ++i) y[i] = FloatToHalf(x[i]);
}

const KernelSet kScalar = {
    .name = "scalar",
    .f32 = {GgmlType::kF32, QuantizeRowF32, DotTile<DotF32>},
    .f16 = {GgmlType::kF16, QuantizeF16, DotTile<DotF16>},
    .bf16 = {GgmlType::kBF16, QuantizeRowBf16, DotTile<DotBf16>},
    .q8_0 = {GgmlType::kQ8_0, QuantizeRowQ8_0, DotTile<DotQ8_0>},
    .q4_0 = {GgmlType::kQ8_0, QuantizeRowQ8_0, DotTile<DotQ4_0>},
    .q5_0 = {GgmlType::kQ8_0, QuantizeRowQ8_0, DotTile<DotQ5_0>},
    .q4_k = {GgmlType::kQ8_K, QuantizeRowQ8_K, DotTile<DotQ4_K>},
    .q6_k = {GgmlType::kQ8_K, QuantizeRowQ8_K, DotTile<DotQ6_K>},
    .dots_f16 = DotsF16,
    .mix_f16 = MixF16,
    .dots_f32 = DotsF32,
    .mix_f32 = MixF32,
    .to_f16 = ToF16,
};

}  // namespace

const TypeKernels* KernelSet::For(GgmlType type) const {
  switch (type) {
    case GgmlType::kF32: return &f32;
    case GgmlType::kF16: return &f16;
    case GgmlType::kBF16: return &bf16;
    case GgmlType::kQ8_0: return &q8_0;
    case GgmlType::kQ4_0: return &q4_0;
    case GgmlType::kQ5_0: return &q5_0;
    case GgmlType::kQ4_K: return &q4_k;
    case GgmlType::kQ6_K: return &q6_k;
    default: return nullptr;
  }
}

const KernelSet& ScalarKernels() { return kScalar; }

}  // namespace kernels

size_t RowBytes(GgmlType type, int64_t n) {
  const GgmlTypeInfo* info = TypeInfo(static_cast<uint32_t>(type));
  if (info == nullptr || info->block == 0) return 0;
  return static_cast<size_t>(n / info->block) * info->bytes;
}

bool DequantizeRow(GgmlType type, const void* row, float* out, int64_t n) {
  using namespace kernels;
  switch (type) {
    case GgmlType::kF32: std::memcpy(out, row, n * sizeof(float)); return true;
    case GgmlType::kF16:
      for (int64_t i = 0; i < n; ++i) out[i] = HalfToFloat(static_cast<const uint16_t*>(row)[i]);
      return true;
    case GgmlType::kBF16:
      for (int64_t i = 0; i < n; ++i) out[i] = Bf16ToFloat(static_cast<const uint16_t*>(row)[i]);
      return true;
    case GgmlType::kQ8_0: DequantQ8_0(static_cast<const BlockQ8_0*>(row), out, n); return true;
    case GgmlType::kQ4_0: DequantQ4_0(static_cast<const BlockQ4_0*>(row), out, n); return true;
    case GgmlType::kQ5_0: DequantQ5_0(static_cast<const BlockQ5_0*>(row), out, n); return true;
    case GgmlType::kQ4_K: DequantQ4_K(static_cast<const BlockQ4_K*>(row), out, n); return true;
    case GgmlType::kQ6_K: DequantQ6_K(static_cast<const BlockQ6_K*>(row), out, n); return true;
    default: return false;
  }
}

bool QuantizeRow(GgmlType type, const float* x, void* row, int64_t n) {
  using namespace kernels;
  switch (type) {
    case GgmlType::kF32: QuantizeRowF32(x, row, n); return true;
    case GgmlType::kF16: QuantizeF16(x, row, n); return true;
    case GgmlType::kBF16: QuantizeRowBf16(x, row, n); return true;
    case GgmlType::kQ8_0: QuantizeRowQ8_0(x, row, n); return true;
    case GgmlType::kQ4_0: QuantizeRowQ4_0(x, static_cast<BlockQ4_0*>(row), n); return true;
    case GgmlType::kQ5_0: QuantizeRowQ5_0(x, static_cast<BlockQ5_0*>(row), n); return true;
    case GgmlType::kQ4_K: QuantizeRowQ4_K(x, static_cast<BlockQ4_K*>(row), n); return true;
    case GgmlType::kQ6_K: QuantizeRowQ6_K(x, static_cast<BlockQ6_K*>(row), n); return true;
    case GgmlType::kQ8_K: QuantizeRowQ8_K(x, row, n); return true;
    default: return false;
  }
}

}  // namespace fl::lm
