// The AVX2 + FMA + F16C kernel set (compiled with those flags; chosen at run time).
#if defined(__x86_64__)
#define FL_KERNEL_SET "avx2"
#include "lm/kernels_x86.inc"

namespace fl::lm::kernels {

// The set, whether or not this CPU runs it (kernels.cc checks): no code here runs before
// that check, so nothing compiled with these ISA flags can execute on a CPU without them.
const KernelSet* Avx2KernelsCompiled() { return &kSet; }

}  // namespace fl::lm::kernels
#else
#include "lm/kernels.h"
namespace fl::lm::kernels {
const KernelSet* Avx2KernelsCompiled() { return nullptr; }
}  // namespace fl::lm::kernels
#endif
