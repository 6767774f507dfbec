#pragma once
// The command line's progress line on stderr (api/progress.h), for fits
// that run longer than 2 s (SCALEPLAN_PROGRESS_AFTER_S overrides, for
// tests): a bar redrawn in place on a terminal; otherwise (a log, CI) a
// plain line at most every 5 s and at the end of each stage.

#include "api/progress.h"

namespace scaleplan::cli {

// A reporter whose 2 s start now.
api::Progress stderr_progress();

}  // namespace scaleplan::cli
