#pragma once
// Roofline charts as standalone SVG 1.1 text (no scripts, system fonts). plots/ only draws what
// analysis/ computed: every number shown comes from the RooflineReport and its Machine.
// Degenerate inputs (no groups, missing FLOPs/bytes, zeros on log axes, a machine without
// bandwidths) still give a valid SVG that says what could not be drawn. See docs/charts.md.
#include <cstddef>
#include <string>
#include <vector>

#include "analysis/roofline.h"
#include "plots/svg_writer.h"

namespace rafter {

struct ChartOptions {
    int width = 960;
    int height = 640;
    size_t max_labels = 8;  // label at most this many groups (largest time first)
    std::string title;      // empty: a title is made from the machine name
    // Attributes for each group's mark, indexed like report.groups (shorter or empty: the rest
    // get none). The mark is the <g class="group"> holding the group's markers and tooltip; a
    // group the chart does not plot has none. An id must be unique in the page that embeds the
    // chart, so a page showing both charts gives each its own ids (or uses data-* only).
    std::vector<ElementAttrs> group_attrs;
};

// Hierarchical roofline: x = arithmetic intensity (FLOP/byte), y = FLOP/s, both log. One marker
// per group and memory level (colour = group, shape = level), sloped roofs per level and
// horizontal ceilings per precision present in the data.
std::string render_hierarchical_roofline_svg(const RooflineReport& report,
                                             const ChartOptions& options = {});

// Time-based roofline (Wang et al. 2020): x = DRAM bytes, y = FLOPs, both log, one point per
// group; top axis = byte-time (bytes / BW), right axis = FLOP-time (FLOPs / P), time boxes,
// roof segments, launch-overhead ceilings and the machine-balance diagonal.
std::string render_time_roofline_svg(const RooflineReport& report,
                                     const ChartOptions& options = {});

} // namespace rafter
