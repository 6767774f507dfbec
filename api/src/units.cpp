#include "api/units.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace scaleplan::api {

std::string field_name(std::string_view field) {
  if (field.substr(0, 2) == "--") field.remove_prefix(2);
  std::string name(field);
  for (char& c : name) c = c == '-' ? '_' : c;
  return name;
}

std::string dashed(std::string_view name) {
  std::string flag(name);
  for (char& c : flag) c = c == '_' ? '-' : c;
  return flag;
}

namespace {

[[noreturn]] void bad(std::string_view field, std::string_view text, std::string_view why) {
  throw InputError(Field{field_name(field)}, "'" + std::string(text) + "' " + std::string(why) +
                                                 "; expected a positive number such as 7B, 1.4T, 70M, "
                                                 "125k or 5.76e23");
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Underscores group digits (1_000_000) and stand only between digits.
std::string without_grouping(std::string_view s, std::string_view field, std::string_view text) {
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
  return digits;
}

// The SI multiplier a suffix stands for (B for billions, as model sizes are written).
double suffix_scale(std::string_view suffix, std::string_view field, std::string_view text) {
  if (suffix.empty()) return 1;
  if (suffix == "k" || suffix == "K") return 1e3;
  if (suffix == "M") return 1e6;
  if (suffix == "B" || suffix == "G") return 1e9;
  if (suffix == "T") return 1e12;
  if (suffix == "P") return 1e15;
  bad(field, text, "has an unknown suffix '" + std::string(suffix) + "' (known: k, M, B, G, T, P)");
}

}  // namespace

double parse_quantity(std::string_view text, std::string_view field) {
  const std::string_view s = trimmed(text);
  if (s.empty()) bad(field, text, "is empty");
  if (s.size() > 64) bad(field, text.substr(0, 64), "is too long");
  const std::string digits = without_grouping(s, field, text);

  double value = 0;
  const char* begin = digits.data();
  const char* end = digits.data() + digits.size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec == std::errc::result_out_of_range) bad(field, text, "is out of range");
  if (ec != std::errc() || ptr == begin) bad(field, text, "is not a number");
  value *= suffix_scale(std::string_view(ptr, end - ptr), field, text);
  if (!std::isfinite(value)) bad(field, text, "is not finite");
  const Domain* d = domain_of(field);
  if (d != nullptr && d->low == 0 && value == 0) return 0;
  // A field with a domain says it (days, a PUE), not the examples of sizes.
  if (d != nullptr && !(value >= d->low && value <= d->high)) {
    throw InputError(Field{field_name(field)},
                     "'" + std::string(text) + "' is outside its domain; expected " + domain_text(*d));
  }
  if (!(value > 0)) bad(field, text, "is not positive");
  return value;
}

int parse_count(std::string_view text, std::string_view field) {
  const double v = parse_quantity(text, field);
  // Checked as a double, before the conversion could overflow.
  if (v != std::floor(v) || v > std::numeric_limits<int>::max()) {
    const Domain* d = domain_of(field);
    throw InputError(Field{field_name(field)},
                     "'" + std::string(text) + "' is not a whole count; expected " +
                         (d != nullptr ? domain_text(*d) : std::string("a whole number")));
  }
  return static_cast<int>(v);
}

// One domain per flag, whatever command takes it, so the same flag means
// the same thing everywhere. The bounds keep results finite and physical.
const Domain* domain_of(std::string_view field) {
  static const Domain kDomains[] = {
      // A 1k-parameter model is a toy; 1e16 is 10,000x the largest dense model announced.
      {"--params", 1e3, 1e16, "parameters"},
      {"--target-params", 1e3, 1e16, "parameters"},
      {"--max-params", 1e3, 1e16, "parameters"},
      {"--min-params", 1e3, 1e16, "parameters"},
      // Llama 3 trained on 1.5e13 tokens (Dubey et al. 2024, sec. 3); 1e18 leaves room.
      {"--tokens", 1e3, 1e18, "tokens"},
      {"--unique-tokens", 1e3, 1e18, "tokens"},
      {"--inference-tokens", 1, 1e20, "tokens"},
      {"--global-batch-tokens", 1, 1e10, "tokens"},
      {"--flops", 1e6, 1e33, "FLOPs"},
      {"--budget-flops", 1e6, 1e33, "FLOPs"},
      {"--gpus", 1, 1048576, "accelerators (a whole count)"},
      {"--seq-len", 1, 1e7, "tokens (a whole count)"},
      {"--mfu", 1e-4, 1, "(a fraction of peak)"},
      {"--pue", 1, 3, "(facility energy / IT energy)"},
      // 0: a fully renewable supply; the dirtiest grids are near 1,000 (Ember 2024).
      {"--carbon-intensity", 0, 2000, "gCO2eq/kWh"},
      {"--power-w", 1, 1e5, "W per accelerator"},
      {"--gpu-hours", 1e-3, 1e12, "GPU-hours"},
      {"--network-gbps", 0.1, 1e5, "Gbit/s"},
      {"--deadline-days", 0.01, 3650, "days"},
      {"--kwh", 1e-6, 1e12, "kWh"},
      {"--co2-kg", 1e-6, 1e12, "kg CO2eq"},
      {"--budget-kwh", 1e-6, 1e12, "kWh"},
      {"--budget-co2-kg", 1e-6, 1e12, "kg CO2eq"},
      {"--target-loss", 1e-3, 100, "nats per token"},
      {"--max-loss", 1e-3, 100, "nats per token"},
      {"--experiment-overhead", 1, 100, "(x the final run)"},
      {"--offset-price", 1e-3, 1e6, "US$ per tonne CO2eq"},
      {"--lr", 1e-8, 1, "(peak learning rate)"},
  };
  const std::string name = field_name(field);
  for (const Domain& d : kDomains) {
    if (d.flag.substr(2) == dashed(name)) return &d;
  }
  return nullptr;
}

