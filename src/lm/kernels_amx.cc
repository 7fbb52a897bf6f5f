// AMX int8 prompt products for Q8_0, Q4_0 and Q5_0 weights (compiled with AMX and
// AVX-512 flags; kernels.cc checks the CPU and the kernel's permission before any of this
// runs).
//
// One call multiplies up to 16 weight rows by every token of a batch:
//   1. the rows are repacked once into signed int8 in AMX's VNNI layout, block by block
//      (a block of 32 values is a B tile of 8 rows x 64 bytes: 16 weight rows x 4 bytes);
//   2. for each group of up to 16 tokens and each block, the activations' int8 values
//      are loaded as an A tile (16 rows x 32 bytes, contiguous: PackActs has laid the
//      batch out group by group, block by block, once for all weight chunks), and
//      tdpbssd gives 16 x 16 int32 sums;
//   3. each block's sums are scaled by weight scale x activation scale and accumulated in
//      float (16 zmm registers, one per token, weight rows in lanes).
#if defined(__x86_64__)
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "lm/kernels.h"

namespace fl::lm::kernels {
namespace {

constexpr int kTileRows = 16;
constexpr size_t kBlockBytes = 8 * 64;  // one block of 16 rows in VNNI layout
// One block of a packed group of 16 tokens: their 32 int8 values each, then their scales.
constexpr size_t kActBlockBytes = kTileRows * kQK + kTileRows * sizeof(float);

// The 64-byte tile configuration of the AMX specification: palette 1, then per tile its
// bytes per row (u16 each, at offset 16) and its rows (u8 each, at offset 48).
struct alignas(64) TileConfig {
  uint8_t palette = 1;
  uint8_t start_row = 0;
  uint8_t reserved[14] = {};
  uint16_t colsb[16] = {};
  uint8_t rows[16] = {};
};

thread_local int configured = -1;  // the token count the tiles are set up for; -1: released

// Two sets of tiles, for even and odd blocks, so that one block's product runs while the
// other's sums are scaled: tmm0 / tmm3: C (tokens x 16 int32), tmm1 / tmm4: A (tokens x
// 32 int8), tmm2 / tmm5: B (8 x 64 int8).
void Configure(int tokens) {
  if (configured == tokens) return;
  TileConfig cfg;
  for (int set = 0; set < 2; ++set) {
    cfg.rows[3 * set] = static_cast<uint8_t>(tokens);
    cfg.colsb[3 * set] = 64;
    cfg.rows[3 * set + 1] = static_cast<uint8_t>(tokens);
    cfg.colsb[3 * set + 1] = 32;
    cfg.rows[3 * set + 2] = 8;
    cfg.colsb[3 * set + 2] = 64;
  }
  // As inline assembly with the configuration as a memory operand: GCC 12's
  // _tile_loadconfig does not tell the compiler that it reads cfg, so the stores that
  // fill it were dropped.
  __asm__ volatile("ldtilecfg %0" : : "m"(cfg));
  configured = tokens;
}

// The 16 rows' f16 scales of block k (at byte offset k * block of each row) as floats;
// rows outside lanes give 0.
template <size_t kBlock>
void GatherScales(const uint8_t* w, int64_t k, __m512i rows, __mmask16 lanes, float* scales) {
  const __m512i words = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), lanes, rows, w + k * kBlock, 1);
  _mm512_storeu_ps(scales, _mm512_cvtph_ps(_mm512_cvtepi32_epi16(words)));  // the low 16 bits: d
}

