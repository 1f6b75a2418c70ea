#include "plots/chart_frame.h"

#include <algorithm>
#include <cmath>

namespace rafter {

namespace {

Attrs text_style(double size, std::string_view fill, std::string_view anchor = "start") {
    Attrs a;
    a.num("font-size", size).add("fill", fill);
    if (anchor != "start") a.add("text-anchor", anchor);
    return a;
}

} // namespace

void draw_grid(SvgWriter& svg, const Box& plot, const LogScale& x, const std::vector<Tick>& xt,
               const LogScale& y, const std::vector<Tick>& yt) {
    svg.open("g", Attrs().add("stroke", kGridInk).num("stroke-width", 1).add("fill", "none"));
    for (const auto& t : xt) {
        if (!t.major) continue;
        double px = x.to_px(t.value);
        svg.element("line", Attrs().num("x1", px).num("y1", plot.y0).num("x2", px).num("y2", plot.y1));
    }
    for (const auto& t : yt) {
        if (!t.major) continue;
        double py = y.to_px(t.value);
        svg.element("line", Attrs().num("x1", plot.x0).num("y1", py).num("x2", plot.x1).num("y2", py));
    }
    svg.close();
}

void draw_frame(SvgWriter& svg, const Box& plot) {
    svg.element("rect", Attrs()
                            .num("x", plot.x0)
                            .num("y", plot.y0)
                            .num("width", plot.width())
                            .num("height", plot.height())
                            .add("fill", "none")
                            .add("stroke", kInk)
                            .num("stroke-width", 1));
}

void draw_axis(SvgWriter& svg, const Box& plot, const AxisSpec& axis, const ChartFonts& fonts) {
    const bool horizontal = axis.side == AxisSide::bottom || axis.side == AxisSide::top;
    const double edge = axis.side == AxisSide::bottom ? plot.y1
                        : axis.side == AxisSide::top  ? plot.y0
                        : axis.side == AxisSide::left ? plot.x0
                                                      : plot.x1;
    // Ticks point outwards so they never hide data.
    const double out = (axis.side == AxisSide::bottom || axis.side == AxisSide::right) ? 1 : -1;
    svg.open("g", Attrs().add("class", "axis"));
    svg.open("g", Attrs().add("stroke", kInk).num("stroke-width", 1));
    double widest = 0;
    for (const auto& t : axis.ticks) {
        double v = t.value * axis.factor;
        if (!axis.scale.contains(v)) continue;
        double p = axis.scale.to_px(v);
        double len = t.major ? 6 : 3;
        if (horizontal)
            svg.element("line", Attrs().num("x1", p).num("y1", edge).num("x2", p).num("y2", edge + out * len));
        else
            svg.element("line", Attrs().num("x1", edge).num("y1", p).num("x2", edge + out * len).num("y2", p));
    }
    svg.close();
    svg.open("g", text_style(fonts.tick, kInk, horizontal ? "middle"
                                               : axis.side == AxisSide::left ? "end"
                                                                             : "start"));
    for (const auto& t : axis.ticks) {
        double v = t.value * axis.factor;
        if (t.label.empty() || !axis.scale.contains(v)) continue;
        double p = axis.scale.to_px(v);
        widest = std::max(widest, text_width(t.label, fonts.tick));
        Attrs a;
        if (axis.side == AxisSide::bottom) a.num("x", p).num("y", edge + 8 + fonts.tick);
        else if (axis.side == AxisSide::top) a.num("x", p).num("y", edge - 9);
        else a.num("x", edge + out * 9).num("y", p + fonts.tick * 0.35);
        svg.text(t.label, a);
    }
    svg.close();
    if (!axis.title.empty()) {
        Attrs a = text_style(fonts.axis_title, kInk, "middle");
        double mid_x = (plot.x0 + plot.x1) / 2, mid_y = (plot.y0 + plot.y1) / 2;
        if (axis.side == AxisSide::bottom) {
            a.num("x", mid_x).num("y", edge + 14 + fonts.tick + fonts.axis_title);
        } else if (axis.side == AxisSide::top) {
            a.num("x", mid_x).num("y", edge - 16 - fonts.tick);
        } else {
            // Rotated titles sit beyond the widest tick label.
            double x = edge + out * (14 + widest + fonts.axis_title * (out > 0 ? 0.8 : 0.3));
            double angle = axis.side == AxisSide::left ? -90 : 90;
            a.num("x", x).num("y", mid_y).add("transform", "rotate(" + svg_number(angle) + " " +
                                                               svg_number(x) + " " + svg_number(mid_y) + ")");
        }
        svg.text(axis.title, a);
    }
    svg.close();
}

void draw_title(SvgWriter& svg, double x, double y, std::string_view title,
                std::string_view subtitle, const ChartFonts& fonts) {
    Attrs a = text_style(fonts.title, kInk);
    a.num("x", x).num("y", y).add("font-weight", "bold");
    svg.text(title, a);
    if (!subtitle.empty()) {
        Attrs s = text_style(fonts.note, kMutedInk);
        s.num("x", x).num("y", y + fonts.note + 7);
        svg.text(subtitle, s);
    }
}

void draw_message(SvgWriter& svg, const Box& plot, std::string_view message, const ChartFonts& fonts) {
    double size = fonts.axis_title;
    auto lines = wrap_text(message, plot.width() * 0.8, size);
    double w = 0;
    for (const auto& l : lines) w = std::max(w, text_width(l, size));
    double line_h = size * 1.35, h = lines.size() * line_h + 16;
    double cx = (plot.x0 + plot.x1) / 2, cy = (plot.y0 + plot.y1) / 2;
    svg.open("g", Attrs().add("class", "message"));
    svg.element("rect", Attrs()
                            .num("x", cx - w / 2 - 14)
                            .num("y", cy - h / 2)
                            .num("width", w + 28)
                            .num("height", h)
                            .num("rx", 4)
                            .add("fill", "#fff8e1")
                            .add("stroke", "#c9a227"));
    for (size_t i = 0; i < lines.size(); ++i) {
        Attrs a = text_style(size, kInk, "middle");
        a.num("x", cx).num("y", cy - h / 2 + 8 + (i + 0.78) * line_h);
        svg.text(lines[i], a);
    }
    svg.close();
}

std::vector<std::string> wrap_text(std::string_view text, double max_width, double font_size) {
    std::vector<std::string> lines;
    std::string cur;
    size_t i = 0;
    while (i < text.size()) {
        size_t j = text.find(' ', i);
        if (j == std::string_view::npos) j = text.size();
        std::string word(text.substr(i, j - i));
        i = j + 1;
        if (word.empty()) continue;
        std::string candidate = cur.empty() ? word : cur + " " + word;
        if (text_width(candidate, font_size) <= max_width || cur.empty()) {
            cur = std::move(candidate);
        } else {
            lines.push_back(std::move(cur));
            cur = std::move(word);
        }
        // A single word wider than the line is cut rather than overflowing.
        if (text_width(cur, font_size) > max_width) {
            lines.push_back(fit_text(cur, max_width, font_size));
            cur.clear();
        }
    }
    if (!cur.empty()) lines.push_back(std::move(cur));
    return lines;
}

size_t draw_placed_labels(SvgWriter& svg, const std::vector<LabelPlacement>& placements,
                          const std::vector<std::string>& texts, const std::vector<std::string>& colors,
                          const ChartFonts& fonts) {
    size_t unplaced = 0;
    svg.open("g", Attrs().add("class", "labels").num("font-size", fonts.label).add("fill", kInk));
    for (size_t i = 0; i < placements.size(); ++i) {
        const auto& p = placements[i];
        if (!p.placed) {
            ++unplaced;
            continue;
        }
        const std::string& color = colors[i];
        if (p.leader)
            svg.element("line", Attrs().num("x1", p.lx).num("y1", p.ly).num("x2", p.bx).num("y2", p.by)
                                    .add("stroke", color).num("stroke-width", 1));
        svg.element("rect", Attrs().num("x", p.box.x0).num("y", p.box.y0).num("width", p.box.width())
                                .num("height", p.box.height()).num("rx", 2).add("fill", "#ffffff")
                                .add("fill-opacity", "0.85").add("stroke", color).num("stroke-width", 0.8));
        svg.text(texts[i], Attrs().num("x", p.box.x0 + 3).num("y", p.box.y1 - 4.5));
    }
    svg.close();
    // A legend still names the items; the comment records what was left out.
    if (unplaced) svg.comment(plural(unplaced, "label", "labels") + " left out for lack of space");
    return unplaced;
}

std::string plural(size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string fit_text(std::string_view text, double max_width, double font_size, bool bold) {
    if (text_width(text, font_size, bold) <= max_width) return std::string(text);
    const std::string ellipsis = "\xE2\x80\xA6";
    std::string s(text);
    while (!s.empty() && text_width(s + ellipsis, font_size, bold) > max_width) {
        s.pop_back();
        // Never leave half a UTF-8 sequence behind.
        while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
        if (!s.empty() && static_cast<unsigned char>(s.back()) >= 0xC0) s.pop_back();
    }
    return s + ellipsis;
}

LegendEntry LegendEntry::make_heading(std::string text) {
    LegendEntry e;
    e.kind = heading;
    e.text = std::move(text);
    return e;
}

LegendEntry LegendEntry::make_marker(std::string text, std::string color, MarkerShape shape, std::string tooltip) {
    LegendEntry e;
    e.kind = marker;
    e.text = std::move(text);
    e.color = std::move(color);
    e.shape = shape;
    e.tooltip = std::move(tooltip);
    return e;
}

LegendEntry LegendEntry::make_line(std::string text, std::string color, double width, std::string dash) {
    LegendEntry e;
    e.kind = line;
    e.text = std::move(text);
    e.color = std::move(color);
    e.stroke_width = width;
    e.dash = std::move(dash);
    return e;
}

LegendEntry LegendEntry::make_swatch(std::string text, std::string color) {
    LegendEntry e;
    e.kind = swatch;
    e.text = std::move(text);
    e.color = std::move(color);
    return e;
}

static double entry_height(const LegendEntry& e, const ChartFonts& fonts) {
    return e.kind == LegendEntry::heading ? fonts.legend + 10 : fonts.legend + 7;
}

double legend_height(const std::vector<LegendEntry>& entries, const ChartFonts& fonts) {
    double h = 0;
    for (const auto& e : entries) h += entry_height(e, fonts);
    return h;
}

Box draw_legend(SvgWriter& svg, double x, double y, double max_width,
                const std::vector<LegendEntry>& entries, const ChartFonts& fonts) {
    return draw_legend(svg, x, y, max_width, INFINITY, entries, fonts);
}

Box draw_legend(SvgWriter& svg, double x, double y, double max_width, double max_y,
                const std::vector<LegendEntry>& entries, const ChartFonts& fonts) {
    const double sym_w = 26, size = fonts.legend;
    double cy = y;
    svg.open("g", Attrs().add("class", "legend"));
    for (size_t i = 0; i < entries.size(); ++i) {
        const auto& e = entries[i];
        double h = entry_height(e, fonts);
        // Keep one line free for the "more" note unless this is the last entry.
        double need = h + (i + 1 < entries.size() ? fonts.legend + 7 : 0);
        if (cy + need > max_y) {
            size_t rest = entries.size() - i;
            Attrs a = text_style(size, kMutedInk);
            a.num("x", x).num("y", cy + (fonts.legend + 7) / 2 + size * 0.35);
            svg.text("\xE2\x80\xA6 " + std::to_string(rest) + " more legend " + (rest == 1 ? "entry" : "entries"), a);
            cy += fonts.legend + 7;
            break;
        }
        double mid = cy + h / 2 + (e.kind == LegendEntry::heading ? 2 : 0);
        if (e.kind == LegendEntry::heading) {
            Attrs a = text_style(size, kInk);
            a.num("x", x).num("y", mid + size * 0.35).add("font-weight", "bold");
            svg.text(fit_text(e.text, max_width, size, true), a);
            cy += h;
            continue;
        }
        if (e.kind == LegendEntry::line) {
            Attrs a;
            a.num("x1", x).num("y1", mid).num("x2", x + sym_w - 4).num("y2", mid)
                .add("stroke", e.color).num("stroke-width", e.stroke_width);
            if (!e.dash.empty()) a.add("stroke-dasharray", e.dash);
            svg.element("line", a);
        } else if (e.kind == LegendEntry::marker) {
            Attrs a;
            a.add("fill", e.color).add("fill-opacity", "0.85").add("stroke", "#333333").num("stroke-width", 0.7);
            draw_marker(svg, e.shape, x + (sym_w - 4) / 2, mid, 5.5, a);
        } else {
            svg.element("rect", Attrs()
                                    .num("x", x + 2)
                                    .num("y", mid - 5.5)
                                    .num("width", sym_w - 8)
                                    .num("height", 11)
                                    .add("fill", e.color)
                                    .num("fill-opacity", e.fill_opacity)
                                    .add("stroke", e.fill_opacity < 1 ? e.color : std::string("#333333")));
        }
        Attrs a = text_style(size, kInk);
        a.num("x", x + sym_w + 2).num("y", mid + size * 0.35);
        std::string shown = fit_text(e.text, max_width - sym_w - 2, size);
        if (!e.tooltip.empty() || shown != e.text) {
            svg.open("text", a);
            svg.title(e.tooltip.empty() ? e.text : e.tooltip);
            svg.raw(xml_escape(shown));
            svg.raw("\n");
            svg.close();
        } else {
            svg.text(shown, a);
        }
        cy += h;
    }
    svg.close();
    return Box{x, y, x + max_width, cy};
}

ChartLayout layout_chart(double width, double height, const std::vector<std::string>& notes,
                         bool top_axis, bool right_axis, double legend_width, const ChartFonts& fonts) {
    ChartLayout L;
    L.width = width;
    L.height = height;
    const double left = 84, title_h = 62;
    const double right_axis_w = right_axis ? 78 : 0;
    const double top_axis_h = top_axis ? 44 : 0;
    const double legend_gap = 18;
    double plot_x1 = width - 20 - legend_width - legend_gap - right_axis_w;
    for (const auto& n : notes) {
        auto lines = wrap_text(n, width - left - 14, fonts.note);
        L.note_lines.insert(L.note_lines.end(), lines.begin(), lines.end());
    }
    const double bottom_axis_h = 16 + fonts.tick + fonts.axis_title + 10;
    const double notes_h = L.note_lines.size() * (fonts.note + 4);
    L.plot = Box{left, title_h + top_axis_h, std::max(left + 40, plot_x1),
                 std::max(title_h + top_axis_h + 40, height - bottom_axis_h - notes_h - 8)};
    L.legend_x = L.plot.x1 + right_axis_w + legend_gap;
    L.legend_y = L.plot.y0;
    L.legend_width = legend_width;
    L.notes_y = L.plot.y1 + bottom_axis_h + fonts.note;
    return L;
}

void draw_notes(SvgWriter& svg, const ChartLayout& layout, const ChartFonts& fonts) {
    if (layout.note_lines.empty()) return;
    svg.open("g", text_style(fonts.note, kMutedInk));
    double y = layout.notes_y;
    for (const auto& line : layout.note_lines) {
        svg.text(line, Attrs().num("x", layout.plot.x0).num("y", y));
        y += fonts.note + 4;
    }
    svg.close();
}

} // namespace rafter
