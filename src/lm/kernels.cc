// Choosing a kernel set: the best one the CPU runs, after a self-test against the scalar
// reference. A vector set that disagrees with the reference is never used (a warning
// names it), so a kernel bug on a CPU the tests never ran on costs speed, not answers.
#if defined(__x86_64__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <cmath>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "lm/kernels.h"

namespace fl::lm::kernels {

// Every weight type's tile (4 x 3, rows of 512) and the attention helpers against the
// scalar set, on fixed pseudo-random data; differences must stay at float-rounding
// level relative to the sum of |products|.
bool SelfTest(const KernelSet& set) {
  const KernelSet& ref = ScalarKernels();
  uint64_t state = 0x243F6A8885A308D3ull;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<float>(static_cast<int32_t>(state >> 32)) / 2147483648.f;  // [-1, 1)
  };
  // Row lengths: whole 256-blocks, an odd count of 32-blocks (the one-row kernels' tail),
  // and one that is not a multiple of 8 (the float kernels' tail).
  for (int64_t n : {512, 544, 519}) {
    std::vector<float> w(4 * n), x(3 * n);
    for (float& v : w) v = next();
    for (float& v : x) v = next() * 3;
    const float tolerance = 1e-4f * static_cast<float>(n) * 3;  // of the largest possible |sum|
    for (GgmlType type : {GgmlType::kF32, GgmlType::kF16, GgmlType::kBF16, GgmlType::kQ8_0, GgmlType::kQ4_0,
                          GgmlType::kQ5_0, GgmlType::kQ4_K, GgmlType::kQ6_K}) {
      if (n % TypeInfo(static_cast<uint32_t>(type))->block != 0) continue;
      const TypeKernels* tk = set.For(type);
      const TypeKernels* tr = ref.For(type);
      const size_t w_bytes = RowBytes(type, n);
      std::vector<uint8_t> wq(4 * w_bytes);
      for (int r = 0; r < 4; ++r) QuantizeRow(type, w.data() + r * n, wq.data() + r * w_bytes, n);
      const size_t xa = tk->ActBytes(n), xr = tr->ActBytes(n);
      std::vector<uint8_t> acts(3 * xa), acts_ref(3 * xr);
      for (int c = 0; c < 3; ++c) {
        tk->quantize(x.data() + c * n, acts.data() + c * xa, n);
        tr->quantize(x.data() + c * n, acts_ref.data() + c * xr, n);
      }
      float expect[3 * 4];
      tr->dot(n, wq.data(), w_bytes, 4, acts_ref.data(), xr, 3, expect, 4);
      // Every tile shape the forward pass asks for, and the one-row path (nc = 1).
      for (int nr = 1; nr <= 4; ++nr) {
        for (int nc = 1; nc <= 3; ++nc) {
          float out[3 * 4];
          tk->dot(n, wq.data(), w_bytes, nr, acts.data(), xa, nc, out, 4);
          for (int c = 0; c < nc; ++c) {
            for (int r = 0; r < nr; ++r) {
              if (!(std::fabs(out[c * 4 + r] - expect[c * 4 + r]) <= tolerance)) return false;
            }
          }
        }
      }
    }
  }
  // Batch products (gemm) where a set has them: 16 and 5 weight rows against 19 tokens (a
  // full and a partial token group), written and accumulated.
  for (GgmlType type : {GgmlType::kQ8_0, GgmlType::kQ4_0, GgmlType::kQ5_0}) {
    const TypeKernels* tk = set.For(type);
    if (tk == nullptr || tk->gemm == nullptr || tk->pack_acts == nullptr || tk->packed_bytes == nullptr) continue;
    constexpr int64_t n = 544;
    constexpr int kRows = 16, kTokens = 19;
    std::vector<float> w(kRows * n), x(kTokens * n);
    for (float& v : w) v = next();
    for (float& v : x) v = next() * 3;
    const size_t w_bytes = RowBytes(type, n), xa = tk->ActBytes(n);
    std::vector<uint8_t> wq(kRows * w_bytes), acts(kTokens * xa);
    for (int r = 0; r < kRows; ++r) QuantizeRow(type, w.data() + r * n, wq.data() + r * w_bytes, n);
    for (int c = 0; c < kTokens; ++c) tk->quantize(x.data() + c * n, acts.data() + c * xa, n);
    const float tolerance = 1e-4f * static_cast<float>(n) * 3;
    std::vector<uint8_t> packed(tk->packed_bytes(n, kTokens));
    tk->pack_acts(n, acts.data(), xa, kTokens, 0, (kTokens + 15) / 16, packed.data());
    for (int nr : {kRows, 5}) {
      std::vector<float> out(kTokens * kRows, 1.f);
      tk->gemm(n, wq.data(), w_bytes, nr, packed.data(), 0, kTokens, out.data(), kRows, false);
      std::vector<float> again(out);
      tk->gemm(n, wq.data(), w_bytes, nr, packed.data(), 0, kTokens, again.data(), kRows, true);
      for (int c = 0; c < kTokens; ++c) {
        for (int r = 0; r < kRows; ++r) {
          const float got = out[c * kRows + r];
          if (r >= nr) {
            if (got != 1.f || again[c * kRows + r] != 1.f) return false;  // rows past nr untouched
            continue;
          }
          float expect;
          tk->dot(n, wq.data() + r * w_bytes, w_bytes, 1, acts.data() + c * xa, xa, 1, &expect, 1);
          if (!(std::fabs(got - expect) <= tolerance) || !(std::fabs(again[c * kRows + r] - 2 * got) <= tolerance)) {
            return false;
          }
        }
      }
    }
  }
  // The attention helpers, F16 and F32 cache, with and without a tail, over 5 rows.
  for (int n : {64, 67}) {
    constexpr int kRows = 5;
    const size_t stride = n + 3;
    std::vector<float> rows32(kRows * stride), q32(n), w(kRows);
    for (float& v : rows32) v = next();
    for (float& v : q32) v = next();
    for (float& v : w) v = next();
    std::vector<uint16_t> rows(kRows * stride), rows_ref(kRows * stride), q(n);
    set.to_f16(rows32.data(), rows.data(), static_cast<int>(rows32.size()));
    ref.to_f16(rows32.data(), rows_ref.data(), static_cast<int>(rows32.size()));
    if (rows != rows_ref) return false;
    set.to_f16(q32.data(), q.data(), n);
    float d1[kRows], d2[kRows], e1[kRows], e2[kRows];
    set.dots_f16(rows.data(), stride, q.data(), n, kRows, 0.5f, d1);
    ref.dots_f16(rows.data(), stride, q.data(), n, kRows, 0.5f, d2);
    set.dots_f32(rows32.data(), stride, q32.data(), n, kRows, 0.5f, e1);
    ref.dots_f32(rows32.data(), stride, q32.data(), n, kRows, 0.5f, e2);
    for (int p = 0; p < kRows; ++p) {
      if (!(std::fabs(d1[p] - d2[p]) <= 1e-4f * n) || !(std::fabs(e1[p] - e2[p]) <= 1e-4f * n)) return false;
    }
    std::vector<float> y1(n, 1.f), y2(n, 1.f), z1(n, 1.f), z2(n, 1.f);
    set.mix_f16(w.data(), rows.data(), stride, n, kRows, y1.data());
    ref.mix_f16(w.data(), rows.data(), stride, n, kRows, y2.data());
    set.mix_f32(w.data(), rows32.data(), stride, n, kRows, z1.data());
    ref.mix_f32(w.data(), rows32.data(), stride, n, kRows, z2.data());
    for (int i = 0; i < n; ++i) {
      if (!(std::fabs(y1[i] - y2[i]) <= 1e-5f * kRows) || !(std::fabs(z1[i] - z2[i]) <= 1e-5f * kRows)) return false;
    }
  }
  return true;
}

