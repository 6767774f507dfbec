#pragma once
// Numbers at the edge: human input ("7B", "1.4T", "5.76e23", "1_000_000")
// and human output ("7.00B", "449 MWh"). The libraries see plain SI values.

#include <stdexcept>
#include <string>
#include <string_view>

namespace scaleplan::cli {

// Bad command-line input; the message names the option and the value.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses a positive finite quantity with an optional suffix k/K (1e3),
// M (1e6), B or G (1e9), T (1e12), P (1e15). Underscores may separate
// digits. Throws InputError naming `field`.
double parse_quantity(std::string_view text, std::string_view field);

// 3 significant digits with a suffix: 7.00B, 1.29T, 125k, 512.
std::string human_count(double value);
// Energy from kWh: "12.3 kWh", "449 MWh", "1.2 GWh".
std::string human_energy_kwh(double kwh);
// Mass of CO2eq from kg: "850 kg", "173 t", "12.4 kt".
std::string human_co2_kg(double kg);
// Hours and days: "280 GPU-h", "1.02M GPU-h"; "21.4 days".
std::string human_hours(double hours);
std::string human_days(double days);

// %.3g in plain or scientific notation: 2.07, 5.88e+23.
std::string short_number(double value);

}  // namespace scaleplan::cli
