// scaleplan: a compute-optimal training planner built on scaling laws.
// Exit codes: 0 success, 1 bad input or impossible request, 2 internal error.
#include <iostream>
#include <string>
#include <vector>

#include "run.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return scaleplan::cli::run(args, std::cout, std::cerr);
}
