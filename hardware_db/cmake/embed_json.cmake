# Turns the JSON data files into a header of raw string literals, so the
# binary carries its database and needs no files beside it.
# Usage: cmake -DOUTPUT=header.h -DINPUTS="a.json|b.json" -P embed_json.cmake
set(content "// Generated from hardware_db/data/*.json by embed_json.cmake. Do not edit.\n#pragma once\n\nnamespace scaleplan::hardware_db::detail {\n\ninline constexpr const char* kEmbeddedData[] = {\n")
string(REPLACE "|" ";" INPUTS "${INPUTS}")
foreach(input IN LISTS INPUTS)
  file(READ "${input}" json)
  string(FIND "${json}" ")scaleplan_json\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${input} contains the raw-string delimiter")
  endif()
  get_filename_component(name "${input}" NAME)
  string(APPEND content "    // ${name}\n    R\"scaleplan_json(${json})scaleplan_json\",\n")
endforeach()
string(APPEND content "};\n\n}  // namespace scaleplan::hardware_db::detail\n")
file(WRITE "${OUTPUT}.tmp" "${content}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