std::string domain_text(const Domain& d) {
  auto g = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return plain_exponent(buf);
  };
  return "a value from " + g(d.low) + " to " + g(d.high) + " " + d.unit;
}

std::string human_count(double value) {
  static const struct {
    double scale;
    const char* suffix;
  } kUnits[] = {{1e15, "P"}, {1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}};
  char buf[48];
  if (!std::isfinite(value)) return "n/a";
  if (std::fabs(value) >= 1e18) return short_number(value);
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

// 3 significant figures of a value already scaled into [1, 1000).
std::string three_figures(double v) {
  char buf[48];
  const double a = std::fabs(v);
  std::snprintf(buf, sizeof buf, a >= 99.95 ? "%.0f" : a >= 9.995 ? "%.1f" : "%.2f", v);
  return buf;
}

}  // namespace

std::string human_si(double value, const std::string& unit) {
  static const char* const kPrefixes[] = {"", "k", "M", "G", "T", "P", "E", "Z", "Y"};
  if (!std::isfinite(value)) return "n/a";
  int i = 0;
  // Round first, so 999.96 becomes "1.00 k..." rather than "1000 ...".
  while (i + 1 < 9 && std::fabs(value) >= 999.5) {
    value /= 1000;
    ++i;
  }
  if (std::fabs(value) < 1 && i == 0) return short_number(value) + " " + unit;
  return three_figures(value) + " " + kPrefixes[i] + unit;
}

std::string human_energy_kwh(double kwh) { return human_si(kwh * 1000, "Wh"); }

std::string human_co2_kg(double kg) {
  static const char* const kUnits[] = {"g", "kg", "t", "kt", "Mt", "Gt"};
  if (!std::isfinite(kg)) return "n/a";
  double v = kg * 1000;
  int i = 0;
  while (i + 1 < 6 && std::fabs(v) >= 999.5) {
    v /= 1000;
    ++i;
  }
  if (std::fabs(v) < 1 && i == 0) return short_number(v) + " g";
  return three_figures(v) + " " + kUnits[i];
}

std::string human_power_w(double w) { return human_si(w, "W"); }

std::string human_flop_rate(double flop_per_s) { return human_si(flop_per_s, "FLOP/s"); }

std::string human_hours(double hours) { return human_count(hours) + " GPU-h"; }

std::string human_days(double days) {
  if (!std::isfinite(days)) return "n/a";
  // Under an hour a run is read in minutes, under a minute in seconds.
  if (days * 24 * 60 < 1) return short_number(days * 86400) + " seconds";
  if (days * 24 < 1) return short_number(days * 24 * 60) + " minutes";
  if (days < 1) return short_number(days * 24) + " hours";
  // Beyond two years a run is read in years: 34392336545 days is 94.2M years.
  if (days >= 730) return human_count(days / 365.25) + " years";
  return three_figures(days) + (days < 1.005 ? " day" : " days");
}

std::string plural(long long n, const std::string& singular, const std::string& plural_form) {
  return std::to_string(n) + " " + (n == 1 ? singular : plural_form);
}

std::string accelerator_noun(const std::string& hardware_id, long long n) {
  // TPUs and Gaudis are not GPUs; "accelerator" covers every part.
  const bool gpu = hardware_id.rfind("tpu", 0) != 0 && hardware_id.rfind("gaudi", 0) != 0;
  return gpu ? plural(n, "GPU", "GPUs") : plural(n, "accelerator", "accelerators");
}

std::string human_money_usd(double usd) {
  if (!std::isfinite(usd)) return "n/a";
  if (std::fabs(usd) < 1000) return "US$" + three_figures(usd);
  return "US$" + human_count(usd);
}

std::string human_range(const std::string& low, const std::string& high) {
  return low == high ? low : low + " - " + high;
}

std::string short_number(double value) { return std::isfinite(value) ? sig(value, 3) : "n/a"; }

std::string grouped(double value) {
  if (!(std::fabs(value) >= 1000 && value == std::floor(value) && std::fabs(value) < 1e15))
    return short_number(value);
  std::string digits = std::to_string(static_cast<long long>(std::fabs(value)));
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
  return (value < 0 ? "-" : "") + digits;
}

std::string sig(double value, int digits) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*g", digits, value);
  return plain_exponent(buf);
}

std::string as_typed(double value) {
  char buf[32];
  for (int digits = 15; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, value);
    if (std::strtod(buf, nullptr) == value) break;
  }
  return buf;
}

std::string plain_exponent(std::string t) {
  // 6.05e+21 -> 6.05e21, 4.2e-04 -> 4.2e-4: written as a user types it.
  if (auto e = t.find('e'); e != std::string::npos && e + 1 < t.size()) {
    std::string exp = t.substr(e + 1);
    const bool neg = exp[0] == '-';
    if (exp[0] == '-' || exp[0] == '+') exp.erase(0, 1);
    while (exp.size() > 1 && exp[0] == '0') exp.erase(0, 1);
    t = t.substr(0, e + 1) + (neg ? "-" : "") + exp;
  }
  return t;
}

}  // namespace scaleplan::api
