#include "plots/scaling_svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "core/text.h"
#include "plots/chart_frame.h"
#include "plots/label_layout.h"
#include "plots/palette.h"
#include "plots/svg_writer.h"

namespace rafter {

namespace {

constexpr double kWidth = 960, kHeight = 760;
constexpr double kLeft = 86, kRight = 720;  // plot area; the legend column is to the right

struct Panel {
    double y0, y1;  // screen y of the top and bottom of the plot area
};

std::string pct_label(double v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.0f%%", v * 100);
    return buf;
}

// x position of a GPU count: log2 scale over [lo/1.4, hi*1.4] so end bars are not clipped.
struct XAxis {
    double lo = 1, hi = 2;
    double px(double g) const {
        double a = std::log2(lo / 1.4), b = std::log2(hi * 1.4);
        return kLeft + (std::log2(g) - a) / (b - a) * (kRight - kLeft);
    }
};

// A "nice" linear axis maximum and step for [0, v].
void nice_axis(double v, double& top, double& step) {
    if (!(v > 0)) v = 1;
    double raw = v / 5;
    double mag = std::pow(10, std::floor(std::log10(raw)));
    double f = raw / mag;
    double s = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
    step = s * mag;
    top = std::ceil(v / step - 1e-9) * step;
}

Attrs text_at(double x, double y, double size, std::string_view color, const char* anchor = "start") {
    Attrs a;
    a.num("x", x).num("y", y).num("font-size", size).add("fill", color).add("text-anchor", anchor);
    return a;
}

void draw_frame_and_grid(SvgWriter& svg, const Panel& p, const XAxis& x, const std::vector<int>& gpus,
                         double top, double step, bool percent, const std::string& y_title, bool x_labels) {
    auto ypx = [&](double v) { return p.y1 - v / top * (p.y1 - p.y0); };
    svg.open("g", Attrs().add("class", "axes"));
    for (double v = 0; v <= top + 1e-9 * top; v += step) {
        double y = ypx(v);
        svg.element("line", Attrs().num("x1", kLeft).num("x2", kRight).num("y1", y).num("y2", y)
                                .add("stroke", kGridInk).num("stroke-width", 1));
        std::string label = percent ? pct_label(v) : chart_unit(v, "s");
        svg.text(label, text_at(kLeft - 8, y + 4, 12, kInk, "end"));
    }
    // Label every count when they fit, else every other one.
    size_t every = gpus.size() > 14 ? 2 : 1;
    for (size_t i = 0; i < gpus.size(); ++i) {
        double xx = x.px(gpus[i]);
        svg.element("line", Attrs().num("x1", xx).num("x2", xx).num("y1", p.y1).num("y2", p.y1 + 5)
                                .add("stroke", kInk).num("stroke-width", 1));
        if (x_labels && i % every == 0) svg.text(std::to_string(gpus[i]), text_at(xx, p.y1 + 19, 12, kInk, "middle"));
    }
    svg.element("rect", Attrs().num("x", kLeft).num("y", p.y0).num("width", kRight - kLeft).num("height", p.y1 - p.y0)
                            .add("fill", "none").add("stroke", kInk).num("stroke-width", 1));
    Attrs t = text_at(0, 0, 14, kInk, "middle");
    double cy = (p.y0 + p.y1) / 2;
    t.add("transform", "translate(" + svg_number(24) + "," + svg_number(cy) + ") rotate(-90)");
    svg.text(y_title, t);
    svg.close();
}

} // namespace

std::string render_scaling_svg(const ScalingResult& r) {
    SvgWriter svg(kWidth, kHeight, kChartFontStack);
    ChartFonts fonts;
    const Scenario& s = r.scenario;
    std::string title = "Scaling: " + (s.name.empty() ? s.origin : s.name);
    std::string sub = std::string(to_string(s.mode)) + " scaling, " + si_format(s.workload.parameters) +
                      " parameters" +
                      (s.workload.transformer ? std::string(", transformer form")
                                              : ", single GPU " + format_rate(r.single_gpu_throughput) + " samples/s") +
                      (r.searched ? ", best layout per GPU count" : "");
    draw_title(svg, 20, 30, fit_text(title, kWidth - 40, fonts.title, true), fit_text(sub, kWidth - 40, fonts.note), fonts);

    if (r.points.empty()) {
        draw_message(svg, Box{kLeft, 80, kRight, kHeight - 60}, "No GPU counts to plot", fonts);
        return svg.finish();
    }
    std::vector<int> gpus;
    for (const auto& p : r.points) gpus.push_back(p.step.gpus);
    XAxis x{static_cast<double>(gpus.front()), static_cast<double>(gpus.back())};
    bool io = s.workload.data && s.system.io;
    double single = r.single_gpu_throughput;
    auto measured_eff = [&](const ScalingPoint& p, double step) {
        return p.step.global_batch / step / (p.step.gpus * single);
    };

    // ---- Efficiency panel ----
    Panel top{80, 330};
    double emax = 1.0;
    for (const auto& p : r.points) {
        emax = std::max(emax, p.step.efficiency);
        if (p.measured_step_s) emax = std::max(emax, measured_eff(p, *p.measured_step_s));
    }
    double etop, estep;
    nice_axis(emax * 1.02, etop, estep);
    draw_frame_and_grid(svg, top, x, gpus, etop, estep, true, "scaling efficiency", true);
    auto ey = [&](double v) { return top.y1 - v / etop * (top.y1 - top.y0); };
    std::string c_model(series_color(0)), c_meas(series_color(1)), c_fit(series_color(2));
    std::vector<Point> line;
    for (const auto& p : r.points) line.push_back({x.px(p.step.gpus), ey(p.step.efficiency)});
    svg.open("g", Attrs().add("class", "efficiency"));
    svg.element("polyline", Attrs().points("points", line).add("fill", "none").add("stroke", c_model).num("stroke-width", 2));
    for (size_t i = 0; i < line.size(); ++i) {
        const auto& p = r.points[i];
        char tip[160];
        std::snprintf(tip, sizeof tip, "%d GPUs: efficiency %.1f%%, step %s", p.step.gpus, p.step.efficiency * 100,
                      format_seconds(p.step.step_s).c_str());
        svg.element("circle", Attrs().num("cx", line[i].x).num("cy", line[i].y).num("r", 4).add("fill", c_model)
                                  .add("stroke", "#333333").num("stroke-width", 0.7), tip);
    }
    if (r.fit) {
        std::vector<Point> fl;
        for (const auto& p : r.points)
            if (p.fit_step_s && *p.fit_step_s > 0) fl.push_back({x.px(p.step.gpus), ey(measured_eff(p, *p.fit_step_s))});
        if (fl.size() > 1)
            svg.element("polyline", Attrs().points("points", fl).add("fill", "none").add("stroke", c_fit)
                                        .num("stroke-width", 1.8).add("stroke-dasharray", "6 4"));
    }
    for (const auto& p : r.points) {
        if (!p.measured_step_s) continue;
        double e = measured_eff(p, *p.measured_step_s);
        char tip[128];
        std::snprintf(tip, sizeof tip, "%d GPUs: measured step %s, efficiency %.1f%%", p.step.gpus,
                      format_seconds(*p.measured_step_s).c_str(), e * 100);
        draw_marker(svg, MarkerShape::diamond, x.px(p.step.gpus), ey(e), 5.5,
                    Attrs().add("fill", c_meas).add("stroke", "#333333").num("stroke-width", 0.7), tip);
    }
    svg.close();
    std::vector<LegendEntry> le;
    LegendEntry m;
    m.kind = LegendEntry::line;
    m.text = "model";
    m.color = c_model;
    m.stroke_width = 2;
    le.push_back(m);
    if (std::any_of(r.points.begin(), r.points.end(), [](const ScalingPoint& p) { return p.measured_step_s.has_value(); })) {
        LegendEntry e;
        e.kind = LegendEntry::marker;
        e.shape = MarkerShape::diamond;
        e.text = "measured";
        e.color = c_meas;
        le.push_back(e);
    }
    if (r.fit) {
        LegendEntry f;
        f.kind = LegendEntry::line;
        f.text = "empirical fit";
        f.color = c_fit;
        f.dash = "6 4";
        le.push_back(f);
    }
    draw_legend(svg, kRight + 24, top.y0, kWidth - kRight - 34, le, fonts);

    // ---- Step-time panel ----
    Panel bot{400, 690};
    double smax = 0;
    for (const auto& p : r.points) smax = std::max(smax, p.step.step_s);
    double stop, sstep;
    nice_axis(smax * 1.05, stop, sstep);
    draw_frame_and_grid(svg, bot, x, gpus, stop, sstep, false, "step time", true);
    svg.text("GPUs", text_at((kLeft + kRight) / 2, bot.y1 + 42, 14, kInk, "middle"));
    auto sy = [&](double v) { return bot.y1 - v / stop * (bot.y1 - bot.y0); };
    // Bar width: a fraction of the smallest spacing between neighbouring counts.
    double spacing = kRight - kLeft;
    for (size_t i = 1; i < gpus.size(); ++i) spacing = std::min(spacing, x.px(gpus[i]) - x.px(gpus[i - 1]));
    double bw = std::clamp(spacing * 0.6, 4.0, 44.0);
    struct Part {
        const char* name;
        std::string color;
    };
    std::vector<Part> parts = {{"compute + optimizer", std::string(series_color(0))},
                               {"pipeline bubble", std::string(series_color(5))},
                               {"exposed communication", std::string(series_color(1))},
                               {"exposed I/O", std::string(series_color(3))}};
    svg.open("g", Attrs().add("class", "step-time"));
    for (const auto& p : r.points) {
        const StepPrediction& b = p.step;
        double vals[4] = {b.compute_s + b.optimizer_s, b.bubble_s, b.exposed_comm_s, io ? b.exposed_io_s : 0.0};
        double base = 0, cx = x.px(b.gpus);
        for (int k = 0; k < 4; ++k) {
            if (!(vals[k] > 0)) continue;
            double y0 = sy(base + vals[k]), y1 = sy(base);
            char tip[160];
            std::snprintf(tip, sizeof tip, "%d GPUs: %s %s of %s", b.gpus, parts[k].name,
                          format_seconds(vals[k]).c_str(), format_seconds(b.step_s).c_str());
            svg.element("rect", Attrs().num("x", cx - bw / 2).num("y", y0).num("width", bw).num("height", std::max(0.0, y1 - y0))
                                    .add("fill", parts[k].color).add("stroke", "#333333").num("stroke-width", 0.5), tip);
            base += vals[k];
        }
        if (p.measured_step_s)
            draw_marker(svg, MarkerShape::diamond, cx, sy(*p.measured_step_s), 5.5,
                        Attrs().add("fill", c_meas).add("stroke", "#333333").num("stroke-width", 0.7),
                        "measured step " + format_seconds(*p.measured_step_s));
    }
    svg.close();
    std::vector<LegendEntry> sl;
    for (size_t k = 0; k < parts.size(); ++k) {
        if (k == 3 && !io) continue;
        LegendEntry e;
        e.kind = LegendEntry::swatch;
        e.text = parts[k].name;
        e.color = parts[k].color;
        e.fill_opacity = 1;  // as the bars
        sl.push_back(e);
    }
    Box lb = draw_legend(svg, kRight + 24, bot.y0, kWidth - kRight - 34, sl, fonts);
    if (!io) {
        // Two short lines: the legend column is narrow.
        svg.text("I/O not modeled", text_at(kRight + 24, lb.y1 + 22, 11.5, kMutedInk));
        svg.text("(no workload.data / system.io)", text_at(kRight + 24, lb.y1 + 38, 11.5, kMutedInk));
    }
    return svg.finish();
}

} // namespace rafter
