#include "cli/parse_bytes.h"

#include <cmath>

#include "core/error.h"
#include "core/text.h"

namespace rafter::cli {

double parse_bytes(const std::string& option, const std::string& text) {
    std::string t = to_lower(trim(text));
    double mult = 1;
    // An optional binary unit, which may be followed by "i", "b" or "ib" (64K, 64KB, 64KiB): a
    // "b" or "i" without a unit ("2b", "1i") is not a size.
    if (size_t unit = t.find_first_of("kmgt"); unit != std::string::npos && unit > 0) {
        std::string tail = t.substr(unit + 1);
        if (tail.empty() || tail == "b" || tail == "i" || tail == "ib") {
            mult = std::ldexp(1.0, 10 * (1 + static_cast<int>(std::string_view("kmgt").find(t[unit]))));
            t.resize(unit);
        }
    }
    auto v = parse_number(t);
    // Finite and at most 1 PiB: "inf" or "1e300" would overflow the size computations after it.
    if (!v || !std::isfinite(*v) || *v < 0 || *v * mult > std::ldexp(1.0, 50))
        throw_usage_error(option + " expects a size such as 4096, 64K, 256M, 1G or 1GiB, got '" + text + "'");
    return *v * mult;
}

} // namespace rafter::cli
