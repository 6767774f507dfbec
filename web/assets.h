#pragma once
// The files of the page `scaleplan serve` answers, compiled in by
// web/embed_assets.cmake: index.html, app.js, style.css and d3.min.js.

#include <string_view>

namespace scaleplan::web {

struct Asset {
  std::string_view path;          // "/index.html"
  std::string_view content_type;  // "text/html; charset=utf-8"
  std::string_view body;
};

// The asset served at `path`, or nullptr.
const Asset* find_asset(std::string_view path);

}  // namespace scaleplan::web
