#pragma once
// Writes a folder of files in one step, so a trainer never finds half of it.

#include <string>
#include <utility>
#include <vector>

namespace scaleplan::api {

// Writes `files` (name, content) into the folder `dir` atomically: a
// temporary folder in the same parent (one filesystem, so a rename is
// atomic), every file written and flushed to disk, then renamed into place.
// Refuses a file at `dir`, a folder that is not empty (unless `force`, which
// replaces it, but never one holding any of `inputs`), or a parent that
// cannot be written; missing parents are made, as `mkdir -p` makes them. Throws InputError in the field
// `field` (emit), naming the path; on failure nothing new is left behind.
void write_folder_atomically(const std::string& dir,
                             const std::vector<std::pair<std::string, std::string>>& files, bool force,
                             const std::vector<std::string>& inputs, const std::string& field);

}  // namespace scaleplan::api
