// scaleplan: a compute-optimal training planner built on scaling laws.
// Exit codes: 0 success, 1 bad input or impossible request, 2 internal error.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "run.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const int code = scaleplan::cli::run(args, std::cout, std::cerr);
  // run() flushed std::cout; this catches what stdio still holds.
  if (std::fflush(stdout) != 0 && code == 0) {
    std::cerr << "scaleplan: error: cannot write the result to standard output: " << std::strerror(errno)
              << "\n";
    return 1;
  }
  return code;
}