const KernelSet* Avx2Kernels() {
#if defined(__x86_64__)
  static const bool supported =
      __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
  return supported ? Avx2KernelsCompiled() : nullptr;
#else
  return nullptr;
#endif
}

const KernelSet* Avx512Kernels() {
#if defined(__x86_64__)
  static const bool supported = Avx2Kernels() != nullptr && __builtin_cpu_supports("avx512f") &&
                                __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") &&
                                __builtin_cpu_supports("avx512vnni");
  return supported ? Avx512KernelsCompiled() : nullptr;
#else
  return nullptr;
#endif
}

#if defined(__x86_64__)
namespace {

// AMX-TILE and AMX-INT8 (CPUID leaf 7: EDX bits 24 and 25), the OS saving the tile state
// (XCR0 bits 17 and 18), and Linux letting this process use it (arch_prctl
// ARCH_REQ_XCOMP_PERM for XFEATURE_XTILEDATA, feature 18).
bool AmxUsable() {
  unsigned a, b, c, d;
  __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(0));
  if (((d >> 24) & 3) != 3) return false;
  __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
  if (((c >> 27) & 1) == 0) return false;  // OSXSAVE: xgetbv is allowed
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  if (((lo >> 17) & 3) != 3) return false;
  constexpr long kArchReqXcompPerm = 0x1023, kXfeatureXtiledata = 18;
  return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
}

}  // namespace
#endif