struct Q8_0Rows {
  static constexpr bool kGathered = true;
  static void Repack(const uint8_t* w, int64_t k, __m512i rows, __mmask16 lanes, int8_t* packed, float* scales) {
    const uint8_t* qs = w + k * sizeof(BlockQ8_0) + offsetof(BlockQ8_0, qs);
    for (int q = 0; q < kQK / 4; ++q) {
      const __m512i v = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), lanes, rows, qs + 4 * q, 1);
      _mm512_storeu_si512(packed + q * 64, v);
    }
    GatherScales<sizeof(BlockQ8_0)>(w, k, rows, lanes, scales);
  }
};
struct Q4_0Rows {
  static constexpr bool kGathered = true;
  // Bytes 4q..4q+3 hold values 4q..4q+3 (low nibbles) and 16+4q.. (high nibbles), minus 8.
  static void Repack(const uint8_t* w, int64_t k, __m512i rows, __mmask16 lanes, int8_t* packed, float* scales) {
    const uint8_t* qs = w + k * sizeof(BlockQ4_0) + offsetof(BlockQ4_0, qs);
    const __m512i low = _mm512_set1_epi8(0x0F), eight = _mm512_set1_epi8(8);
    for (int q = 0; q < kQK / 8; ++q) {
      __m512i v = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), lanes, rows, qs + 4 * q, 1);
      // Rows outside lanes are 0 bytes: (0 & 15) - 8 would be -8, so mask them back to 0.
      const __m512i lo = _mm512_maskz_mov_epi32(lanes, _mm512_sub_epi8(_mm512_and_si512(v, low), eight));
      const __m512i hi =
          _mm512_maskz_mov_epi32(lanes, _mm512_sub_epi8(_mm512_and_si512(_mm512_srli_epi16(v, 4), low), eight));
      _mm512_storeu_si512(packed + q * 64, lo);
      _mm512_storeu_si512(packed + (q + 4) * 64, hi);
    }
    GatherScales<sizeof(BlockQ4_0)>(w, k, rows, lanes, scales);
  }
};
struct Q5_0Rows {
  static constexpr bool kGathered = false;
  static void Values(const uint8_t* row, int64_t k, int8_t out[kQK], float* d) {
    const auto& b = reinterpret_cast<const BlockQ5_0*>(row)[k];
    uint32_t qh;
    std::memcpy(&qh, b.qh, 4);
    for (int j = 0; j < kQK / 2; ++j) {
      const int lo = (b.qs[j] & 0x0F) | static_cast<int>(((qh >> j) & 1) << 4);
      const int hi = (b.qs[j] >> 4) | static_cast<int>(((qh >> (j + 16)) & 1) << 4);
      out[j] = static_cast<int8_t>(lo - 16);
      out[j + kQK / 2] = static_cast<int8_t>(hi - 16);
    }
    *d = _cvtsh_ss(b.d);
  }
};

// One group of `tokens` tokens (kTokens of them when that is not 0: the loops over them
// are then unrolled and the 16 sums stay in registers) against every block of the packed
// rows; out[c * out_stride + r] (=|+=) the result for the rows in lanes. A block's tile
// store waits one product after its own, and its sums are read back one more later: the
// store does not stall on the product, nor the reads on the store.
template <int kTokens>
void GroupProduct(int64_t nb, const int8_t* packed, const float* scales, const uint8_t* acts, int tokens, float* out,
                  size_t out_stride, __mmask16 lanes, bool accumulate) {
  const int count = kTokens != 0 ? kTokens : tokens;
  alignas(64) int32_t sums[2][kTileRows * kTileRows];
  __m512 acc[kTileRows];
#pragma GCC unroll 16
  for (int c = 0; c < kTileRows; ++c) acc[c] = _mm512_setzero_ps();
  // Block k's sums, scaled by its weight and activation scales, into acc.
  auto scale = [&](int64_t k, const int32_t* block_sums) {
    const __m512 dw = _mm512_loadu_ps(scales + k * kTileRows);
    const float* da = reinterpret_cast<const float*>(acts + k * kActBlockBytes + kTileRows * kQK);
#pragma GCC unroll 16
    for (int c = 0; c < count; ++c) {
      const __m512 p = _mm512_cvtepi32_ps(_mm512_load_si512(block_sums + c * kTileRows));
      acc[c] = _mm512_fmadd_ps(p, _mm512_mul_ps(dw, _mm512_set1_ps(da[c])), acc[c]);
    }
  };
  // Block k's product in tile set 0 (tmm0-2) for even k, 1 (tmm3-5) for odd k.
  auto product0 = [&](int64_t k) {
    _tile_zero(0);
    _tile_loadd(1, acts + k * kActBlockBytes, kQK);
    _tile_loadd(2, packed + k * kBlockBytes, 64);
    _tile_dpbssd(0, 1, 2);
  };
  auto product1 = [&](int64_t k) {
    _tile_zero(3);
    _tile_loadd(4, acts + k * kActBlockBytes, kQK);
    _tile_loadd(5, packed + k * kBlockBytes, 64);
    _tile_dpbssd(3, 4, 5);
  };
  // Three stages in flight: block k's product, block k - 1's store, block k - 2's scaling.
  for (int64_t k = 0; k < nb + 2; ++k) {
    if ((k & 1) == 0) {
      if (k < nb) product0(k);
      if (k >= 1 && k <= nb) _tile_stored(3, sums[1], 64);
      if (k >= 2) scale(k - 2, sums[0]);
    } else {
      if (k < nb) product1(k);
      if (k <= nb) _tile_stored(0, sums[0], 64);
      if (k >= 2) scale(k - 2, sums[1]);
    }
  }
#pragma GCC unroll 16
  for (int c = 0; c < count; ++c) {
    float* o = out + c * out_stride;
    const __m512 v = accumulate ? _mm512_add_ps(acc[c], _mm512_maskz_loadu_ps(lanes, o)) : acc[c];
    _mm512_mask_storeu_ps(o, lanes, v);
  }
}

