#pragma once
// Numbers at the edge: human input ("7B", "1.4T", "5.76e23", "1_000_000")
// and human output ("7.00B", "449 MWh"). The libraries see plain SI values.

#include <stdexcept>

#include <string>
#include <string_view>
#include "api/errors.h"

namespace scaleplan::api {

// A field's name as the API spells it (target_params) from its name or
// its flag (--target-params), and back to the flag's spelling without the
// dashes in front (target-params).
std::string field_name(std::string_view field);
std::string dashed(std::string_view name);

// Parses a positive finite quantity with an optional suffix k/K (1e3),
// M (1e6), B or G (1e9), T (1e12), P (1e15). Underscores may separate
// digits. A field with a domain (domain_of) is checked against it. Throws
// InputError naming `field` (a name, or a flag: --params and params are one).
double parse_quantity(std::string_view text, std::string_view field);

// The domain of a numeric flag, shared by every command that takes it.
struct Domain {
  std::string_view flag;
  double low, high;  // inclusive; low == 0 admits zero
  const char* unit;
};
// The domain of `field` (a flag such as "--params"), or null when it has none.
const Domain* domain_of(std::string_view field);
// "a value from 1000 to 1e+16 parameters".
std::string domain_text(const Domain& d);

// A whole count (--gpus, --seq-len) within its domain, checked as a double
// before any conversion to int. Throws InputError naming `field`.
int parse_count(std::string_view text, std::string_view field);

// 3 significant digits with a suffix: 7.00B, 1.29T, 125k, 512.
std::string human_count(double value);
// One formatter for the human output: 3 significant figures, SI prefixes
// with the unit. The JSON output keeps exact numbers instead.
// "950 W", "1.00 kW", "2.25 PFLOP/s": a value with an SI prefix on `unit`.
std::string human_si(double value, const std::string& unit);
// Energy from kWh: "12.3 kWh", "449 MWh", "1.69 EWh".
std::string human_energy_kwh(double kwh);
// Mass of CO2eq from kg: "850 kg", "173 t", "12.4 kt".
std::string human_co2_kg(double kg);
std::string human_power_w(double w);
std::string human_flop_rate(double flop_per_s);
// Hours and days: "280 GPU-h", "1.02M GPU-h"; "21.4 days", "94.2M years".
std::string human_hours(double hours);
std::string human_days(double days);
// "1 GPU", "8 GPUs"; "4 accelerators" for TPUs and Gaudis.
std::string plural(long long n, const std::string& singular, const std::string& plural_form);
std::string accelerator_noun(const std::string& hardware_id, long long n);
// A price in US dollars: "US$750", "US$7.57k".
std::string human_money_usd(double usd);
// "a - b", or just "a" when both ends read the same.
std::string human_range(const std::string& low, const std::string& high);

// %.3g in plain or scientific notation, exponent as typed: 2.07, 5.88e23.
// For dimensionless numbers and FLOP counts only.
std::string short_number(double value);
// A whole number with thousands separators (1,500), else short_number: how
// the EPS thresholds are written.
std::string grouped(double value);
// `value` to `digits` significant figures the same way (%.*g, exponent as
// typed), "inf" and "nan" as printf writes them.
std::string sig(double value, int digits);
// "1e+16" -> "1e16", "4.2e-04" -> "4.2e-4"; other text unchanged.
std::string plain_exponent(std::string text);
// The shortest text of 15 to 17 significant digits (%.*g) that reads back
// as `value`: a number as it was typed (2.1, 7000000000, 1e+18), for a
// message that repeats it and for a JSON number checked as typed text.
std::string as_typed(double value);

}  // namespace scaleplan::api
