#pragma once
// A fit as documents: the law file `scaleplan fit --output` writes (the
// law schema of law_file.h plus a "fit" provenance section), and the
// report `--json` prints.

#include <nlohmann/json.hpp>
#include <string>

#include "laws/fit.h"
#include "laws/runs.h"

namespace scaleplan::laws {

struct FitProvenance {
  std::string input_path;
  std::string input_sha256;
  std::string scaleplan_version;
  std::string law_name;
};

// SHA-256 of a file's bytes, as hex; throws LawError if unreadable.
std::string file_sha256(const std::string& path);

// The data a law was fitted on, as both fits' law files record it: the
// file, its SHA-256, the points read and the points used.
nlohmann::ordered_json fitted_data_json(const RunsData& data, const FitProvenance& provenance);

// The fitted law with its uncertainty (when bootstrapped) attached.
Law fitted_law(const FitResult& fit, const std::string& name);

nlohmann::ordered_json fit_law_document(const FitResult& fit, const RunsData& data,
                                        const FitProvenance& provenance);
nlohmann::ordered_json fit_report(const FitResult& fit, const RunsData& data,
                                  const FitProvenance& provenance);

}  // namespace scaleplan::laws