// out[c * out_stride + r] (=|+=) row r . token c, for r < nr (<= 16) and c < nc.
template <class F>
void Gemm(int64_t n, const uint8_t* w, size_t w_stride, int nr, const uint8_t* x, size_t /*x_stride: packed*/,
          int nc, float* out, size_t out_stride, bool accumulate) {
  const int64_t nb = n / kQK;
  // 1. Repack: block k of row r, value j -> packed[k][j / 4][r][j % 4]; rows past nr are 0.
  thread_local std::vector<int8_t> packed_store;
  thread_local std::vector<float> scales_store;
  if (packed_store.size() < static_cast<size_t>(nb) * kBlockBytes) packed_store.resize(nb * kBlockBytes);
  if (scales_store.size() < static_cast<size_t>(nb) * kTileRows) scales_store.resize(nb * kTileRows);
  int8_t* const packed = packed_store.data();
  float* const scales = scales_store.data();
  const __mmask16 lanes = static_cast<__mmask16>((1u << nr) - 1);
  if constexpr (F::kGathered) {
    // Four bytes of each of the 16 rows per gather: one 64-byte row of the B tile.
    const __m512i rows = _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                                            _mm512_set1_epi32(static_cast<int>(w_stride)));
    for (int64_t k = 0; k < nb; ++k) F::Repack(w, k, rows, lanes, packed + k * kBlockBytes, scales + k * kTileRows);
  } else {
    std::memset(packed, 0, nb * kBlockBytes);
    std::memset(scales, 0, nb * kTileRows * sizeof(float));
    for (int r = 0; r < nr; ++r) {
      const uint8_t* row = w + r * w_stride;
      for (int64_t k = 0; k < nb; ++k) {
        int8_t v[kQK];
        F::Values(row, k, v, &scales[k * kTileRows + r]);
        int8_t* dst = packed + k * kBlockBytes + r * 4;
        for (int q = 0; q < kQK / 4; ++q) std::memcpy(dst + q * 64, v + 4 * q, 4);
      }
    }
  }
  // 2-3. Up to 16 tokens at a time: one tile product per block, scaled and summed in float.
  for (int c0 = 0; c0 < nc; c0 += kTileRows) {
    const int tokens = nc - c0 < kTileRows ? nc - c0 : kTileRows;
    Configure(tokens);
    const uint8_t* acts = x + (c0 / kTileRows) * nb * kActBlockBytes;
    float* o = out + c0 * out_stride;
    if (tokens == kTileRows) {
      GroupProduct<kTileRows>(nb, packed, scales, acts, tokens, o, out_stride, lanes, accumulate);
    } else {
      GroupProduct<0>(nb, packed, scales, acts, tokens, o, out_stride, lanes, accumulate);
    }
  }
  // Give the tile state back, so that the rest of the work (generation uses no tiles)
  // does not carry 8 KB more through every context switch.
  _tile_release();
  configured = -1;
}

// Groups of 16 activation rows, block by block: 16 x 32 int8 values, then 16 float
// scales (the x86 sets' extended Q8_0 rows keep them after the blocks).
void PackActs(int64_t n, const uint8_t* x, size_t x_stride, int rows, int64_t group_begin, int64_t group_end,
              uint8_t* out) {
  const int64_t nb = n / kQK;
  for (int64_t g = group_begin; g < group_end; ++g) {
    uint8_t* dst = out + g * nb * kActBlockBytes;
    const int first = static_cast<int>(g * kTileRows), count = std::min(kTileRows, rows - first);
    for (int c = 0; c < count; ++c) {
      const uint8_t* row = x + (first + c) * x_stride;
      const uint8_t* row_scales = row + nb * sizeof(BlockQ8_0);
      for (int64_t k = 0; k < nb; ++k) {
        uint8_t* block = dst + k * kActBlockBytes;
        std::memcpy(block + c * kQK, reinterpret_cast<const BlockQ8_0*>(row)[k].qs, kQK);
        std::memcpy(block + kTileRows * kQK + c * sizeof(float), row_scales + 4 * k, sizeof(float));
      }
    }
  }
}

}  // namespace

PackActsFn AmxPackActsCompiled() { return PackActs; }
size_t AmxPackedBytes(int64_t n, int rows) {
  return static_cast<size_t>((rows + kTileRows - 1) / kTileRows) * (n / kQK) * kActBlockBytes;
}

GemmFn AmxGemmCompiled(GgmlType type) {
  switch (type) {
    case GgmlType::kQ8_0: return Gemm<Q8_0Rows>;
    case GgmlType::kQ4_0: return Gemm<Q4_0Rows>;
    case GgmlType::kQ5_0: return Gemm<Q5_0Rows>;
    default: return nullptr;
  }
}

}  // namespace fl::lm::kernels
#else
#include "lm/kernels.h"
namespace fl::lm::kernels {
GemmFn AmxGemmCompiled(GgmlType) { return nullptr; }
PackActsFn AmxPackActsCompiled() { return nullptr; }
size_t AmxPackedBytes(int64_t, int) { return 0; }
}  // namespace fl::lm::kernels
#endif
