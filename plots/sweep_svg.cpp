#include "plots/sweep_svg.h"

#include <algorithm>

#include "plots/log_axis.h"
#include "plots/svg_writer.h"

namespace rafter {

std::string sweep_svg(const SweepChart& c) {
    const double W = 760, H = 460, left = 80, right = 30, top = 40, bottom = 60;
    SvgWriter svg(W, H, "sans-serif");
    svg.text(c.title, Attrs().num("x", W / 2).num("y", 24).add("text-anchor", "middle").add("font-size", "15"));
    if (c.sweep.empty()) return svg.finish();
    double xmin = c.sweep.front().bytes, xmax = c.sweep.back().bytes;
    double ymin = c.sweep.front().bandwidth, ymax = ymin;
    for (const auto& s : c.sweep) {
        ymin = std::min(ymin, s.bandwidth);
        ymax = std::max(ymax, s.bandwidth);
    }
    auto xr = log_range(xmin, xmax, 0.05);
    auto yr = log_range(ymin, ymax, 0.1);
    if (!xr || !yr) return svg.finish();
    LogScale xs{xr->lo, xr->hi, left, W - right};
    LogScale ys{yr->lo, yr->hi, H - bottom, top};

    svg.element("rect", Attrs().num("x", left).num("y", top).num("width", W - left - right)
                            .num("height", H - top - bottom).add("fill", "none").add("stroke", "#444"));
    for (const auto& t : log_ticks(xs.lo, xs.hi, TickFormat::si)) {
        double x = xs.to_px(t.value);
        svg.element("line", Attrs().num("x1", x).num("y1", top).num("x2", x).num("y2", H - bottom)
                                .add("stroke", t.major ? "#ddd" : "#f2f2f2"));
        if (!t.label.empty())
            svg.text(t.label + "B", Attrs().num("x", x).num("y", H - bottom + 18).add("text-anchor", "middle").add("font-size", "11"));
    }
    for (const auto& t : log_ticks(ys.lo, ys.hi, TickFormat::si)) {
        double y = ys.to_px(t.value);
        svg.element("line", Attrs().num("x1", left).num("y1", y).num("x2", W - right).num("y2", y)
                                .add("stroke", t.major ? "#ddd" : "#f2f2f2"));
        if (!t.label.empty())
            svg.text(t.label, Attrs().num("x", left - 6).num("y", y + 4).add("text-anchor", "end").add("font-size", "11"));
    }
    svg.text("working set (bytes, all threads)", Attrs().num("x", (left + W - right) / 2).num("y", H - 18)
                                                     .add("text-anchor", "middle").add("font-size", "12"));
    svg.text("bandwidth (bytes/s)", Attrs().num("x", 18).num("y", (top + H - bottom) / 2).add("text-anchor", "middle")
                                        .add("font-size", "12").add("transform", "rotate(-90 18 " + svg_number((top + H - bottom) / 2) + ")"));

    std::vector<Point> line;
    for (const auto& s : c.sweep) line.push_back({xs.to_px(s.bytes), ys.to_px(s.bandwidth)});
    svg.element("polyline", Attrs().points("points", line).add("fill", "none").add("stroke", "#1f77b4").add("stroke-width", "1.5"));
    for (size_t i = 0; i < c.sweep.size(); ++i)
        svg.element("circle", Attrs().num("cx", line[i].x).num("cy", line[i].y).num("r", 2.5).add("fill", "#1f77b4"),
                    chart_unit(c.sweep[i].bytes, "B") + ": " + chart_unit(c.sweep[i].bandwidth, "B/s"));

    // Levels in red and labelled; other plateaus in grey with their figure only as a tooltip
    // (labelling all of them made the labels overlap where the sweep has many small steps).
    for (const SweepChart::Plateau& p : c.plateaus) {
        const char* lvl = p.level.empty() ? nullptr : p.level.c_str();
        double y = ys.to_px(p.bandwidth), x1 = xs.to_px(p.min_bytes), x2 = xs.to_px(p.max_bytes);
        std::string what = std::string(lvl ? lvl : "plateau (no level)") + " " + chart_unit(p.bandwidth, "B/s") + ", " +
                           chart_unit(p.min_bytes, "B") + " - " + chart_unit(p.max_bytes, "B");
        svg.element("line", Attrs().num("x1", x1).num("y1", y).num("x2", x2).num("y2", y)
                                .add("stroke", lvl ? "#d62728" : "#999").add("stroke-width", "3").add("opacity", "0.7"),
                    what);
        if (!lvl) continue;
        std::string label = std::string(lvl) + " " + chart_unit(p.bandwidth, "B/s");
        bool near_right = x1 + 7.0 * static_cast<double>(label.size()) > W - right;
        svg.text(label, Attrs().num("x", near_right ? x2 : x1).num("y", y - 7).add("font-size", "11")
                            .add("fill", "#d62728").add("text-anchor", near_right ? "end" : "start"));
    }
    svg.text("red: cache levels and DRAM (L1, L2, DRAM go into the machine file); grey: other plateaus",
             Attrs().num("x", left + 6).num("y", H - bottom - 8).add("font-size", "10").add("fill", "#666"));
    return svg.finish();
}

} // namespace rafter
