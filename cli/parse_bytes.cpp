#include "cli/parse_bytes.h"

#include "core/error.h"
#include "core/text.h"

namespace rafter::cli {

double parse_bytes(const std::string& option, const std::string& text) {
    std::string t = to_lower(trim(text));
    if (t.size() > 1 && t.back() == 'b') t.pop_back();  // "64MB", "1GiB" read as 64M, 1Gi
    if (t.size() > 1 && t.back() == 'i') t.pop_back();
    double mult = 1;
    if (!t.empty()) {
        char c = t.back();
        if (c == 'k') mult = 1024;
        else if (c == 'm') mult = 1024.0 * 1024;
        else if (c == 'g') mult = 1024.0 * 1024 * 1024;
        if (mult != 1) t.pop_back();
    }
    auto v = parse_number(t);
    if (!v || *v < 0) throw_usage_error(option + " expects a size such as 4096, 64K, 256M or 1G, got '" + text + "'");
    return *v * mult;
}

} // namespace rafter::cli
