#include "plots/roofline_style.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "analysis/display_names.h"
#include "analysis/kernel_names.h"
#include "core/text.h"
#include "plots/chart_frame.h"
#include "plots/log_axis.h"

namespace rafter {

std::array<Value, kFlopKinds> flops_by_kind(const RooflineReport& r) {
    std::array<Value, kFlopKinds> out{};
    for (const auto& g : r.groups)
        for (size_t i = 0; i < kFlopKinds; ++i)
            if (g.flops[i].has()) out[i] = Value{out[i].value + g.flops[i].value, g.flops[i].prov};
    return out;
}

std::optional<FlopKind> dominant_kind(const std::array<Value, kFlopKinds>& flops) {
    std::optional<FlopKind> best;
    double most = 0;
    for (size_t i = 0; i < kFlopKinds; ++i) {
        if (flops[i].has() && flops[i].value > most) {
            most = flops[i].value;
            best = static_cast<FlopKind>(i);
        }
    }
    return best;
}

std::string kind_label(FlopKind k) {
    switch (k) {
    case FlopKind::fp64: return "FP64";
    case FlopKind::fp32: return "FP32";
    case FlopKind::fp16: return "FP16";
    case FlopKind::bf16: return "BF16";
    case FlopKind::tf32: return "TF32";
    case FlopKind::fp8: return "FP8";
    case FlopKind::int8: return "INT8";
    case FlopKind::tensor: return "Tensor";
    case FlopKind::tensor_fp64: return "FP64 Tensor";
    case FlopKind::tensor_fp16: return "FP16 Tensor";
    case FlopKind::tensor_bf16: return "BF16 Tensor";
    case FlopKind::tensor_tf32: return "TF32 Tensor";
    case FlopKind::tensor_fp8: return "FP8 Tensor";
    case FlopKind::tensor_int8: return "INT8 Tensor";
    case FlopKind::count: break;
    }
    return "?";
}

std::string level_label(MemLevel l) {
    switch (l) {
    case MemLevel::l1: return "L1";
    case MemLevel::l2: return "L2";
    case MemLevel::dram: return "DRAM";
    case MemLevel::pcie: return "PCIe";
    case MemLevel::nvlink: return "NVLink";
    case MemLevel::count: break;
    }
    return "?";
}

MarkerShape level_shape(MemLevel l) {
    switch (l) {
    case MemLevel::l1: return MarkerShape::circle;
    case MemLevel::l2: return MarkerShape::square;
    case MemLevel::dram: return MarkerShape::triangle;
    default: return MarkerShape::diamond;
    }
}

std::string GroupColors::color(size_t group) const {
    return rank[group] >= 0 ? std::string(series_color(static_cast<size_t>(rank[group]))) : std::string(kOtherGroups);
}

GroupColors assign_group_colors(const std::vector<bool>& plotted, size_t max_labels) {
    GroupColors c;
    c.rank.assign(plotted.size(), -1);
    const size_t limit = std::min(max_labels, kSeriesColors);
    for (size_t i = 0; i < plotted.size(); ++i) {
        if (!plotted[i]) continue;
        if (c.colored < limit) c.rank[i] = static_cast<int>(c.colored++);
        else ++c.grey;
    }
    return c;
}

Attrs group_mark_attrs(const ChartOptions& options, const GroupColors& colors, size_t group) {
    Attrs a;
    a.add("class", "group");
    // The caller's attributes name the mark, so they follow its class, before the styling.
    if (group < options.group_attrs.size()) a.extra(options.group_attrs[group]);
    a.add("fill", colors.color(group));
    if (!colors.has_color(group)) a.add("stroke", "#5a5a5a").num("stroke-width", 0.6);
    return a;
}

double share_radius(const std::optional<double>& share, double r_max, double r_min) {
    if (!share || !std::isfinite(*share) || *share <= 0) return r_min;
    return std::max(r_min, r_max * std::sqrt(std::min(*share, 1.0)));
}

std::string group_display_name(const GroupMetrics& g, size_t width) {
    if (g.name.empty()) return "(unnamed)";
    return shorten_kernel_name(g.name, width);
}

namespace {
// Widths in pixels at a font size, for the shared display-name rule.
class PixelMeasure : public TextMeasure {
public:
    explicit PixelMeasure(double font_size) : font_size_(font_size) {}
    double width(std::string_view text) const override { return text_width(text, font_size_); }
    // No glyph is narrower than a quarter em.
    size_t max_chars(double room) const override {
        return room > 0 ? static_cast<size_t>(room / (0.25 * font_size_)) : 0;
    }

private:
    double font_size_;
};
} // namespace

std::vector<std::string> distinct_group_names(const RooflineReport& r, const std::vector<size_t>& groups,
                                              double max_px, double font_size) {
    std::vector<std::string> full;
    for (size_t gi : groups) full.push_back(r.groups[gi].name);
    return distinct_display_names(full, has_kernel_names(r.group_by), max_px, PixelMeasure(font_size));
}

std::vector<LegendEntry> group_legend_entries(const RooflineReport& r, const std::vector<bool>& plotted,
                                              const GroupColors& colors, double legend_width,
                                              const ChartFonts& fonts) {
    std::vector<LegendEntry> out;
    std::vector<size_t> shown;
    double rest_share = 0;
    size_t rest = 0;
    for (size_t gi = 0; gi < r.groups.size(); ++gi) {
        if (!plotted[gi]) continue;
        if (colors.has_color(gi)) {
            shown.push_back(gi);
        } else {
            ++rest;
            rest_share += r.groups[gi].time_share.value_or(0);
        }
    }
    if (shown.empty() && !rest) return out;
    out.push_back(LegendEntry::make_heading("Groups (share of time)"));
    const double room = legend_width - 30 - text_width("00.0% ", fonts.legend);
    auto names = distinct_group_names(r, shown, room, fonts.legend);
    for (size_t i = 0; i < shown.size(); ++i) {
        const auto& g = r.groups[shown[i]];
        std::string share = g.time_share ? format_percent(*g.time_share) + " " : std::string();
        out.push_back(LegendEntry::make_marker(share + names[i], colors.color(shown[i]), MarkerShape::circle, g.name));
    }
    if (rest)
        out.push_back(LegendEntry::make_marker(format_percent(rest_share) + " " +
                                                   plural(rest, "other group", "other groups"),
                                               std::string(kOtherGroups), MarkerShape::circle));
    return out;
}

std::string not_plotted_note(const std::vector<std::pair<size_t, std::string>>& reasons, std::string_view tail) {
    size_t total = 0;
    for (const auto& [n, why] : reasons) total += n;
    if (!total) return "";
    std::string s = plural(total, "group", "groups") + " not plotted:";
    std::string sep = " ";
    for (const auto& [n, why] : reasons) {
        if (!n) continue;
        s += sep + std::to_string(n) + " " + why;
        sep = ", ";
    }
    return s + std::string(tail);
}

std::string colours_note(const GroupColors& colors) {
    if (!colors.grey) return "";
    return " Colours: the " + plural(colors.colored, "largest group", "largest groups") + " by time; grey: " +
           plural(colors.grey, "other group", "other groups") + ".";
}

static std::string opt_unit(const std::optional<double>& v, const char* unit) {
    return v && std::isfinite(*v) ? chart_unit(*v, unit) : "-";
}

std::string group_tooltip(const GroupMetrics& g) {
    std::string t = g.name.empty() ? "(unnamed)" : g.name;
    t += "\ntime: " + opt_unit(g.time_s, "s");
    if (g.time_share) t += " (" + format_percent(*g.time_share) + " of total)";
    t += "\nlaunches: " + std::to_string(g.launches);
    if (g.invocations) t += ", invocations: " + std::to_string(g.invocations);
    t += "\nFLOPs: " + opt_unit(g.flops_total, "FLOP");
    if (g.flops_total) t += std::string(" (") + to_string(g.flops_prov) + ")";
    for (auto l : {MemLevel::l1, MemLevel::l2, MemLevel::dram}) {
        const Value& b = g.bytes[static_cast<size_t>(l)];
        const auto& ai = g.ai[static_cast<size_t>(l)];
        t += "\n" + level_label(l) + ": " + (b.has() ? chart_unit(b.value, "B") : std::string("-")) +
             ", AI " + (ai && std::isfinite(*ai) ? si_format(*ai, 3) : std::string("-")) + " FLOP/B";
    }
    t += "\nFLOP rate: " + opt_unit(g.flop_rate, "FLOP/s");
    t += std::string("\nbound: ") + to_string(g.bound);
    t += "\nefficiency: " +
         (g.efficiency && std::isfinite(*g.efficiency) ? format_percent(*g.efficiency) + " of bound"
                                                       : std::string("-"));
    return t;
}

} // namespace rafter
