#pragma once
// The inner loop of the Huber fit (huber_solver.h): over a block of points,
//   r_i = LSE(a - alpha log N_i, b - beta log D_i, e) - log L_i,
//   rho_i = r_i for |r_i| <= delta, sign(r_i) sqrt(2 delta |r_i| - delta^2) beyond,
// returning 1/2 sum rho_i^2 (+inf if any is not finite) and, when asked,
// J'J and J'rho of the rho residuals in x = {a, b, e, alpha, beta}.
//
// Built twice from huber_kernel.inc: for the baseline x86-64 (or any other
// target) and, on x86-64, for AVX2 + FMA, where Eigen's vectorised exp and
// log run about three times faster. Plain pointers cross the boundary so the
// two builds share no Eigen symbol.

namespace scaleplan::laws::detail {

struct KernelInput {
  const double* log_n;
  const double* log_d;
  const double* log_l;
  long n;
  const double* x;  // a, b, e, alpha, beta
  double delta;
};

// jtj: 25 doubles (column-major 5x5), jtr: 5; both nullptr for the cost alone.
double huber_kernel_baseline(const KernelInput& in, double* jtj, double* jtr);
double huber_kernel_avx2(const KernelInput& in, double* jtj, double* jtr);

// The fastest build this CPU runs.
double huber_kernel(const KernelInput& in, double* jtj, double* jtr);

}  // namespace scaleplan::laws::detail
