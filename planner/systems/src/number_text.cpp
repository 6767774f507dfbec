#include "systems/number_text.h"

#include <cstdio>

namespace scaleplan::planner {

std::string number_text(double v, const char* format) {
  char buf[96];
  std::snprintf(buf, sizeof buf, format, v);
  std::string t = buf;
  // "6.05e+21" -> "6.05e21", "1e+09" -> "1e9".
  if (const auto e = t.find("e+"); e != std::string::npos) {
    size_t digits = e + 2;
    while (digits + 1 < t.size() && t[digits] == '0') ++digits;
    t = t.substr(0, e + 1) + t.substr(digits);
  }
  return t;
}

}  // namespace scaleplan::planner
