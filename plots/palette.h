#pragma once
// Colours and marker shapes shared by the charts. Series colours are the Okabe-Ito palette
// (distinguishable with the common colour-vision deficiencies); roofs and ceilings are greys so
// that colour always means "a group of kernels".
#include <cstddef>
#include <string>
#include <string_view>

#include "plots/svg_writer.h"

namespace rafter {

inline constexpr std::string_view kChartFontStack =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif";

inline constexpr std::string_view kInk = "#222222";        // text, axes
inline constexpr std::string_view kMutedInk = "#555555";   // secondary text
inline constexpr std::string_view kRoofInk = "#4d4d4d";    // roofs and ceilings
inline constexpr std::string_view kGridInk = "#e3e3e3";
inline constexpr std::string_view kOtherGroups = "#a6a6a6";  // groups beyond the coloured ones

// Okabe-Ito, reordered so that neighbours in a time-sorted list contrast; yellow last because it
// is faint on white (markers always get a dark outline).
inline constexpr size_t kSeriesColors = 8;
std::string_view series_color(size_t i);  // i >= kSeriesColors wraps around

enum class MarkerShape { circle, square, triangle, diamond };

// Draws a marker centred on (x, y) whose AREA equals that of a circle of radius r, so marker
// size encodes the same quantity whatever the shape. `style` carries fill/stroke.
void draw_marker(SvgWriter& svg, MarkerShape shape, double x, double y, double r, Attrs style,
                 std::string_view title = {});
// Half the width of the marker's bounding box for a given equal-area radius.
double marker_extent(MarkerShape shape, double r);

} // namespace rafter
