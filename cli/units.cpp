#include "units.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace scaleplan::cli {

namespace {

[[noreturn]] void bad(std::string_view field, std::string_view text,
                      std::string_view why) {
  throw InputError(std::string(field) + ": '" + std::string(text) + "' " +
                   std::string(why) +
                   "; expected a positive number such as 7B, 1.4T, 70M, "
                   "125k or 5.76e23");
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

double parse_quantity(std::string_view text, std::string_view field) {
  std::string_view s = text;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty()) bad(field, text, "is empty");
  if (s.size() > 64) bad(field, text.substr(0, 64), "is too long");

  // Underscores group digits (1_000_000) and stand only between digits.
  std::string digits;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '_') {
      digits += s[i];
      continue;
    }
    if (i == 0 || i + 1 == s.size() || !is_digit(s[i - 1]) || !is_digit(s[i + 1])) {
      bad(field, text, "has a misplaced '_'");
    }
  }

  double value = 0;
  const char* begin = digits.data();
  const char* end = digits.data() + digits.size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec == std::errc::result_out_of_range) bad(field, text, "is out of range");
  if (ec != std::errc() || ptr == begin) bad(field, text, "is not a number");

  const std::string_view suffix(ptr, end - ptr);
  double scale = 1;
  if (suffix.empty()) {
    scale = 1;
  } else if (suffix == "k" || suffix == "K") {
    scale = 1e3;
  } else if (suffix == "M") {
    scale = 1e6;
  } else if (suffix == "B" || suffix == "G") {
    scale = 1e9;
  } else if (suffix == "T") {
    scale = 1e12;
  } else if (suffix == "P") {
    scale = 1e15;
  } else {
    bad(field, text, "has an unknown suffix '" + std::string(suffix) + "' (known: k, M, B, G, T, P)");
  }
  value *= scale;
  if (!std::isfinite(value)) bad(field, text, "is not finite");
  if (!(value > 0)) bad(field, text, "is not positive");
  return value;
}

std::string human_count(double value) {
  static const struct {
    double scale;
    const char* suffix;
  } kUnits[] = {{1e15, "P"}, {1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}};
  char buf[48];
  if (!std::isfinite(value)) return "n/a";
  if (std::fabs(value) >= 1e18) {
    std::snprintf(buf, sizeof buf, "%.3g", value);
    return buf;
  }
  for (const auto& u : kUnits) {
    if (std::fabs(value) >= u.scale) {
      const double v = value / u.scale;
      std::snprintf(buf, sizeof buf, v >= 100 ? "%.0f%s" : v >= 10 ? "%.1f%s" : "%.2f%s", v, u.suffix);
      return buf;
    }
  }
  std::snprintf(buf, sizeof buf, "%.3g", value);
  return buf;
}

namespace {

std::string scaled(double value, const char* const units[], int count, double step) {
  int i = 0;
  while (i + 1 < count && std::fabs(value) >= step) {
    value /= step;
    ++i;
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, std::fabs(value) >= 100 ? "%.0f %s" : std::fabs(value) >= 10 ? "%.1f %s" : "%.2f %s",
                value, units[i]);
  return buf;
}

}  // namespace

std::string human_energy_kwh(double kwh) {
  static const char* const kUnits[] = {"kWh", "MWh", "GWh", "TWh"};
  if (std::fabs(kwh) < 1) return short_number(kwh * 1000) + " Wh";
  return scaled(kwh, kUnits, 4, 1000);
}

std::string human_co2_kg(double kg) {
  static const char* const kUnits[] = {"kg", "t", "kt", "Mt"};
  if (std::fabs(kg) < 1) return short_number(kg * 1000) + " g";
  return scaled(kg, kUnits, 4, 1000);
}

std::string human_hours(double hours) { return human_count(hours) + " GPU-h"; }

std::string human_days(double days) {
  char buf[48];
  if (days < 1) {
    std::snprintf(buf, sizeof buf, "%.3g hours", days * 24);
  } else {
    std::snprintf(buf, sizeof buf, days >= 100 ? "%.0f days" : "%.1f days", days);
  }
  return buf;
}

std::string short_number(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", value);
  return buf;
}

}  // namespace scaleplan::cli
