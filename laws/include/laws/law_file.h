#pragma once
// Laws as JSON: the file `scaleplan fit` writes and `--law FILE` reads.
//
// {
//   "schema_version": 1,
//   "name": "my-law",                       // optional; defaults to the file stem
//   "form": "chinchilla",                   // or "data_constrained", "kaplan", "isoflop"
//   "parameters": {"E": 1.82, "A": 482.0, "B": 2085.4, "alpha": 0.348, "beta": 0.366},
//       // data_constrained adds "R_D_star", "R_N_star";
//       // kaplan has "N_c", "D_c", "alpha_N", "alpha_D" instead; isoflop has
//       // "N_coef", "N_exponent", "flops_per_token" (default 6), "E", "A", "alpha"
//   "citation": "...", "caveat": "...",     // optional
//   "uncertainty": {                        // optional, written by fit --bootstrap
//     "standard_errors": {"E": 0.02, ...},
//     "ci95": {"E": [1.78, 1.87], ...},
//     "replicates": [[E, A, B, alpha, beta], ...]
//   },
//   "fit": {...}                            // optional provenance, ignored on load
// }

#include <nlohmann/json.hpp>
#include <string>

#include "laws/law.h"

namespace scaleplan::laws {

inline constexpr int kLawSchemaVersion = 1;

// Parses and validates a law document; `origin` names it in errors.
// Throws LawError naming the origin, the key, the value and what was expected.
Law law_from_json(const nlohmann::json& doc, const std::string& origin);

// Reads a law file. Throws LawError.
Law load_law_file(const std::string& path);

nlohmann::ordered_json law_to_json(const Law& law);

// A preset name or a path to a law file.
Law resolve_law(const std::string& name_or_path);

}  // namespace scaleplan::laws
