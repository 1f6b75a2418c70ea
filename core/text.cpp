#include "core/text.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace rafter {

std::string_view trim(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    size_t start = 0;
    for (;;) {
        size_t pos = s.find(sep, start);
        if (pos == std::string_view::npos) {
            out.push_back(s.substr(start));
            return out;
        }
        out.push_back(s.substr(start, pos - start));
        start = pos + 1;
    }
}

std::optional<double> parse_number(std::string_view text) {
    text = trim(text);
    if (text.empty()) return std::nullopt;
    // Drop thousands separators, checking that each sits between digit groups of three.
    std::string clean;
    clean.reserve(text.size());
    size_t digits_since_sep = 0;
    bool seen_sep = false, in_fraction = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == ',') {
            if (in_fraction || digits_since_sep == 0 || (seen_sep && digits_since_sep != 3))
                return std::nullopt;
            seen_sep = true;
            digits_since_sep = 0;
            continue;
        }
        if (std::isdigit(static_cast<unsigned char>(c))) ++digits_since_sep;
        else {
            if (seen_sep && !in_fraction && digits_since_sep != 3) return std::nullopt;
            if (c == '.' || c == 'e' || c == 'E') in_fraction = true;
        }
        clean.push_back(c);
    }
    if (seen_sep && !in_fraction && digits_since_sep != 3) return std::nullopt;
    const char* begin = clean.data();
    const char* end = begin + clean.size();
    if (*begin == '+') ++begin;
    double v = 0;
    auto [ptr, ec] = std::from_chars(begin, end, v);
    if (ec != std::errc() || ptr != end) return std::nullopt;
    return v;
}

std::string si_format(double v, int significant) {
    if (!std::isfinite(v)) return "-";
    static const char* prefixes[] = {"a", "f", "p", "n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    double a = std::fabs(v);
    int exp3 = 0;
    if (a > 0) exp3 = static_cast<int>(std::floor(std::log10(a) / 3.0));
    if (exp3 < -6) exp3 = -6;
    if (exp3 > 6) exp3 = 6;
    double scaled = v / std::pow(1000.0, exp3);
    // Rounding can carry into the next prefix (999.96 -> 1000).
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*g", significant, scaled);
    if (std::fabs(std::strtod(buf, nullptr)) >= 1000.0 && exp3 < 6) {
        ++exp3;
        scaled = v / std::pow(1000.0, exp3);
        std::snprintf(buf, sizeof buf, "%.*g", significant, scaled);
    }
    std::string out = buf;
    const char* p = prefixes[exp3 + 6];
    if (*p) {
        out += ' ';
        out += p;
    }
    return out;
}

std::string si_unit(double v, std::string_view unit, int significant) {
    if (!std::isfinite(v)) return "-";
    std::string out = si_format(v, significant);
    // si_format separates a prefix with a space ("1.5 m"); without a prefix add the space here.
    if (out.find(' ') == std::string::npos) out += ' ';
    out += unit;
    return out;
}

std::string format_seconds(double s) { return si_unit(s, "s"); }

std::string format_rate(double per_second) {
    if (per_second >= 1 || !std::isfinite(per_second)) return si_format(per_second);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", per_second);
    return buf;
}

std::string format_percent(double fraction) {
    double p = fraction * 100.0;
    char buf[32];
    if (!std::isfinite(p)) return "-";
    if (p == 0) return "0%";
    if (std::abs(p) < 0.01) return p > 0 ? "<0.01%" : ">-0.01%";
    if (std::abs(p) < 1) std::snprintf(buf, sizeof buf, "%.2f%%", p);
    else if (std::abs(p) < 99.95) std::snprintf(buf, sizeof buf, "%.1f%%", p);
    else if (std::abs(p) < 9999.5) std::snprintf(buf, sizeof buf, "%.0f%%", p);
    else std::snprintf(buf, sizeof buf, "%.2g%%", p);
    return buf;
}

} // namespace rafter
