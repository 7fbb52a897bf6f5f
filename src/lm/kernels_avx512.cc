// The AVX-512 VNNI kernel set: the AVX2 code with int8 products by vpdpbusd (compiled
// with AVX-512 flags; chosen at run time).
#if defined(__x86_64__)
#define FL_KERNEL_SET "avx512"
#define FL_KERNEL_VNNI 1
#include "lm/kernels_x86.inc"

namespace fl::lm::kernels {

const KernelSet* Avx512Kernels() {
  static const bool supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                                __builtin_cpu_supports("f16c") && __builtin_cpu_supports("avx512f") &&
                                __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") &&
                                __builtin_cpu_supports("avx512vnni");
  return supported ? &kSet : nullptr;
}

}  // namespace fl::lm::kernels
#else
#include "lm/kernels.h"
namespace fl::lm::kernels {
const KernelSet* Avx512Kernels() { return nullptr; }
}  // namespace fl::lm::kernels
#endif
