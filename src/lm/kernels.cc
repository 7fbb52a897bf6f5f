// Choosing a kernel set: the best one the CPU runs, after a self-test against the scalar
// reference. A vector set that disagrees with the reference is never used (a warning
// names it), so a kernel bug on a CPU the tests never ran on costs speed, not answers.
#include <cmath>
#include <cstdlib>
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
  constexpr int64_t kN = 512;
  uint64_t state = 0x243F6A8885A308D3ull;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<float>(static_cast<int32_t>(state >> 32)) / 2147483648.f;  // [-1, 1)
  };
  std::vector<float> w(4 * kN), x(3 * kN);
  for (float& v : w) v = next();
  for (float& v : x) v = next() * 3;
  for (GgmlType type : {GgmlType::kF32, GgmlType::kF16, GgmlType::kBF16, GgmlType::kQ8_0, GgmlType::kQ4_0,
                        GgmlType::kQ5_0, GgmlType::kQ4_K, GgmlType::kQ6_K}) {
    const TypeKernels* tk = set.For(type);
    const TypeKernels* tr = ref.For(type);
    const size_t w_bytes = RowBytes(type, kN);
    std::vector<uint8_t> wq(4 * w_bytes);
    for (int r = 0; r < 4; ++r) QuantizeRow(type, w.data() + r * kN, wq.data() + r * w_bytes, kN);
    const size_t xa = tk->ActBytes(kN), xr = tr->ActBytes(kN);
    std::vector<uint8_t> acts(3 * xa), acts_ref(3 * xr);
    for (int c = 0; c < 3; ++c) {
      tk->quantize(x.data() + c * kN, acts.data() + c * xa, kN);
      tr->quantize(x.data() + c * kN, acts_ref.data() + c * xr, kN);
    }
    float out[3 * 4], expect[3 * 4];
    tk->dot(kN, wq.data(), w_bytes, 4, acts.data(), xa, 3, out, 4);
    tr->dot(kN, wq.data(), w_bytes, 4, acts_ref.data(), xr, 3, expect, 4);
    for (int i = 0; i < 12; ++i) {
      // |products| summed is at most kN * 1 * 3; allow 1e-4 of that.
      if (!(std::fabs(out[i] - expect[i]) <= 1e-4f * kN * 3)) return false;
    }
    // The one-row path (generation) as well.
    tk->dot(kN, wq.data(), w_bytes, 1, acts.data(), xa, 1, out, 1);
    if (!(std::fabs(out[0] - expect[0]) <= 1e-4f * kN * 3)) return false;
  }
  std::vector<uint16_t> a(64), b(64);
  set.to_f16(x.data(), a.data(), 64);
  ref.to_f16(x.data(), b.data(), 64);
  if (a != b) return false;
  if (!(std::fabs(set.dot_f16(a.data(), a.data(), 64) - ref.dot_f16(a.data(), a.data(), 64)) <= 1e-3f)) return false;
  std::vector<float> y1(64, 1.f), y2(64, 1.f);
  set.axpy_f16(0.5f, a.data(), y1.data(), 64);
  ref.axpy_f16(0.5f, a.data(), y2.data(), 64);
  for (int i = 0; i < 64; ++i) {
    if (!(std::fabs(y1[i] - y2[i]) <= 1e-5f)) return false;
  }
  return true;
}

namespace {

// A set the CPU runs and that passed its self-test (checked once per set).
const KernelSet* Checked(const KernelSet* set, bool* tested, bool* passed) {
  if (set == nullptr) return nullptr;
  if (!*tested) {
    *passed = SelfTest(*set);
    *tested = true;
    if (!*passed) {
      Log(LogLevel::kWarn, std::string("lm: the ") + set->name +
                               " kernel set disagrees with the scalar reference on this CPU and is not used");
    }
  }
  return *passed ? set : nullptr;
}

}  // namespace

const KernelSet* ByName(const char* name) {
  static bool tested2 = false, passed2 = false, tested512 = false, passed512 = false;
  static std::mutex mu;
  const std::string_view n(name);
  if (n == "scalar") return &ScalarKernels();
  std::lock_guard<std::mutex> lock(mu);
  if (n == "avx2") return Checked(Avx2Kernels(), &tested2, &passed2);
  if (n == "avx512") return Checked(Avx512Kernels(), &tested512, &passed512);
  return nullptr;
}

const KernelSet& Active() {
  static const KernelSet* active = [] {
    if (const char* env = std::getenv("FL_LM_KERNELS"); env != nullptr && *env != '\0') {
      if (const KernelSet* set = ByName(env)) return set;
    }
    for (const char* name : {"avx512", "avx2"}) {
      if (const KernelSet* set = ByName(name)) return set;
    }
    return &ScalarKernels();
  }();
  return *active;
}

}  // namespace fl::lm::kernels
