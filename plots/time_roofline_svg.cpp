// Time-based roofline chart (Wang et al. 2020; docs/architecture.md, "Formulas"; docs/charts.md):
// x = DRAM bytes, y = FLOPs, log-log, one point per group, with time boxes, roof segments,
// launch-overhead ceilings, the machine-balance diagonal and byte-time / FLOP-time secondary axes.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "core/text.h"
#include "plots/chart_frame.h"
#include "plots/roofline_style.h"
#include "plots/roofline_svg.h"

namespace rafter {

namespace {

constexpr size_t kDram = static_cast<size_t>(MemLevel::dram);

struct TimePoint {
    size_t group;
    double bytes, flops, r;
    std::optional<double> peak;  // P of the group's dominant kind
    FlopKind peak_kind = FlopKind::fp32;
    bool detailed = false;       // top group with a time: box, segment, launch ceiling
    double px = 0, py = 0;
};


// P for a group: the peak of its dominant FLOP kind; `kind` says which.
std::optional<double> group_peak(const Machine& m, const GroupMetrics& g, FlopKind& kind) {
    auto dom = dominant_kind(g.flops);
    if (!dom) return std::nullopt;
    kind = *dom;
    auto p = peak_for_kind(m, *dom);
    if (p && *p > 0 && std::isfinite(*p)) return p;
    return std::nullopt;
}

} // namespace

std::string render_time_roofline_svg(const RooflineReport& report, const ChartOptions& options) {
    const ChartFonts fonts;
    const double W = std::max(options.width, 360), H = std::max(options.height, 280);
    const Machine& m = report.machine;

    std::optional<double> bw = m.bw(MemLevel::dram);
    if (bw && !(*bw > 0 && std::isfinite(*bw))) bw.reset();
    // The FLOP-time axis and the balance diagonal use the peak of the dominant kind overall.
    std::optional<FlopKind> axis_kind = dominant_kind(flops_by_kind(report));
    // Plain doubles (0 = unknown): GCC 12 warns spuriously about optionals assigned in branches.
    double p_axis_v = 0;
    if (axis_kind)
        if (auto p = peak_for_kind(m, *axis_kind); p && *p > 0 && std::isfinite(*p)) p_axis_v = *p;
    const bool p_axis = p_axis_v > 0;
    // Each group's launch floor: the sum over its kernels of min(kernel time, kernel floor).
    auto floor_of = [](const GroupMetrics& g) {
        return g.floor_time_s && *g.floor_time_s > 0 && std::isfinite(*g.floor_time_s) ? *g.floor_time_s : 0.0;
    };
    const bool have_floor = report.kernel_floor_s.has_value();

    // --- Points -------------------------------------------------------------------------------
    size_t no_flops = 0, zero_flops = 0, no_bytes = 0, zero_bytes = 0;
    std::vector<TimePoint> pts;
    for (size_t gi = 0; gi < report.groups.size(); ++gi) {
        const auto& g = report.groups[gi];
        const Value& b = g.bytes[kDram];
        if (!g.flops_total) { ++no_flops; continue; }
        if (!b.has()) { ++no_bytes; continue; }
        if (!(*g.flops_total > 0) || !std::isfinite(*g.flops_total)) { ++zero_flops; continue; }
        if (!(b.value > 0) || !std::isfinite(b.value)) { ++zero_bytes; continue; }
        TimePoint p{gi, b.value, *g.flops_total, share_radius(g.time_share, 18), std::nullopt};
        p.peak = group_peak(m, g, p.peak_kind);
        pts.push_back(p);
    }
    std::vector<bool> plotted(report.groups.size(), false);
    for (const auto& p : pts) plotted[p.group] = true;
    const GroupColors colors = assign_group_colors(plotted, options.max_labels);
    size_t detailed = 0;
    for (auto& p : pts) {
        const auto& g = report.groups[p.group];
        if (detailed >= options.max_labels || !colors.has_color(p.group)) break;
        if (g.time_s && *g.time_s > 0 && std::isfinite(*g.time_s) && bw && p.peak) {
            p.detailed = true;
            ++detailed;
        }
    }

    // --- Notes ------------------------------------------------------------------------------------
    std::vector<std::string> notes;
    if (!pts.empty()) {
        std::string n = "One point per group (sums over its launches), area \xE2\x88\x9D share of total time.";
        n += colours_note(colors);
        if (detailed)
            n += " For the " + plural(detailed, "largest group", "largest groups") +
                 " with a measured time t: time box (bytes \xE2\x89\xA4 t\xC2\xB7" "BW, FLOPs \xE2\x89\xA4 t\xC2\xB7P), "
                 "segment to where t meets the roof" +
                 (have_floor ? ", and the dashed launch floor (no kernel runs under " +
                                   chart_unit(*report.kernel_floor_s, "s") + ")."
                             : ".");
        notes.push_back(n);
        // Which P the boxes use: each group's dominant kind.
        std::map<std::string, size_t> by_peak;
        for (const auto& p : pts)
            if (p.detailed) ++by_peak[kind_label(p.peak_kind) + " " + chart_unit(*p.peak, "FLOP/s")];
        if (!by_peak.empty()) {
            std::string s = "P = peak of each group's dominant FLOP kind:";
            std::string sep = " ";
            for (const auto& [k, c] : by_peak) {
                s += sep + k + " (" + plural(c, "group", "groups") + ")";
                sep = ", ";
            }
            if (p_axis) s += ". FLOP-time axis and balance line: " + kind_label(*axis_kind) + " " +
                             chart_unit(p_axis_v, "FLOP/s") + ".";
            notes.push_back(s);
        }
    }
    if (auto n = not_plotted_note({{no_flops, "without FLOPs (missing)"},
                                   {no_bytes, "without DRAM bytes (missing)"},
                                   {zero_flops, "with zero FLOPs"},
                                   {zero_bytes, "with zero DRAM bytes"}},
                                  zero_flops + zero_bytes ? " (zero has no place on a log axis)." : ".");
        !n.empty())
        notes.push_back(n);
    if (!bw) notes.push_back("The machine has no DRAM bandwidth: byte-time axis, time boxes and balance line are not drawn.");
    if (!p_axis)
        notes.push_back(axis_kind ? "The machine has no peak for " + kind_label(*axis_kind) +
                                        ": FLOP-time axis and balance line are not drawn."
                                  : std::string("No FLOPs in the report: FLOP-time axis is not drawn."));

    // --- Ranges -------------------------------------------------------------------------------------
    double x_min = INFINITY, x_max = 0, y_min = INFINITY, y_max = 0;
    auto cover = [&](double x, double y) {
        if (x > 0 && std::isfinite(x)) { x_min = std::min(x_min, x); x_max = std::max(x_max, x); }
        if (y > 0 && std::isfinite(y)) { y_min = std::min(y_min, y); y_max = std::max(y_max, y); }
    };
    for (const auto& p : pts) {
        cover(p.bytes, p.flops);
        if (!p.detailed) continue;
        const auto& g = report.groups[p.group];
        cover(*g.time_s * *bw, *g.time_s * *p.peak);
        double tl = floor_of(g);
        if (tl > 0) cover(tl * *bw, tl * *p.peak);
    }
    if (!(x_max > 0)) { x_min = 1e3; x_max = 1e9; }
    if (!(y_max > 0)) { y_min = 1e6; y_max = 1e12; }
    auto xr = log_range(x_min, x_max, 0.2).value_or(LogRange{1e3, 1e9});
    auto yr = log_range(y_min, y_max, 0.2).value_or(LogRange{1e6, 1e12});

    const double legend_w = 220;
    auto layout = layout_chart(W, H, notes, bw.has_value(), p_axis, legend_w, fonts);
    const Box plot = layout.plot;
    LogScale xs{xr.lo, xr.hi, plot.x0, plot.x1};
    LogScale ys{yr.lo, yr.hi, plot.y1, plot.y0};
    auto xticks = log_ticks(xs.lo, xs.hi, TickFormat::si);
    auto yticks = log_ticks(ys.lo, ys.hi, TickFormat::si);

    SvgWriter svg(W, H, kChartFontStack);
    std::string title = options.title.empty()
                            ? "Time-based roofline" + (m.name.empty() ? std::string() : " \xE2\x80\x94 " + m.name)
                            : options.title;
    std::string subtitle = m.description.empty() ? std::string() : m.description + " \xC2\xB7 ";
    subtitle += plural(report.groups.size(), "group", "groups") + " (by " + to_string(report.group_by) + ")";
    if (bw) subtitle += " \xC2\xB7 DRAM " + chart_unit(*bw, "B/s");
    if (report.totals.time_s) subtitle += " \xC2\xB7 " + chart_unit(*report.totals.time_s, "s") + " kernel time";
    draw_title(svg, plot.x0, 26, title, subtitle, fonts);
    draw_grid(svg, plot, xs, xticks, ys, yticks);

    for (auto& p : pts) {
        p.px = xs.to_px(p.bytes);
        p.py = ys.to_px(p.flops);
    }

    std::vector<Box> obstacles;
    std::vector<SoftLine> lines;  // lines labels rather not cover
    LineLabel balance_label;  // drawn after the points so that no marker hides it
    std::string balance_text;
    // --- Machine balance ------------------------------------------------------------------------
    if (bw && p_axis) {
        double balance = p_axis_v / bw.value_or(1);
        Point a{xs.to_px(xs.lo), ys.to_px(balance * xs.lo)}, b{xs.to_px(xs.hi), ys.to_px(balance * xs.hi)};
        if (clip_segment(plot, a, b)) {
            lines.push_back({a, b, 0.5});
            svg.element("polyline", Attrs().points("points", {a, b}).add("fill", "none").add("stroke", kRoofInk)
                                        .num("stroke-width", 1.4).add("stroke-dasharray", "10 3 2 3"),
                        "machine balance: FLOPs = " + si_format(balance, 3) + " FLOP/B \xC3\x97 bytes");
            // Near the upper end of the visible diagonal, above it, clear of the markers.
            std::string text = "balance " + si_format(balance, 3) + " FLOP/B";
            std::vector<Circle> marks;
            for (const auto& p : pts) marks.push_back({p.px, p.py, p.r});
            auto ll = place_along_line(a, b, text_width(text, fonts.label), fonts.label, marks, {}, plot, true);
            if (ll.placed) {
                balance_label = ll;
                balance_text = text;
                obstacles.push_back(ll.box);
            }
        }
    }

    // --- Time boxes, launch ceilings and roof segments (top groups) --------------------------------
    svg.open("g", Attrs().add("class", "time-boxes"));
    for (const auto& p : pts) {
        if (!p.detailed) continue;
        const auto& g = report.groups[p.group];
        std::string color = colors.color(p.group);
        double t = *g.time_s, P = *p.peak;
        Box box{plot.x0, std::max(plot.y0, ys.to_px(t * P)), std::min(plot.x1, xs.to_px(t * *bw)), plot.y1};
        if (box.x1 > box.x0 && box.y1 > box.y0) {
            lines.push_back({{box.x0, box.y0}, {box.x1, box.y0}, 0.25});  // top and right edges
            lines.push_back({{box.x1, box.y0}, {box.x1, box.y1}, 0.25});
        }
        if (box.x1 > box.x0 && box.y1 > box.y0)
            svg.element("rect", Attrs().num("x", box.x0).num("y", box.y0).num("width", box.width())
                                    .num("height", box.height()).add("fill", color).add("fill-opacity", "0.02")
                                    .add("stroke", color).add("stroke-opacity", "0.75").num("stroke-width", 1.1),
                        group_display_name(g, 60) + ": time box for t = " + chart_unit(t, "s"));
        double tl = floor_of(g);
        if (tl > 0) {
            Point c{xs.to_px(tl * *bw), ys.to_px(tl * P)};
            Point a1{plot.x0, c.y}, b1 = c, a2 = c, b2{c.x, plot.y1};
            std::vector<Point> poly;
            if (clip_segment(plot, a1, b1)) { poly.push_back(a1); poly.push_back(b1); }
            if (clip_segment(plot, a2, b2)) {
                if (poly.empty()) poly.push_back(a2);
                poly.push_back(b2);
            }
            for (size_t k = 1; k < poly.size(); ++k) lines.push_back({poly[k - 1], poly[k], 0.15});
            if (poly.size() >= 2)
                svg.element("polyline", Attrs().points("points", poly).add("fill", "none").add("stroke", color)
                                            .num("stroke-width", 1.3).add("stroke-dasharray", "5 3"),
                            group_display_name(g, 60) + ": launch floor of its " + std::to_string(g.launches) +
                                " launches = " + chart_unit(tl, "s"));
        }
    }
    svg.close();
    svg.open("g", Attrs().add("class", "roof-segments"));
    for (const auto& p : pts) {
        if (!p.detailed) continue;
        const auto& g = report.groups[p.group];
        double t = *g.time_s, P = *p.peak, ai = p.flops / p.bytes;
        // Where the constant-AI line through the point leaves the time box.
        double ex, ey;
        if (ai >= P / *bw) { ex = t * P / ai; ey = t * P; }
        else { ex = t * *bw; ey = t * *bw * ai; }
        Point a{p.px, p.py}, b{xs.to_px(ex), ys.to_px(ey)};
        std::string color = colors.color(p.group);
        if (!clip_segment(plot, a, b)) continue;
        lines.push_back({a, b, 0.5});
        svg.element("line", Attrs().num("x1", a.x).num("y1", a.y).num("x2", b.x).num("y2", b.y).add("stroke", color)
                                .num("stroke-width", 1.6));
        svg.element("circle", Attrs().num("cx", b.x).num("cy", b.y).num("r", 2.6).add("fill", "#ffffff")
                                  .add("stroke", color).num("stroke-width", 1.4));
    }
    svg.close();

    // --- Points -----------------------------------------------------------------------------------
    std::vector<Circle> circles;
    for (const auto& p : pts) circles.push_back({p.px, p.py, p.r});
    svg.open("g", Attrs().add("class", "points").add("stroke", "#1a1a1a").num("stroke-width", 0.8));
    // Grey groups first, coloured ones on top (largest first, so small markers stay visible).
    for (int pass = 0; pass < 2; ++pass) {
        for (const auto& p : pts) {
            bool col = colors.has_color(p.group);
            if (col != (pass == 1)) continue;
            svg.open("g", group_mark_attrs(options, colors, p.group));
            svg.title(group_tooltip(report.groups[p.group]));
            draw_marker(svg, MarkerShape::circle, p.px, p.py, p.r, Attrs().add("fill-opacity", col ? "0.85" : "0.55"));
            svg.close();
        }
    }
    svg.close();

    if (balance_label.placed) {
        const std::string rot = "rotate(" + svg_number(balance_label.angle_deg) + " " + svg_number(balance_label.x) +
                                " " + svg_number(balance_label.y) + ")";
        svg.element("rect", Attrs().num("x", balance_label.x - 2).num("y", balance_label.y - fonts.label + 1)
                                .num("width", text_width(balance_text, fonts.label) + 4).num("height", fonts.label + 2)
                                .add("fill", "#ffffff").add("fill-opacity", "0.8").add("transform", rot));
    }
    if (balance_label.placed)
        svg.text(balance_text, Attrs().num("x", balance_label.x).num("y", balance_label.y).num("font-size", fonts.label)
                                   .add("fill", kRoofInk)
                                   .add("transform", "rotate(" + svg_number(balance_label.angle_deg) + " " +
                                                         svg_number(balance_label.x) + " " + svg_number(balance_label.y) + ")"));

    // --- Labels -------------------------------------------------------------------------------------
    std::vector<LabelRequest> requests;
    std::vector<size_t> request_point, request_group;
    for (size_t i = 0; i < pts.size() && request_point.size() < options.max_labels; ++i) {
        request_point.push_back(i);
        request_group.push_back(pts[i].group);
    }
    const std::vector<std::string> texts = distinct_group_names(report, request_group, 210, fonts.label);
    for (size_t i = 0; i < request_point.size(); ++i) {
        const auto& p = pts[request_point[i]];
        requests.push_back({p.px, p.py, p.r, text_width(texts[i], fonts.label) + 6, fonts.label + 5, {}});
    }
    auto placements = place_labels(requests, circles, obstacles, plot, lines);
    std::vector<std::string> label_colors;
    for (size_t gi : request_group) label_colors.push_back(colors.color(gi));
    draw_placed_labels(svg, placements, texts, label_colors, fonts);

    if (pts.empty()) {
        std::string msg = report.groups.empty() ? "No kernel groups in the report: nothing to plot."
                                                : "No group has both FLOPs and DRAM bytes: nothing to plot "
                                                  "(see the notes below).";
        draw_message(svg, plot, msg, fonts);
    }

    draw_frame(svg, plot);
    draw_axis(svg, plot, {AxisSide::bottom, xs, xticks, 1, "DRAM bytes moved (B)"}, fonts);
    draw_axis(svg, plot, {AxisSide::left, ys, yticks, 1, "Floating-point operations (FLOP)"}, fonts);
    if (bw)
        draw_axis(svg, plot, {AxisSide::top, xs, log_ticks(xs.lo / *bw, xs.hi / *bw, TickFormat::seconds), *bw,
                              "Byte-time = bytes / " + chart_unit(*bw, "B/s")}, fonts);
    if (p_axis)
        draw_axis(svg, plot, {AxisSide::right, ys, log_ticks(ys.lo / p_axis_v, ys.hi / p_axis_v, TickFormat::seconds),
                              p_axis_v, "FLOP-time = FLOPs / " + chart_unit(p_axis_v, "FLOP/s")}, fonts);

    // --- Legend ---------------------------------------------------------------------------------------
    std::vector<LegendEntry> legend = group_legend_entries(report, plotted, colors, legend_w, fonts);
    legend.push_back(LegendEntry::make_heading("Elements"));
    if (detailed) {
        legend.push_back(LegendEntry::make_swatch("time box: t\xC2\xB7" "BW \xC3\x97 t\xC2\xB7P", std::string(kMutedInk)));
        legend.push_back(LegendEntry::make_line("to the roof at time t", std::string(kMutedInk), 1.6));
        if (have_floor)
            legend.push_back(LegendEntry::make_line("launch floor (kernels \xE2\x89\xA5 " +
                                                        chart_unit(*report.kernel_floor_s, "s") + ")",
                                                    std::string(kMutedInk), 1.3, "5 3"));
    }
    if (bw && p_axis)
        legend.push_back(LegendEntry::make_line("machine balance P/BW", std::string(kRoofInk), 1.4, "10 3 2 3"));
    if (legend.back().kind == LegendEntry::heading) legend.pop_back();
    draw_legend(svg, layout.legend_x, layout.legend_y, layout.legend_width, H - 8, legend, fonts);
    draw_notes(svg, layout, fonts);
    return svg.finish();
}

} // namespace rafter
