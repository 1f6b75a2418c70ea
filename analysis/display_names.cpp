#include "analysis/display_names.h"

#include <algorithm>
#include <map>

#include "analysis/kernel_names.h"

namespace rafter {

double CharMeasure::width(std::string_view text) const {
    // UTF-8 continuation bytes take no column.
    size_t n = 0;
    for (unsigned char c : text) n += (c & 0xC0) != 0x80;
    return static_cast<double>(n);
}

size_t CharMeasure::max_chars(double room) const { return room > 0 ? static_cast<size_t>(room) : 0; }

namespace {

// Cuts `s` until s + "..." fits; plain ASCII dots so that a table column stays one byte per column.
std::string clip_to(std::string_view s, double room, const TextMeasure& m) {
    if (m.width(s) <= room) return std::string(s);
    std::string out(s);
    while (!out.empty() && m.width(out + "...") > room) {
        out.pop_back();
        while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
        if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
    }
    return out.empty() ? std::string(s.substr(0, std::min<size_t>(s.size(), m.max_chars(room)))) : out + "...";
}

// Keeps the start and the end of `s` around "...": generated names (cutlass_80_tensorop_..._align8)
// differ in their tails as often as in their heads.
std::string clip_middle(const std::string& s, double room, const TextMeasure& m) {
    if (m.width(s) <= room) return s;
    for (size_t keep = s.size(); keep-- > 2;) {
        std::string cand = s.substr(0, (keep + 1) / 2) + "..." + s.substr(s.size() - keep / 2);
        if (m.width(cand) <= room) return cand;
    }
    return clip_to(s, room, m);
}

} // namespace

std::string fit_display_name(std::string_view full_name, bool kernel_names, double room, const TextMeasure& measure) {
    if (full_name.empty()) return "(unnamed)";
    if (!kernel_names) {
        // Paths (module paths "BertModel_0/BertEncoder_0/BertLayer_3/Linear_0") keep their most
        // specific end: leading components give way to ".../" first.
        if (measure.width(full_name) > room && full_name.find('/') != std::string_view::npos) {
            for (size_t slash = full_name.find('/'); slash != std::string_view::npos;
                 slash = full_name.find('/', slash + 1)) {
                std::string s = ".../" + std::string(full_name.substr(slash + 1));
                if (measure.width(s) <= room) return s;
            }
            // Not even the last component fits: it is what tells rows apart, so clip it.
            return clip_to(".../" + std::string(full_name.substr(full_name.rfind('/') + 1)), room, measure);
        }
        return clip_to(full_name, room, measure);
    }
    size_t start = std::min({full_name.size(), measure.max_chars(room), size_t{200}});
    for (size_t w = start; w >= 8; --w) {
        std::string s = shorten_kernel_name(full_name, w);
        if (measure.width(s) <= room) return s;
    }
    return clip_to(shorten_kernel_name(full_name, 8), room, measure);
}

std::vector<std::string> distinct_display_names(const std::vector<std::string>& full_names, bool kernel_names,
                                                 double room, const TextMeasure& measure) {
    std::vector<std::string> names, tails(full_names.size());
    names.reserve(full_names.size());
    for (const auto& n : full_names) names.push_back(fit_display_name(n, kernel_names, room, measure));
    if (kernel_names) {
        std::vector<std::string> hints;
        hints.reserve(full_names.size());
        for (const auto& n : full_names) hints.push_back(kernel_name_hint(n));
        // Rows whose names (and, on the second pass, hints) still collide get the hint, clipped at
        // its end first; hints that still read alike may differ at the end, so then both ends are kept.
        auto add_hints = [&](bool only_with_tail, std::string (*clip)(const std::string&, double, const TextMeasure&)) {
            std::map<std::string, size_t> seen;
            for (const auto& n : names) ++seen[n];
            for (size_t i = 0; i < names.size(); ++i) {
                if (seen[names[i]] < 2 || hints[i].empty() || (only_with_tail && tails[i].empty())) continue;
                // The hint is what tells the rows apart, so it may take most of the room.
                tails[i] = " [" + clip(hints[i], room * 0.6, measure) + "]";
                names[i] = fit_display_name(full_names[i], true, room - measure.width(tails[i]), measure) + tails[i];
            }
        };
        add_hints(false, [](const std::string& h, double r, const TextMeasure& m) { return clip_to(h, r, m); });
        add_hints(true, clip_middle);
    }
    // The ordinal shortens the name in front of the hint, never the hint's closing bracket.
    std::vector<std::string> ordinal = duplicate_ordinals(names);
    for (size_t i = 0; i < names.size(); ++i) {
        if (ordinal[i].empty()) continue;
        double rest = room - measure.width(ordinal[i]) - measure.width(tails[i]);
        std::string head = tails[i].empty() ? clip_to(names[i], rest, measure)
                                            : fit_display_name(full_names[i], true, rest, measure);
        names[i] = head + tails[i] + ordinal[i];
    }
    return names;
}

} // namespace rafter