const KernelSet* AmxKernels() {
#if defined(__x86_64__)
  static const KernelSet* set = []() -> const KernelSet* {
    const KernelSet* base = Avx512Kernels();
    if (base == nullptr || AmxGemmCompiled(GgmlType::kQ8_0) == nullptr || !AmxUsable()) return nullptr;
    static KernelSet amx = *base;
    amx.name = "amx";
    for (auto [tk, type] : {std::pair{&amx.q8_0, GgmlType::kQ8_0}, std::pair{&amx.q4_0, GgmlType::kQ4_0},
                            std::pair{&amx.q5_0, GgmlType::kQ5_0}}) {
      tk->gemm = AmxGemmCompiled(type);
      tk->pack_acts = AmxPackActsCompiled();
      tk->packed_bytes = AmxPackedBytes;
    }
    return &amx;
  }();
  return set;
#else
  return nullptr;
#endif
}

const KernelSet* Supported(const char* name) {
  const std::string_view n(name);
  if (n == "scalar") return &ScalarKernels();
  if (n == "avx2") return Avx2Kernels();
  if (n == "avx512") return Avx512Kernels();
  if (n == "amx") return AmxKernels();
  return nullptr;
}

const KernelSet* ByName(const char* name) {
  const KernelSet* set = Supported(name);
  if (set == nullptr || set == &ScalarKernels()) return set;
  // The self-test runs once per set; a set that fails is logged and never returned.
  static std::mutex mu;
  static std::map<const KernelSet*, bool> passed;
  std::lock_guard<std::mutex> lock(mu);
  auto [it, first] = passed.try_emplace(set, false);
  if (first) {
    it->second = SelfTest(*set);
    if (!it->second) {
      Log(LogLevel::kWarn, std::string("lm: the ") + set->name +
                               " kernel set disagrees with the scalar reference on this CPU and is not used");
    }
  }
  return it->second ? set : nullptr;
}

const KernelSet& Active() {
  static const KernelSet* active = [] {
    if (const char* env = std::getenv("FL_LM_KERNELS"); env != nullptr && *env != '\0') {
      if (const KernelSet* set = ByName(env)) return set;
    }
    for (const char* name : {"amx", "avx512", "avx2"}) {
      if (const KernelSet* set = ByName(name)) return set;
    }
    return &ScalarKernels();
  }();
  return *active;
}

}  // namespace fl::lm::kernels
