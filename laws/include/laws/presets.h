#pragma once
// Published scaling laws shipped with scaleplan. Every constant below is
// quoted from the paper named in its preset's citation.

#include <string>
#include <vector>

#include "laws/law.h"

namespace scaleplan::laws {

// The preset used when no law is named.
inline constexpr const char* kDefaultLaw = "besiroglu2024";

const std::vector<Law>& presets();

// A preset by name; throws LawError listing the valid names.
const Law& preset(const std::string& name);

}  // namespace scaleplan::laws
