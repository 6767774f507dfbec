#pragma once
// The law a request names: a preset, a law JSON file, or a law given inline
// as a JSON object ({"name": ..., "form": ...}, as `fit` writes), with the
// repetition decay when unique tokens are given to a Chinchilla-form law
// (Muennighoff et al. 2023). Throws laws::LawError naming the law.

#include <string>

#include "laws/law.h"

namespace scaleplan::api {

laws::Law law_for(const std::string& name, bool unique_tokens_given);

}  // namespace scaleplan::api
