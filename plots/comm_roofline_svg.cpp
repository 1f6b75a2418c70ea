#include "plots/comm_roofline_svg.h"

#include <algorithm>
#include <cmath>

#include "plots/log_axis.h"
#include "plots/svg_writer.h"

namespace rafter {

namespace {

// Okabe-Ito colours, one per collective kind in order of appearance.
const char* const kKindColours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"};

} // namespace

std::string comm_roofline_svg(const CommRooflineChart& c) {
    const double W = 760, H = 440, left = 80, right = 200, top = 40, bottom = 60;
    SvgWriter svg(W, H, "sans-serif");
    svg.text(c.title, Attrs().num("x", left).num("y", 24).add("font-size", "15"));
    std::vector<const CommRooflineChart::Point*> pts;
    for (const auto& p : c.points)
        if (p.message_bytes > 0 && p.busbw > 0) pts.push_back(&p);
    if (pts.empty()) {
        svg.text("No collectives with a message size and a time to plot",
                 Attrs().num("x", W / 2).num("y", H / 2).add("text-anchor", "middle").add("font-size", "13"));
        return svg.finish();
    }
    double xmin = pts.front()->message_bytes, xmax = xmin, ymin = pts.front()->busbw, ymax = ymin;
    for (const auto* p : pts) {
        xmin = std::min(xmin, p->message_bytes), xmax = std::max(xmax, p->message_bytes);
        ymin = std::min(ymin, p->busbw), ymax = std::max(ymax, p->busbw);
    }
    for (const auto& ce : c.ceilings)
        if (ce.bandwidth > 0) ymin = std::min(ymin, ce.bandwidth), ymax = std::max(ymax, ce.bandwidth);
    auto xr = log_range(xmin, xmax, 0.3);
    auto yr = log_range(ymin, ymax, 0.2);
    if (!xr || !yr) return svg.finish();
    const double pr = W - right;
    LogScale xs{xr->lo, xr->hi, left, pr};
    LogScale ys{yr->lo, yr->hi, H - bottom, top};

    svg.element("rect", Attrs().num("x", left).num("y", top).num("width", pr - left).num("height", H - top - bottom)
                            .add("fill", "none").add("stroke", "#444"));
    for (const auto& t : log_ticks(xs.lo, xs.hi, TickFormat::si)) {
        double x = xs.to_px(t.value);
        svg.element("line", Attrs().num("x1", x).num("y1", top).num("x2", x).num("y2", H - bottom)
                                .add("stroke", t.major ? "#ddd" : "#f2f2f2"));
        if (!t.label.empty())
            svg.text(t.label + "B", Attrs().num("x", x).num("y", H - bottom + 18).add("text-anchor", "middle")
                                        .add("font-size", "11"));
    }
    for (const auto& t : log_ticks(ys.lo, ys.hi, TickFormat::si)) {
        double y = ys.to_px(t.value);
        svg.element("line", Attrs().num("x1", left).num("y1", y).num("x2", pr).num("y2", y)
                                .add("stroke", t.major ? "#ddd" : "#f2f2f2"));
        if (!t.label.empty())
            svg.text(t.label, Attrs().num("x", left - 6).num("y", y + 4).add("text-anchor", "end").add("font-size", "11"));
    }
    svg.text("message size per call (bytes, nccl-tests convention)",
             Attrs().num("x", (left + pr) / 2).num("y", H - 18).add("text-anchor", "middle").add("font-size", "12"));
    const double ymid = (top + H - bottom) / 2;
    svg.text("bus bandwidth (bytes/s)", Attrs().num("x", 18).num("y", ymid).add("text-anchor", "middle")
                                            .add("font-size", "12")
                                            .add("transform", "rotate(-90 18 " + svg_number(ymid) + ")"));

    // Ceilings: dashed lines across the plot, labelled at the right end inside the plot.
    for (const auto& ce : c.ceilings) {
        if (ce.bandwidth <= 0) continue;
        double y = ys.to_px(ce.bandwidth);
        std::string label = ce.label + " " + chart_unit(ce.bandwidth, "B/s");
        svg.element("line", Attrs().num("x1", left).num("y1", y).num("x2", pr).num("y2", y).add("stroke", "#d62728")
                                .add("stroke-width", "1.5").add("stroke-dasharray", "6 4"),
                    label);
        svg.text(label, Attrs().num("x", pr - 4).num("y", y - 5).add("text-anchor", "end").add("font-size", "11")
                            .add("fill", "#d62728"));
    }

    // Points: area by share of GPU time, colour by kind; the legend lists the kinds.
    std::vector<std::string> kinds;
    for (const auto* p : pts)
        if (std::find(kinds.begin(), kinds.end(), p->kind) == kinds.end()) kinds.push_back(p->kind);
    auto colour = [&](const std::string& k) {
        size_t i = static_cast<size_t>(std::find(kinds.begin(), kinds.end(), k) - kinds.begin());
        return kKindColours[i % (sizeof kKindColours / sizeof *kKindColours)];
    };
    for (const auto* p : pts) {
        double r = 3 + 12 * std::sqrt(std::clamp(p->time_share, 0.0, 1.0));
        svg.element("circle", Attrs().num("cx", xs.to_px(p->message_bytes)).num("cy", ys.to_px(p->busbw)).num("r", r)
                                  .add("fill", colour(p->kind)).add("fill-opacity", "0.6").add("stroke", colour(p->kind)),
                    p->label + ": " + chart_unit(p->message_bytes, "B") + " per call, busbw " +
                        chart_unit(p->busbw, "B/s"));
    }
    double ly = top + 8;
    for (const auto& k : kinds) {
        svg.element("circle", Attrs().num("cx", pr + 18).num("cy", ly).num("r", 5).add("fill", colour(k))
                                  .add("fill-opacity", "0.6").add("stroke", colour(k)));
        svg.text(k, Attrs().num("x", pr + 30).num("y", ly + 4).add("font-size", "12"));
        ly += 20;
    }
    svg.text("area: share of GPU time", Attrs().num("x", pr + 12).num("y", ly + 6).add("font-size", "11").add("fill", "#666"));
    svg.text("dashed: link ceilings", Attrs().num("x", pr + 12).num("y", ly + 22).add("font-size", "11").add("fill", "#666"));
    return svg.finish();
}

} // namespace rafter
