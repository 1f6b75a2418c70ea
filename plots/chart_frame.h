#pragma once
// The parts every log-log chart shares: plot frame, grid, axes on any side with ticks and titles,
// the chart title, a legend column, notes under the plot and a message for empty charts.
#include <string>
#include <string_view>
#include <vector>

#include "plots/label_layout.h"
#include "plots/log_axis.h"
#include "plots/palette.h"
#include "plots/svg_writer.h"

namespace rafter {

// Font sizes in px at the chart's natural size; chosen to stay legible when a 960 px wide chart
// is printed at column width.
struct ChartFonts {
    double title = 17, axis_title = 14, tick = 12, label = 11.5, legend = 12, note = 11.5;
};

enum class AxisSide { bottom, left, top, right };

struct AxisSpec {
    AxisSide side = AxisSide::bottom;
    LogScale scale;              // the primary scale of that direction (pixels)
    std::vector<Tick> ticks;     // tick values in this axis' own units
    double factor = 1;           // primary value = tick value * factor (secondary axes)
    std::string title;
};

void draw_grid(SvgWriter& svg, const Box& plot, const LogScale& x, const std::vector<Tick>& xt,
               const LogScale& y, const std::vector<Tick>& yt);
void draw_axis(SvgWriter& svg, const Box& plot, const AxisSpec& axis, const ChartFonts& fonts);
void draw_frame(SvgWriter& svg, const Box& plot);
// Title at the top left of the chart, a subtitle line under it in muted ink.
void draw_title(SvgWriter& svg, double x, double y, std::string_view title,
                std::string_view subtitle, const ChartFonts& fonts);
// A centred, boxed message in the plot area ("No groups with FLOPs and bytes to plot").
void draw_message(SvgWriter& svg, const Box& plot, std::string_view message, const ChartFonts& fonts);

// Greedy word wrap by measured width (text_width), breaking long words only when one alone is
// wider than the line.
std::vector<std::string> wrap_text(std::string_view text, double max_width, double font_size);

// Legend: a column of entries, each a symbol and a text. Drawn top-down from (x, y).
struct LegendEntry {
    enum Kind { heading, line, marker, swatch } kind = marker;
    std::string text;
    std::string color = std::string(kInk);
    std::string dash;          // line: stroke-dasharray
    double stroke_width = 1.5;
    MarkerShape shape = MarkerShape::circle;
    std::string tooltip;       // full text when `text` is shortened
    double fill_opacity = 0.25;  // swatch: 1 where it stands for solid bars

    static LegendEntry make_heading(std::string text);
    static LegendEntry make_marker(std::string text, std::string color, MarkerShape shape,
                                   std::string tooltip = {});
    static LegendEntry make_line(std::string text, std::string color, double width, std::string dash = {});
    static LegendEntry make_swatch(std::string text, std::string color);
};
// Returns the box the legend occupies. Text wider than `max_width` is cut with an ellipsis.
// Entries that would go below max_y are replaced by one "... n more" line.
Box draw_legend(SvgWriter& svg, double x, double y, double max_width, double max_y,
                const std::vector<LegendEntry>& entries, const ChartFonts& fonts);
// Without a height limit.
Box draw_legend(SvgWriter& svg, double x, double y, double max_width,
                const std::vector<LegendEntry>& entries, const ChartFonts& fonts);
double legend_height(const std::vector<LegendEntry>& entries, const ChartFonts& fonts);

// Where things go on a chart of a given size: the plot box, the legend column to its right and
// the note lines under it (already wrapped). Secondary axes reserve room at the top/right.
struct ChartLayout {
    double width = 0, height = 0;
    Box plot;
    double legend_x = 0, legend_y = 0, legend_width = 0;
    double notes_y = 0;  // baseline of the first note line
    std::vector<std::string> note_lines;
};
ChartLayout layout_chart(double width, double height, const std::vector<std::string>& notes,
                         bool top_axis, bool right_axis, double legend_width, const ChartFonts& fonts);
void draw_notes(SvgWriter& svg, const ChartLayout& layout, const ChartFonts& fonts);

// Draws placed labels (label_layout): a white box outlined in the item's colour, the text, and
// a leader line in that colour when the label sits away from its marker. Labels not placed are
// skipped and counted in an SVG comment. Returns how many were left out.
size_t draw_placed_labels(SvgWriter& svg, const std::vector<LabelPlacement>& placements,
                          const std::vector<std::string>& texts, const std::vector<std::string>& colors,
                          const ChartFonts& fonts);

// "1 group", "3 groups".
std::string plural(size_t n, const char* one, const char* many);

// Cuts text to fit max_width pixels, ending it with an ellipsis.
std::string fit_text(std::string_view text, double max_width, double font_size, bool bold = false);

} // namespace rafter
