// The AVX2 + FMA + F16C kernel set (compiled with those flags; chosen at run time).
#if defined(__x86_64__)
#define FL_KERNEL_SET "avx2"
#include "lm/kernels_x86.inc"

namespace fl::lm::kernels {

const KernelSet* Avx2Kernels() {
  static const bool supported =
      __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
  return supported ? &kSet : nullptr;
}

}  // namespace fl::lm::kernels
#else
#include "lm/kernels.h"
namespace fl::lm::kernels {
const KernelSet* Avx2Kernels() { return nullptr; }
}  // namespace fl::lm::kernels
#endif
