#pragma once
// Small text helpers shared by importers and reporters.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rafter {

std::string_view trim(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
std::string to_lower(std::string_view s);
std::vector<std::string_view> split(std::string_view s, char sep);

// Parses a number such as "1,619,726,202.90", "-3.5e7" or "12". Thousands separators (',')
// are accepted only between digit groups. Returns nullopt when the text is not a number.
std::optional<double> parse_number(std::string_view s);

// SI-prefixed rendering for people: 1.23e12 -> "1.23 T". Used by tables and chart axes.
std::string si_format(double v, int significant = 3);

// A value with its unit and SI prefix: (2000, "B") -> "2 kB", (50, "B/s") -> "50 B/s".
std::string si_unit(double v, std::string_view unit, int significant = 3);

// A rate (per second) for people: "8.1 k" or "0.081", never the SI milli prefix, which reads as
// million on a rate ("8.1 m samples/s").
std::string format_rate(double per_second);

// "1.5 ms", "820 us", "12.3 s".
std::string format_seconds(double s);
// A fraction as a percentage for people: "64.3%", "0.55%", "<0.01%", "129%", "0%".
std::string format_percent(double fraction);

} // namespace rafter
