#pragma once
// An IsoFLOP fit as documents, as fit_report.h does for the parametric fit:
// the law file `scaleplan fit --method isoflop --output` writes (the law
// schema of law_file.h plus a "fit" provenance section), and the report
// `--json` prints.

#include <nlohmann/json.hpp>

#include "laws/fit_report.h"
#include "laws/isoflop.h"
#include "laws/runs.h"

namespace scaleplan::laws {

// The fit itself: estimates, each budget's parabola and optimum, counts.
nlohmann::ordered_json isoflop_json(const IsoflopResult& fit, const RunsData& data);

// The fitted law, named provenance.law_name, with where it came from.
nlohmann::ordered_json isoflop_law_document(const IsoflopResult& fit, const RunsData& data,
                                            const FitProvenance& provenance);
// The law without its bootstrap replicates (they belong in the law file),
// then isoflop_json.
nlohmann::ordered_json isoflop_report(const IsoflopResult& fit, const RunsData& data,
                                      const FitProvenance& provenance);

}  // namespace scaleplan::laws
