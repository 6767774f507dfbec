#pragma once
// The default law for the tests of the laws and every library above them.

#include "laws/law.h"
#include "laws/presets.h"

namespace scaleplan::testing {

// The default law (laws::kDefaultLaw), built once.
inline const laws::Law& default_law() {
  static const laws::Law kLaw = laws::preset(laws::kDefaultLaw);
  return kLaw;
}

}  // namespace scaleplan::testing
