// The AVX-512 VNNI kernel set: the AVX2 code with int8 products by vpdpbusd (compiled
// with AVX-512 flags; chosen at run time).
#if defined(__x86_64__)
#define FL_KERNEL_SET "avx512"
#define FL_KERNEL_VNNI 1
#include "lm/kernels_x86.inc"

namespace fl::lm::kernels {

// The set, whether or not this CPU runs it (kernels.cc checks): no code here runs before
// that check, so nothing compiled with these ISA flags can execute on a CPU without them.
const KernelSet* Avx512KernelsCompiled() { return &kSet; }

}  // namespace fl::lm::kernels
#else
#include "lm/kernels.h"
namespace fl::lm::kernels {
const KernelSet* Avx512KernelsCompiled() { return nullptr; }
}  // namespace fl::lm::kernels
#endif
