#pragma once
// What the two roofline charts share: which peak applies to a FLOP kind, display names for
// kinds and levels, group colours, marker sizes and the tooltip text of a group.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/kernel_names.h"
#include "analysis/roofline.h"
#include "plots/chart_frame.h"
#include "plots/palette.h"
#include "plots/roofline_svg.h"

namespace rafter {

// FLOPs per kind summed over the groups that have a value for it (the report totals are
// missing for a kind as soon as one group lacks it, but a chart still wants to know which kinds
// occur). Entries without any value stay missing.
std::array<Value, kFlopKinds> flops_by_kind(const RooflineReport& r);

// The kind with the most FLOPs among those with a value > 0; nullopt when there is none.
std::optional<FlopKind> dominant_kind(const std::array<Value, kFlopKinds>& flops);

std::string kind_label(FlopKind k);    // "FP32", "FP16 Tensor", "Tensor"
std::string level_label(MemLevel l);   // "L1", "L2", "DRAM"
MarkerShape level_shape(MemLevel l);   // circle l1, square l2, triangle dram

// Colours for the groups a chart plots: the largest plotted groups (report order = time order),
// at most min(max_labels, kSeriesColors) of them, get palette colours; the rest share one grey.
// Groups the chart does not plot take no colour.
struct GroupColors {
    std::vector<int> rank;  // per report group: palette index, -1 = grey / not plotted
    size_t colored = 0;     // how many got a colour
    size_t grey = 0;        // plotted groups drawn grey
    bool has_color(size_t group) const { return rank[group] >= 0; }
    std::string color(size_t group) const;
};
GroupColors assign_group_colors(const std::vector<bool>& plotted, size_t max_labels);

// Attributes of group `group`'s mark, the <g class="group"> holding its markers: its colour (grey
// groups get a lighter outline) and the caller's ChartOptions::group_attrs for it.
Attrs group_mark_attrs(const ChartOptions& options, const GroupColors& colors, size_t group);

// Equal-area marker radius for a share of the total time (unknown share: r_min): area proportional to share, with a
// floor so that tiny groups stay visible (the floor is documented in docs/charts.md).
double share_radius(const std::optional<double>& share, double r_max, double r_min = 2.5);

// A group's name for labels and legends, shortened to `width` characters.
std::string group_display_name(const GroupMetrics& g, size_t width);
// Names for several groups that fit max_px at font_size and tell them apart by the rule every
// output shares (analysis/display_names.h): shortened, then the kernel's hint, then " #1", " #2".
std::vector<std::string> distinct_group_names(const RooflineReport& r, const std::vector<size_t>& groups,
                                              double max_px, double font_size);

// Legend entries for the groups a chart plots: a heading, one marker per coloured group with its
// time share and a distinct short name, and one grey entry summing up the rest.
std::vector<LegendEntry> group_legend_entries(const RooflineReport& r, const std::vector<bool>& plotted,
                                              const GroupColors& colors, double legend_width,
                                              const ChartFonts& fonts);

// "3 groups not plotted: 1 without FLOPs (missing), 2 with zero FLOPs." from (count, reason)
// pairs; empty when all counts are zero.
std::string not_plotted_note(const std::vector<std::pair<size_t, std::string>>& reasons, std::string_view tail = ".");

// " Colours: the 8 largest groups by time; grey: 32 other groups." (empty when none is grey).
std::string colours_note(const GroupColors& colors);

// Multi-line tooltip: full name, time and share, launches, FLOPs, bytes, AI, rate, bound,
// efficiency; missing values are written as "-" with no number invented.
std::string group_tooltip(const GroupMetrics& g);

} // namespace rafter
