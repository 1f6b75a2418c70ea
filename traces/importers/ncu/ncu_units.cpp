#include "traces/importers/ncu/ncu_units.h"

#include <cctype>
#include <cstdint>

namespace rafter {

namespace {

struct Atom {
    std::string_view name;  // lower case
    UnitBase base;
    // The scale is mul / div, kept apart so that rates such as cycle/nsecond come out exact
    // (1 / 1e-9 is not 1e9 in floating point; 1 * 1e9 is).
    double mul, div;
    bool is_hz = false;     // "ghz" is cycle/second
};

// Every unit atom Rafter accepts. Byte prefixes are decimal as in ncu ("Kbyte" = 1000 bytes,
// "KB" likewise); Ki/Mi/Gi/Ti forms are binary.
constexpr Atom kAtoms[] = {
    {"", UnitBase::none, 1, 1},
    {"byte", UnitBase::byte, 1, 1}, {"bytes", UnitBase::byte, 1, 1}, {"b", UnitBase::byte, 1, 1},
    {"kbyte", UnitBase::byte, 1e3, 1}, {"mbyte", UnitBase::byte, 1e6, 1}, {"gbyte", UnitBase::byte, 1e9, 1},
    {"tbyte", UnitBase::byte, 1e12, 1}, {"pbyte", UnitBase::byte, 1e15, 1},
    {"kb", UnitBase::byte, 1e3, 1}, {"mb", UnitBase::byte, 1e6, 1}, {"gb", UnitBase::byte, 1e9, 1},
    {"tb", UnitBase::byte, 1e12, 1}, {"pb", UnitBase::byte, 1e15, 1},
    {"kibyte", UnitBase::byte, 1024.0, 1}, {"mibyte", UnitBase::byte, 1048576.0, 1},
    {"gibyte", UnitBase::byte, 1073741824.0, 1}, {"tibyte", UnitBase::byte, 1099511627776.0, 1},
    {"kib", UnitBase::byte, 1024.0, 1}, {"mib", UnitBase::byte, 1048576.0, 1},
    {"gib", UnitBase::byte, 1073741824.0, 1}, {"tib", UnitBase::byte, 1099511627776.0, 1},
    {"second", UnitBase::second, 1, 1}, {"s", UnitBase::second, 1, 1},
    {"msecond", UnitBase::second, 1, 1e3}, {"ms", UnitBase::second, 1, 1e3},
    {"usecond", UnitBase::second, 1, 1e6}, {"us", UnitBase::second, 1, 1e6},
    {"nsecond", UnitBase::second, 1, 1e9}, {"ns", UnitBase::second, 1, 1e9},
    {"psecond", UnitBase::second, 1, 1e12}, {"ps", UnitBase::second, 1, 1e12},
    {"cycle", UnitBase::cycle, 1, 1}, {"cycles", UnitBase::cycle, 1, 1}, {"kcycle", UnitBase::cycle, 1e3, 1},
    {"mcycle", UnitBase::cycle, 1e6, 1}, {"gcycle", UnitBase::cycle, 1e9, 1},
    {"inst", UnitBase::inst, 1, 1}, {"kinst", UnitBase::inst, 1e3, 1}, {"minst", UnitBase::inst, 1e6, 1},
    {"ginst", UnitBase::inst, 1e9, 1},
    {"hz", UnitBase::cycle, 1, 1, true}, {"khz", UnitBase::cycle, 1e3, 1, true},
    {"mhz", UnitBase::cycle, 1e6, 1, true}, {"ghz", UnitBase::cycle, 1e9, 1, true},
    {"%", UnitBase::percent, 1, 100},
};

bool iequal(std::string_view a, std::string_view lower) {
    if (a.size() != lower.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != lower[i]) return false;
    return true;
}

const Atom* find_atom(std::string_view s) {
    for (const Atom& a : kAtoms)
        if (iequal(s, a.name)) return &a;
    return nullptr;
}

} // namespace

std::optional<NcuUnit> parse_ncu_unit(std::string_view unit) {
    while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
    while (!unit.empty() && unit.back() == ' ') unit.remove_suffix(1);
    size_t slash = unit.find('/');
    const Atom* num = find_atom(unit.substr(0, slash));
    if (!num) return std::nullopt;
    NcuUnit u{num->base, num->is_hz ? UnitBase::second : UnitBase::none, num->mul, num->div};
    if (slash == std::string_view::npos) return u;
    if (num->is_hz || num->base == UnitBase::none) return std::nullopt;  // "hz/s", "/s"
    const Atom* den = find_atom(unit.substr(slash + 1));
    if (!den || den->is_hz || den->base == UnitBase::none || den->base == UnitBase::percent) return std::nullopt;
    u.den = den->base;
    u.mul = num->mul * den->div;
    u.div = num->div * den->mul;
    return u;
}

bool unit_fits(const NcuUnit& u, Quantity q) {
    switch (q) {
    case Quantity::bytes: return u.num == UnitBase::byte && u.den == UnitBase::none;
    case Quantity::seconds: return u.num == UnitBase::second && u.den == UnitBase::none;
    case Quantity::cycles:
        return (u.num == UnitBase::cycle || u.num == UnitBase::none) && u.den == UnitBase::none;
    case Quantity::count:
        return (u.num == UnitBase::inst || u.num == UnitBase::none) && u.den == UnitBase::none;
    case Quantity::frequency: return u.num == UnitBase::cycle && u.den == UnitBase::second;
    }
    return false;
}

const char* to_string(Quantity q) {
    switch (q) {
    case Quantity::bytes: return "bytes";
    case Quantity::seconds: return "a time";
    case Quantity::cycles: return "cycles";
    case Quantity::count: return "a count";
    case Quantity::frequency: return "a frequency (cycle/second)";
    }
    return "?";
}

} // namespace rafter
