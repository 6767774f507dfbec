// huber_kernel.h for AVX2 + FMA (this file alone is compiled with
// -mavx2 -mfma). Eigen is renamed here so that none of its inline functions,
// compiled for AVX2, can stand in for the baseline build's at link time and
// reach a CPU without AVX2.
#define Eigen scaleplan_avx2_eigen
#define SCALEPLAN_KERNEL_NAME huber_kernel_avx2
#include "huber_kernel.inc"
