#pragma once
// Nsight Compute metric units ("byte", "Kbyte", "usecond", "cycle/nsecond", "Ghz", "%", ...)
// and their scale to SI base units. ncu scales byte units by 1000 (Kbyte = 1e3 bytes); the binary
// forms (Kibyte, KiB) are accepted too and scaled by 1024.
#include <cstdint>
#include <optional>
#include <string_view>

namespace rafter {

// The base quantity of a unit's numerator or denominator.
enum class UnitBase : uint8_t { none, byte, second, cycle, inst, percent };

struct NcuUnit {
    UnitBase num = UnitBase::none;
    UnitBase den = UnitBase::none;  // none = not a rate
    double mul = 1, div = 1;        // SI value = value * mul / div (two steps keep 12.5 us exact)
    double scale() const { return mul / div; }
    double to_si(double v) const { return v * mul / div; }
};

// Parses a unit as ncu prints it; case-insensitive; "" is a plain count. "hz" family parses as
// cycle/second. Returns nullopt for a unit Rafter does not know.
std::optional<NcuUnit> parse_ncu_unit(std::string_view unit);

// What a metric's unit must be, checked before a value is used.
enum class Quantity : uint8_t { bytes, seconds, cycles, count, frequency };
bool unit_fits(const NcuUnit& u, Quantity q);
const char* to_string(Quantity q);

} // namespace rafter
