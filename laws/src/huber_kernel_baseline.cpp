// huber_kernel.h for the compiler's baseline instruction set, and the
// choice between the builds at run time.
#define SCALEPLAN_KERNEL_NAME huber_kernel_baseline
#include "huber_kernel.inc"

namespace scaleplan::laws::detail {

double huber_kernel(const KernelInput& in, double* jtj, double* jtr) {
#if defined(SCALEPLAN_HAVE_AVX2_KERNEL)
  static const bool kAvx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (kAvx2) return huber_kernel_avx2(in, jtj, jtr);
#endif
  return huber_kernel_baseline(in, jtj, jtr);
}

}  // namespace scaleplan::laws::detail
