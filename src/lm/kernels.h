// lm internals: block layouts and the compute kernels behind Session::Eval.
//
// Every weight type has a "vec-dot type" its activations are rounded to before a matrix
// product, as in ggml's CPU backend: F32 -> F32, F16 -> F16, BF16 -> BF16, Q8_0 / Q4_0 /
// Q5_0 -> Q8_0 (blocks of 32), Q4_K / Q6_K -> Q8_K (blocks of 256). A kernel set holds,
// per weight type, the activation quantiser and a dot-product tile: up to 4 weight rows
// times up to 4 activation rows per call, so a weight block loaded (and unpacked) once
// serves several tokens in prompt processing.
//
// Kernel sets: "scalar" (portable C++, the reference the others are tested against),
// "avx2" (AVX2 + FMA + F16C), "avx512" (the AVX2 code with AVX-512 VNNI dot products and
// its own Q4_0 generation kernel) and "amx" (avx512 with AMX int8 tiles for prompts).
// Active() picks the best the CPU runs, or the one named by FL_LM_KERNELS.
//
// Not part of the public API (lm.h); shared by quant.cc, kernels*.cc and forward.cc.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lm/lm.h"

namespace fl::lm::kernels {

constexpr int kQK = 32;    // block of Q8_0 / Q4_0 / Q5_0
constexpr int kQKK = 256;  // block of the K-quants and Q8_K

struct BlockQ8_0 {
  uint16_t d;  // f16 scale
  int8_t qs[kQK];
};
struct BlockQ4_0 {
  uint16_t d;
  uint8_t qs[kQK / 2];  // element i in the low nibble of qs[i], i + 16 in the high one
};
struct BlockQ5_0 {
  uint16_t d;
  uint8_t qh[4];  // bit i: the fifth bit of element i
  uint8_t qs[kQK / 2];
};
struct BlockQ4_K {
  uint16_t d;     // f16 super-block scale of the scales
  uint16_t dmin;  // f16 super-block scale of the mins
  uint8_t scales[12];  // 8 scales and 8 mins, 6 bits each
  uint8_t qs[kQKK / 2];
};
struct BlockQ6_K {
  uint8_t ql[kQKK / 2];  // low 4 bits
  uint8_t qh[kQKK / 4];  // high 2 bits
  int8_t scales[kQKK / 16];
  uint16_t d;
};
struct BlockQ8_K {
  float d;
  int8_t qs[kQKK];
  int16_t bsums[kQKK / 16];  // sums of each group of 16
};
static_assert(sizeof(BlockQ8_0) == 34 && sizeof(BlockQ4_0) == 18 && sizeof(BlockQ5_0) == 22);
static_assert(sizeof(BlockQ4_K) == 144 && sizeof(BlockQ6_K) == 210 && sizeof(BlockQ8_K) == 292);

// The inline helpers here are static: each ISA-specific file gets its own copy, so the
// linker can never hand an AVX-512-compiled copy to the portable code.
//
// The 6-bit scale and min of sub-block j (0..7) of a Q4_K block.
static inline void ScaleMinK4(int j, const uint8_t* q, uint8_t* scale, uint8_t* min) {
  if (j < 4) {
    *scale = q[j] & 63;
    *min = q[j + 4] & 63;
  } else {
    *scale = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
    *min = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
  }
}

// Rounds one row of n activations to the vec-dot type.
using QuantizeFn = void (*)(const float* x, void* out, int64_t n);
// The part of one activation row that blocks [block_begin, block_end) of the vec-dot type
// make, in the row's layout (x and out point at the whole row): so that threads can
// round one row together. block_begin is even; ranges that cover every block write
// exactly what `quantize` writes.
using QuantizeBlocksFn = void (*)(const float* x, void* out, int64_t n, int64_t block_begin, int64_t block_end);
// out[c * out_stride + r] = <weight row r, activation row c> for r < nr <= 4, c < nc <= 4
// (the output is token-major, like the activations).
// Rows are n values long; w and x point at row 0, rows are w_stride / x_stride bytes apart.
using DotTileFn = void (*)(int64_t n, const uint8_t* w, size_t w_stride, int nr, const uint8_t* x, size_t x_stride,
                           int nc, float* out, size_t out_stride);

// out[c * out_stride + r] = (or += with accumulate) <weight row r, activation row c> for
// r < nr <= 16 and any nc: a whole chunk of weight rows against a whole batch of tokens
// (the AMX set's prompt path). x is the batch as pack_acts wrote it (x_stride unused).
using GemmFn = void (*)(int64_t n, const uint8_t* w, size_t w_stride, int nr, const uint8_t* x, size_t x_stride,
                        int nc, float* out, size_t out_stride, bool accumulate);
// Rearranges activation rows as quantize wrote them (rows of x_stride bytes) into the
// layout gemm reads, for the groups of 16 rows [group_begin, group_end) of a batch of
// `rows`; once per batch, shared by every chunk of weight rows.
using PackActsFn = void (*)(int64_t n, const uint8_t* x, size_t x_stride, int rows, int64_t group_begin,
                            int64_t group_end, uint8_t* out);

struct TypeKernels {
  GgmlType act_type = GgmlType::kF32;
  QuantizeFn quantize = nullptr;
  DotTileFn dot = nullptr;
  // Bytes of one activation row as `quantize` writes it, when a set keeps more than the
  // plain vec-dot row (the x86 sets append per-block scales and sums); nullptr: the row.
  int64_t (*act_bytes)(int64_t n) = nullptr;
  // For batches of several tokens, when a set has them; nullptr: tiles of `dot`.
  GemmFn gemm = nullptr;
  PackActsFn pack_acts = nullptr;
  size_t (*packed_bytes)(int64_t n, int rows) = nullptr;  // of pack_acts' output
  // `quantize` by blocks, when a set has it; nullptr: one thread rounds a row.
  QuantizeBlocksFn quantize_blocks = nullptr;

