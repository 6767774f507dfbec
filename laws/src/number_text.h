#pragma once
// A number in a message, printf-formatted (the planner has its own, which
// laws cannot depend on).

#include <cstdio>
#include <string>

namespace scaleplan::laws {

inline std::string number_text(double v, const char* format) {
  char buf[48];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

}  // namespace scaleplan::laws
