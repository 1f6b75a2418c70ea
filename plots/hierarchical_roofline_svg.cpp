// Hierarchical roofline chart (docs/charts.md): x = arithmetic intensity, y = FLOP/s, log-log.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "core/text.h"
#include "plots/chart_frame.h"
#include "plots/roofline_style.h"
#include "plots/roofline_svg.h"

namespace rafter {

namespace {

constexpr MemLevel kLevels[] = {MemLevel::l1, MemLevel::l2, MemLevel::dram};

struct Roof {  // sloped: FLOP/s = bw * AI
    MemLevel level;
    double bw;
};

struct Ceiling {  // horizontal: FLOP/s = peak
    FlopKind kind;
    double peak;
    bool dominant;
};

struct Mark {
    size_t group;  // index into report.groups
    MemLevel level;
    double ai, rate, r;
    double px = 0, py = 0;
};

std::string roof_dash(MemLevel l) {
    switch (l) {
    case MemLevel::l1: return "2 3";
    case MemLevel::l2: return "8 4";
    default: return "";
    }
}

double roof_width(MemLevel l) { return l == MemLevel::dram ? 2.2 : 1.7; }

std::string ceiling_dash(const Ceiling& c) { return c.dominant ? "" : "10 3 2 3"; }

// Ceilings for the FLOP kinds present in the totals, plus the dominant kind; sorted by peak,
// highest first. Kinds the machine has no peak for are listed in `unknown`.
std::vector<Ceiling> pick_ceilings(const RooflineReport& r, std::vector<FlopKind>& unknown) {
    std::vector<Ceiling> out;
    const auto present = flops_by_kind(r);
    auto dom = dominant_kind(present);
    for (size_t i = 0; i < kFlopKinds; ++i) {
        const Value& v = present[i];
        if (!v.has() || !(v.value > 0)) continue;
        auto k = static_cast<FlopKind>(i);
        auto p = peak_for_kind(r.machine, k);
        if (!p || !(*p > 0) || !std::isfinite(*p)) {
            unknown.push_back(k);
            continue;
        }
        // Two kinds that map to the same peak (tensor and tensor_fp16) get one line.
        bool dup = false;
        for (auto& c : out)
            if (c.peak == *p) {
                dup = true;
                if (dom && k == *dom) c = Ceiling{k, *p, true};
            }
        if (!dup) out.push_back({k, *p, dom && k == *dom});
    }
    if (out.empty()) {
        // No FLOPs in the data: show the FP32 ceiling (else the highest) so the roofs still end.
        std::optional<Ceiling> best;
        if (auto p = r.machine.peak(FlopKind::fp32); p && *p > 0) best = Ceiling{FlopKind::fp32, *p, true};
        for (size_t i = 0; i < kFlopKinds && !best; ++i)
            if (auto p = r.machine.peak(static_cast<FlopKind>(i)); p && *p > 0)
                best = Ceiling{static_cast<FlopKind>(i), *p, true};
        if (best) out.push_back(*best);
    }
    std::sort(out.begin(), out.end(), [](const Ceiling& a, const Ceiling& b) { return a.peak > b.peak; });
    return out;
}



} // namespace

std::string render_hierarchical_roofline_svg(const RooflineReport& report, const ChartOptions& options) {
    const ChartFonts fonts;
    const double W = std::max(options.width, 360), H = std::max(options.height, 280);

    // --- What to draw -------------------------------------------------------------------------
    std::vector<Roof> roofs;
    for (auto l : kLevels)
        if (auto bw = report.machine.bw(l); bw && *bw > 0 && std::isfinite(*bw)) roofs.push_back({l, *bw});
    std::vector<FlopKind> unknown_peaks;
    std::vector<Ceiling> ceilings = pick_ceilings(report, unknown_peaks);
    const double p_max = ceilings.empty() ? 0 : ceilings.front().peak;

    // A group is out when it has no time, no FLOPs, zero FLOPs or no bytes at any level.
    size_t no_flops = 0, zero_flops = 0, no_time = 0, no_bytes = 0;
    std::vector<Mark> marks;
    for (size_t gi = 0; gi < report.groups.size(); ++gi) {
        const auto& g = report.groups[gi];
        if (!g.flops_total) { ++no_flops; continue; }
        if (!(*g.flops_total > 0)) { ++zero_flops; continue; }
        if (!g.flop_rate || !(*g.flop_rate > 0) || !std::isfinite(*g.flop_rate)) { ++no_time; continue; }
        size_t before = marks.size();
        for (auto l : kLevels) {
            const auto& ai = g.ai[static_cast<size_t>(l)];
            if (ai && *ai > 0 && std::isfinite(*ai))
                marks.push_back({gi, l, *ai, *g.flop_rate, share_radius(g.time_share, 26)});
        }
        if (marks.size() == before) ++no_bytes;
    }
    std::vector<bool> plotted(report.groups.size(), false);
    for (const auto& m : marks) plotted[m.group] = true;
    const GroupColors colors = assign_group_colors(plotted, options.max_labels);

    // --- Notes under the plot -----------------------------------------------------------------
    std::vector<std::string> notes;
    if (!marks.empty()) {
        std::string n = "Marker area \xE2\x88\x9D share of total time (radius at least 2.5 px); shape = memory "
                        "level of the arithmetic intensity.";
        n += colours_note(colors);
        notes.push_back(n);
    }
    if (auto n = not_plotted_note({{no_flops, "without FLOPs (missing)"},
                                   {zero_flops, "with zero FLOPs (no place on a log axis)"},
                                   {no_time, "without a measured time"},
                                   {no_bytes, "without bytes at L1, L2 or DRAM"}});
        !n.empty())
        notes.push_back(n);
    if (roofs.empty()) notes.push_back("The machine has no memory bandwidths: memory roofs are not drawn.");
    if (!unknown_peaks.empty()) {
        std::string n = "The machine has no peak for";
        for (size_t i = 0; i < unknown_peaks.size(); ++i)
            n += (i ? ", " : " ") + kind_label(unknown_peaks[i]);
        notes.push_back(n + ": that ceiling is not drawn.");
    }
    if (ceilings.empty()) notes.push_back("The machine has no FLOP/s peaks: compute ceilings are not drawn.");

    // --- Ranges ---------------------------------------------------------------------------------
    double x_min = INFINITY, x_max = 0, y_min = INFINITY, y_max = 0;
    for (const auto& m : marks) {
        x_min = std::min(x_min, m.ai);
        x_max = std::max(x_max, m.ai);
        y_min = std::min(y_min, m.rate);
        y_max = std::max(y_max, m.rate);
    }
    // Every ridge point (where a ceiling meets a roof) is shown so the roofline's shape is whole.
    for (const auto& c : ceilings) {
        for (const auto& rf : roofs) {
            x_min = std::min(x_min, c.peak / rf.bw);
            x_max = std::max(x_max, c.peak / rf.bw);
        }
        y_max = std::max(y_max, c.peak);
        y_min = std::min(y_min, c.peak);
    }
    if (!(x_max > 0)) {  // nothing at all: a neutral frame
        x_min = 0.01;
        x_max = 1000;
    }
    if (!(y_max > 0)) {
        y_min = 1e9;
        y_max = 1e15;
    }
    // Roofs start at the left edge: keep enough decades below the ceilings for them to be seen.
    if (!roofs.empty() && p_max > 0) y_min = std::min(y_min, p_max / 1000);
    x_max = std::max(x_max, x_min * 1e3);
    auto xr = log_range(x_min, x_max, 0.25).value_or(LogRange{0.01, 1000});
    auto yr = log_range(y_min, y_max * 2.2, 0.15).value_or(LogRange{1e9, 1e15});

    const double legend_w = 220;
    auto layout = layout_chart(W, H, notes, false, false, legend_w, fonts);
    const Box plot = layout.plot;
    LogScale xs{xr.lo, xr.hi, plot.x0, plot.x1};
    LogScale ys{yr.lo, yr.hi, plot.y1, plot.y0};
    auto xticks = log_ticks(xs.lo, xs.hi, TickFormat::decimal);
    auto yticks = log_ticks(ys.lo, ys.hi, TickFormat::si);

    SvgWriter svg(W, H, kChartFontStack);
    std::string title = options.title.empty()
                            ? "Hierarchical roofline" + (report.machine.name.empty() ? std::string()
                                                                                    : " \xE2\x80\x94 " + report.machine.name)
                            : options.title;
    std::string subtitle = report.machine.description.empty() ? std::string() : report.machine.description + " \xC2\xB7 ";
    subtitle += plural(report.groups.size(), "group", "groups") + " (by " + to_string(report.group_by) + ")";
    if (report.totals.time_s) subtitle += " \xC2\xB7 " + chart_unit(*report.totals.time_s, "s") + " kernel time";
    draw_title(svg, plot.x0, 26, title, subtitle, fonts);
    draw_grid(svg, plot, xs, xticks, ys, yticks);

    for (auto& m : marks) {
        m.px = xs.to_px(m.ai);
        m.py = ys.to_px(m.rate);
    }
    std::vector<Circle> circles;
    for (const auto& m : marks) circles.push_back({m.px, m.py, marker_extent(level_shape(m.level), m.r)});
    auto free_of_markers = [&](const Box& b) {
        for (const auto& c : circles)
            if (overlaps(b, c, 1)) return false;
        return true;
    };

    std::vector<Box> obstacles;
    std::vector<SoftLine> lines;  // roofs and ceilings: labels rather not cover them
    // --- Roofs and ceilings ---------------------------------------------------------------------
    svg.open("g", Attrs().add("class", "roofs").add("fill", "none").add("stroke", kRoofInk)
                      .add("stroke-linecap", "round"));
    for (const auto& rf : roofs) {
        // From the left edge up to where it meets the highest ceiling (or off the top).
        double x_end = p_max > 0 ? p_max / rf.bw : xs.hi;
        Point a{xs.to_px(xs.lo), ys.to_px(rf.bw * xs.lo)}, b{xs.to_px(x_end), ys.to_px(rf.bw * x_end)};
        if (!clip_segment(plot, a, b)) continue;
        lines.push_back({a, b, 0.6});
        Attrs at;
        at.points("points", {a, b}).num("stroke-width", roof_width(rf.level));
        if (auto d = roof_dash(rf.level); !d.empty()) at.add("stroke-dasharray", d);
        svg.element("polyline", at, level_label(rf.level) + " roof: " + chart_unit(rf.bw, "B/s"));
    }
    const double bw_max = roofs.empty() ? 0 : std::max_element(roofs.begin(), roofs.end(), [](auto& a, auto& b) {
                                                  return a.bw < b.bw;
                                              })->bw;
    for (const auto& c : ceilings) {
        double x0 = bw_max > 0 ? c.peak / bw_max : xs.lo;
        Point a{xs.to_px(x0), ys.to_px(c.peak)}, b{plot.x1, ys.to_px(c.peak)};
        if (!clip_segment(plot, a, b)) continue;
        lines.push_back({a, b, 0.6});
        Attrs at;
        at.points("points", {a, b}).num("stroke-width", c.dominant ? 2.2 : 1.5);
        if (auto d = ceiling_dash(c); !d.empty()) at.add("stroke-dasharray", d);
        svg.element("polyline", at, kind_label(c.kind) + " peak: " + chart_unit(c.peak, "FLOP/s"));
    }
    svg.close();

    // --- Points ---------------------------------------------------------------------------------
    // Grey groups first, coloured ones on top (largest first, so small markers stay visible).
    std::vector<std::vector<const Mark*>> marks_of(report.groups.size());
    for (const auto& m : marks) marks_of[m.group].push_back(&m);
    svg.open("g", Attrs().add("class", "points").add("stroke", "#1a1a1a").num("stroke-width", 0.8));
    for (int pass = 0; pass < 2; ++pass) {
        for (size_t gi = 0; gi < report.groups.size(); ++gi) {
            const auto& mine = marks_of[gi];
            if (mine.empty() || colors.has_color(gi) != (pass == 1)) continue;
            std::string color = colors.color(gi);
            svg.open("g", group_mark_attrs(options, colors, gi));
            svg.title(group_tooltip(report.groups[gi]));
            if (mine.size() > 1 && colors.has_color(gi)) {
                // Same FLOP rate at every level: a thin line ties a group's markers together.
                double lo = mine.front()->px, hi = lo;
                for (auto* m : mine) {
                    lo = std::min(lo, m->px);
                    hi = std::max(hi, m->px);
                }
                svg.element("line", Attrs().num("x1", lo).num("y1", mine.front()->py).num("x2", hi)
                                        .num("y2", mine.front()->py).add("stroke", color).num("stroke-width", 1.2)
                                        .add("stroke-opacity", "0.7"));
            }
            for (auto* m : mine)
                draw_marker(svg, level_shape(m->level), m->px, m->py, m->r,
                            Attrs().add("fill-opacity", colors.has_color(gi) ? "0.82" : "0.55"));
            svg.close();
        }
    }
    svg.close();

    // Roof labels run along the slope, above the line, at the first position from the left (where
    // the roof enters the plot) that is clear of markers and of the other roof labels.
    svg.open("g", Attrs().add("class", "roof-labels").num("font-size", fonts.label).add("fill", kRoofInk));
    for (const auto& rf : roofs) {
        std::string text = level_label(rf.level) + " " + chart_unit(rf.bw, "B/s");
        double x_end = p_max > 0 ? p_max / rf.bw : xs.hi;
        Point a{xs.to_px(xs.lo), ys.to_px(rf.bw * xs.lo)}, b{xs.to_px(x_end), ys.to_px(rf.bw * x_end)};
        if (!clip_segment(plot, a, b)) continue;
        auto ll = place_along_line(a, b, text_width(text, fonts.label), fonts.label, circles, obstacles, plot, false);
        if (!ll.placed) continue;  // no room: the legend names it
        // A white backing along the text keeps grid lines and crowded markers from hiding it.
        const std::string rot = "rotate(" + svg_number(ll.angle_deg) + " " + svg_number(ll.x) + " " + svg_number(ll.y) + ")";
        svg.element("rect", Attrs().num("x", ll.x - 2).num("y", ll.y - fonts.label + 1)
                                .num("width", text_width(text, fonts.label) + 4).num("height", fonts.label + 2)
                                .add("fill", "#ffffff").add("fill-opacity", "0.8").add("transform", rot));
        svg.text(text, Attrs().num("x", ll.x).num("y", ll.y).add("transform", "rotate(" + svg_number(ll.angle_deg) + " " +
                                                                                 svg_number(ll.x) + " " + svg_number(ll.y) + ")"));
        obstacles.push_back(ll.box);
    }
    svg.close();
    // Ceiling labels sit above the line just right of where it starts (the ridge on the fastest
    // roof: data rarely sits there), else further right, else below the line; the first spot
    // clear of markers and of the other labels wins. A white backing keeps grid lines off the text.
    svg.open("g", Attrs().add("class", "ceiling-labels").num("font-size", fonts.label).add("fill", kRoofInk));
    for (const auto& c : ceilings) {
        double y = ys.to_px(c.peak);
        if (y < plot.y0 || y > plot.y1) continue;
        std::string text = kind_label(c.kind) + " " + chart_unit(c.peak, "FLOP/s");
        double w = text_width(text, fonts.label);
        double x_start = std::max(plot.x0, xs.to_px(bw_max > 0 ? c.peak / bw_max : xs.lo)) + 8;
        std::optional<Box> chosen, first_free;
        for (double base : {y - 5, y + fonts.label + 3}) {
            for (double left = x_start; left + w <= plot.x1 - 4 && !chosen; left += 16) {
                Box b{left - 2, base - fonts.label + 1, left + w + 2, base + 3};
                if (!b.inside(plot)) continue;
                if (std::any_of(obstacles.begin(), obstacles.end(), [&](const Box& o) { return o.overlaps(b, 1); }))
                    continue;
                if (!first_free) first_free = b;
                if (free_of_markers(b)) chosen = b;
            }
            if (chosen) break;
        }
        if (!chosen) chosen = first_free;
        if (!chosen) continue;
        svg.element("rect", Attrs().num("x", chosen->x0).num("y", chosen->y0).num("width", chosen->width())
                                .num("height", chosen->height()).add("fill", "#ffffff").add("fill-opacity", "0.8"));
        svg.text(text, Attrs().num("x", chosen->x0 + 2).num("y", chosen->y1 - 3));
        obstacles.push_back(*chosen);
    }
    svg.close();

    // --- Labels ---------------------------------------------------------------------------------
    std::vector<LabelRequest> requests;
    std::vector<size_t> request_group;
    for (size_t gi = 0; gi < report.groups.size() && request_group.size() < options.max_labels; ++gi)
        if (plotted[gi]) request_group.push_back(gi);
    const std::vector<std::string> request_text = distinct_group_names(report, request_group, 210, fonts.label);
    for (size_t i = 0; i < request_group.size(); ++i) {
        // DRAM marker first (the level most kernels are judged by), then L2, then L1.
        std::vector<const Mark*> anchors;
        for (auto l : {MemLevel::dram, MemLevel::l2, MemLevel::l1})
            for (const auto& m : marks)
                if (m.group == request_group[i] && m.level == l) anchors.push_back(&m);
        LabelRequest rq{anchors[0]->px, anchors[0]->py, marker_extent(level_shape(anchors[0]->level), anchors[0]->r),
                        text_width(request_text[i], fonts.label) + 6, fonts.label + 5, {}};
        for (size_t k = 1; k < anchors.size(); ++k)
            rq.alternatives.push_back({anchors[k]->px, anchors[k]->py, marker_extent(level_shape(anchors[k]->level), anchors[k]->r)});
        requests.push_back(rq);
    }
    auto placements = place_labels(requests, circles, obstacles, plot, lines);
    std::vector<std::string> label_colors;
    for (size_t gi : request_group) label_colors.push_back(colors.color(gi));
    draw_placed_labels(svg, placements, request_text, label_colors, fonts);

    if (marks.empty()) {
        std::string msg = report.groups.empty() ? "No kernel groups in the report: nothing to plot."
                                                : "No group has both FLOPs and bytes with a measured time: "
                                                  "nothing to plot (see the notes below).";
        draw_message(svg, plot, msg, fonts);
    }

    draw_frame(svg, plot);
    draw_axis(svg, plot, {AxisSide::bottom, xs, xticks, 1, "Arithmetic intensity (FLOP/byte)"}, fonts);
    draw_axis(svg, plot, {AxisSide::left, ys, yticks, 1, "Performance (FLOP/s)"}, fonts);

    // --- Legend ---------------------------------------------------------------------------------
    std::vector<LegendEntry> legend;
    legend.push_back(LegendEntry::make_heading("Memory level (marker)"));
    for (auto l : kLevels)
        legend.push_back(LegendEntry::make_marker(level_label(l) + " intensity", "#bdbdbd", level_shape(l)));
    if (!roofs.empty() || !ceilings.empty()) legend.push_back(LegendEntry::make_heading("Roofs"));
    for (const auto& rf : roofs)
        legend.push_back(LegendEntry::make_line(level_label(rf.level) + " " + chart_unit(rf.bw, "B/s"),
                                                std::string(kRoofInk), roof_width(rf.level), roof_dash(rf.level)));
    for (const auto& c : ceilings)
        legend.push_back(LegendEntry::make_line(kind_label(c.kind) + " " + chart_unit(c.peak, "FLOP/s"),
                                                std::string(kRoofInk), c.dominant ? 2.2 : 1.5, ceiling_dash(c)));
    auto group_entries = group_legend_entries(report, plotted, colors, legend_w, fonts);
    legend.insert(legend.end(), group_entries.begin(), group_entries.end());
    draw_legend(svg, layout.legend_x, layout.legend_y, layout.legend_width, H - 8, legend, fonts);
    draw_notes(svg, layout, fonts);
    return svg.finish();
}

} // namespace rafter
