#pragma once
// The one way the planner writes a number into a message, note or rule
// text: a printf format (default 3 significant figures) with exponents as
// a person types them, 6.05e21 rather than 6.05e+21. Human units and SI
// prefixes are the CLI's (cli/units.h); this is for the library's own text.

#include <string>

namespace scaleplan::planner {

std::string number_text(double v, const char* format = "%.3g");

}  // namespace scaleplan::planner