  size_t ActBytes(int64_t n) const { return act_bytes != nullptr ? act_bytes(n) : RowBytes(act_type, n); }
};

struct KernelSet {
  const char* name;
  TypeKernels f32, f16, bf16, q8_0, q4_0, q5_0, q4_k, q6_k;
  // Attention of one query head over `count` positions of the F16 or F32 KV cache: rows
  // of n (head_dim) values, `stride` values apart.
  //   dots: out[p] = scale * <rows[p], q>
  //   mix:  y[0, n) += sum over p, in order, of w[p] * rows[p]; the F16 variant first
  //         rounds each weight to F16, as ggml does.
  void (*dots_f16)(const uint16_t* rows, size_t stride, const uint16_t* q, int n, int count, float scale, float* out);
  void (*mix_f16)(const float* w, const uint16_t* rows, size_t stride, int n, int count, float* y);
  void (*dots_f32)(const float* rows, size_t stride, const float* q, int n, int count, float scale, float* out);
  void (*mix_f32)(const float* w, const float* rows, size_t stride, int n, int count, float* y);
  void (*to_f16)(const float* x, uint16_t* y, int n);

  // The kernels of a weight type; nullptr for one that is not computed with.
  const TypeKernels* For(GgmlType type) const;
};

const KernelSet& ScalarKernels();
// The vector sets when compiled in and this CPU has their instructions (kernels.cc);
// nullptr otherwise.
const KernelSet* Avx2Kernels();
const KernelSet* Avx512Kernels();
// "amx": the AVX-512 set with AMX int8 tiles for Q8_0, Q4_0 and Q5_0 prompt batches,
// when the CPU has AMX-INT8 and the kernel grants this process the tile state.
const KernelSet* AmxKernels();
// The sets as compiled (kernels_avx2.cc, kernels_avx512.cc, kernels_amx.cc), without any
// CPU check: only for the functions above.
const KernelSet* Avx2KernelsCompiled();
const KernelSet* Avx512KernelsCompiled();
GemmFn AmxGemmCompiled(GgmlType type);
PackActsFn AmxPackActsCompiled();
size_t AmxPackedBytes(int64_t n, int rows);
// The best set this CPU runs, or FL_LM_KERNELS=scalar|avx2|avx512|amx when that is set
// and supported. Chosen once.
const KernelSet& Active();
// A set by name when compiled in, supported by this CPU and in agreement with the scalar
// set on a self-test (run once per set; a set that fails is logged and never returned).
const KernelSet* ByName(const char* name);
// A set by name when compiled in and this CPU has its instructions, without the self-test:
// for the tests, which must fail, not skip, when a supported set computes wrongly.
const KernelSet* Supported(const char* name);
// True when every tile and attention helper of set agrees with the scalar set on fixed
// data (what ByName checks).
bool SelfTest(const KernelSet& set);

// BF16 <-> F32 (BF16 is the high half of an F32; rounding to nearest even).
static inline float Bf16ToFloat(uint16_t h) {
  const uint32_t u = static_cast<uint32_t>(h) << 16;
  float f;
  __builtin_memcpy(&f, &u, 4);
  return f;
}
uint16_t FloatToBf16(float f);

// The portable quantisers and dots (quant.cc), also used by the vector sets for the
// activation rounding where the scalar code is already exact.
void QuantizeRowF32(const float* x, void* out, int64_t n);
void QuantizeRowBf16(const float* x, void* out, int64_t n);
void QuantizeRowQ8_0(const float* x, void* out, int64_t n);
void QuantizeRowQ8_K(const float* x, void* out, int64_t n);

}  // namespace fl::lm::kernels
