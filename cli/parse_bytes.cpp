#include "cli/parse_bytes.h"

#include <cmath>

#include "core/error.h"
#include "core/text.h"

namespace rafter::cli {

double parse_bytes(const std::string& option, const std::string& text) {
    auto bad = [&]() -> double {
        throw_usage_error(option + " expects a size such as 4096, 64K, 256M, 1G or 1GiB, got '" + text + "'");
        return 0;
    };
    std::string t = to_lower(trim(text));
    // Accept "64MB" and "1GiB" as 64M and 1G (binary units either way); a "b" or "i" is only a
    // unit's tail, so "2b" and "1i" are errors, not 2 and 1.
    double mult = 1;
    for (std::string tail : {"ib", "b", "i", ""}) {
        if (t.size() <= tail.size() + 1 || t.compare(t.size() - tail.size(), tail.size(), tail) != 0) continue;
        char unit = t[t.size() - tail.size() - 1];
        double m = unit == 'k' ? 1024.0 : unit == 'm' ? 1024.0 * 1024 : unit == 'g' ? 1024.0 * 1024 * 1024
                 : unit == 't' ? 1024.0 * 1024 * 1024 * 1024 : 0;
        if (m == 0) {
            if (!tail.empty()) return bad();
            continue;
        }
        mult = m;
        t.resize(t.size() - tail.size() - 1);
        break;
    }
    auto v = parse_number(t);
    // Finite and at most 1 PiB: "inf" or "1e300" would overflow the size computations after it.
    if (!v || !std::isfinite(*v) || *v < 0 || *v * mult > std::ldexp(1.0, 50)) return bad();
    return *v * mult;
}

} // namespace rafter::cli
